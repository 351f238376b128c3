import { describe, expect, it } from 'vitest';
import { keySetLifetimeSeconds } from '../../src/lib/keys/cache-control.js';

describe('key set lifetime from Cache-Control (§4.13 cache lifetime, OK-3)', () => {
  it.each([
    [undefined, undefined, 600],
    ['max-age=300', undefined, 300],
    ['public, max-age=3600, must-revalidate', undefined, 3600],
    ['MAX-AGE=120', undefined, 120],
    ['max-age="240"', undefined, 240],
    ['max-age=10', undefined, 60],
    ['max-age=0', undefined, 60],
    ['max-age=604800', undefined, 86_400],
    ['no-store', undefined, 60],
    ['max-age=900, no-cache', undefined, 60],
    ['max-age=300, max-age=30', undefined, 300],
    ['max-age=-5', undefined, 600],
    ['max-age=1e3', undefined, 600],
    ['max-age=300', '100', 200],
    ['max-age=300', '290', 60],
    ['max-age=300', 'soon', 300],
  ])('Cache-Control %s with Age %s lasts %i s', (cacheControl, age, expected) => {
    expect(keySetLifetimeSeconds(cacheControl, age, 600)).toBe(expected);
  });

  it('clamps the configured default as well', () => {
    expect(keySetLifetimeSeconds(undefined, undefined, 5)).toBe(60);
  });
});

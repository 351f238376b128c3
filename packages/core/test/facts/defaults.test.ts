import { describe, expect, it } from 'vitest';
import { DEFAULTS, LIMITS, type Range } from '../../src/defaults.js';
import { DEFAULT_REALM, DEFAULT_RETRY_AFTER_SECONDS, isTokenwardError } from '../../src/errors.js';
import * as api from '../../src/index.js';
import { KEY_DEFAULTS } from '../../src/lib/keys/issuer-keys.js';
import { resolveVerifierOptions } from '../../src/lib/options/resolve.js';
import { createMemoryStore } from '../../src/memory-store.js';
import type { AccessTokenVerifierOptions } from '../../src/options.js';

const base = { issuer: 'https://acme.okta.com/oauth2/default', audience: 'api://default' };
const resolve = (extra: Record<string, unknown> = {}) =>
  resolveVerifierOptions({ ...base, ...extra } as AccessTokenVerifierOptions);

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

function configFailure(extra: Record<string, unknown>): string | undefined {
  try {
    resolve(extra);
    return undefined;
  } catch (error) {
    if (isTokenwardError(error) && error.code === 'ERR_CONFIG') return error.message;
    throw error;
  }
}

describe('DEFAULTS and LIMITS: one module of defaults and ranges, exported for tools', () => {
  it('are exported from both entries and frozen all the way down', () => {
    expect(api.DEFAULTS).toBe(DEFAULTS);
    expect(api.LIMITS).toBe(LIMITS);
    expect(isDeeplyFrozen(DEFAULTS)).toBe(true);
    expect(isDeeplyFrozen(LIMITS)).toBe(true);
  });

  it('are what a verifier uses when an option is not given', () => {
    const settings = resolve();
    expect(settings.algorithms).toEqual(DEFAULTS.algorithms);
    expect(settings.clockTolerance).toBe(DEFAULTS.clockTolerance);
    expect(settings.maxTokenSize).toBe(DEFAULTS.maxTokenSize);
    expect(settings.resultCacheMax).toBe(DEFAULTS.resultCacheMax);
    expect(settings.realm).toBe(DEFAULTS.realm);
    expect(DEFAULT_REALM).toBe(DEFAULTS.realm);
    expect(DEFAULT_RETRY_AFTER_SECONDS).toBe(DEFAULTS.retryAfter);
  });

  it('are what the key path uses, in its units', () => {
    expect(KEY_DEFAULTS).toEqual({
      httpTimeoutMs: DEFAULTS.httpTimeout * 1000,
      jwksCacheMaxAge: DEFAULTS.jwksCacheMaxAge,
      discoveryCacheMaxAge: DEFAULTS.discoveryCacheMaxAge,
      cooldown: DEFAULTS.jwksCooldown,
      staleIfError: DEFAULTS.staleIfError,
      maxJwksBytes: DEFAULTS.maxJwksBytes,
      maxJwksKeys: DEFAULTS.maxJwksKeys,
      maxDiscoveryBytes: DEFAULTS.maxDiscoveryBytes,
    });
  });

  const ranged: ReadonlyArray<readonly [string, Range, (value: number) => Record<string, unknown>]> = [
    ['clockTolerance', LIMITS.clockTolerance, (value) => ({ clockTolerance: value })],
    ['maxTokenSize', LIMITS.maxTokenSize, (value) => ({ maxTokenSize: value })],
    ['httpTimeout', LIMITS.httpTimeout, (value) => ({ httpTimeout: value })],
    ['jwksCacheMaxAge', LIMITS.jwksCacheMaxAge, (value) => ({ jwksCacheMaxAge: value })],
    ['discoveryCacheMaxAge', LIMITS.discoveryCacheMaxAge, (value) => ({ discoveryCacheMaxAge: value })],
    ['jwksCooldown', LIMITS.jwksCooldown, (value) => ({ jwksCooldown: value })],
    ['staleIfError', LIMITS.staleIfError, (value) => ({ staleIfError: value })],
    ['resultCache.max', LIMITS.resultCacheMax, (value) => ({ resultCache: { max: value } })],
  ];

  it.each(ranged)(
    '%s accepts exactly its LIMITS range, and its default lies inside',
    (name, range, option) => {
      expect(configFailure(option(range.max))).toBeUndefined();
      expect(configFailure(option(range.max + 1))).toContain(`\`${name}\``);
      expect(configFailure(option(range.min - 1))).toContain(`\`${name}\``);
      if (range.exclusiveMin) expect(configFailure(option(range.min))).toContain(`\`${name}\``);
      else expect(configFailure(option(range.min))).toBeUndefined();
      const key = (name === 'resultCache.max' ? 'resultCacheMax' : name) as keyof typeof DEFAULTS;
      const fallback = DEFAULTS[key] as number;
      expect(fallback > range.min || (!range.exclusiveMin && fallback === range.min)).toBe(true);
      expect(fallback).toBeLessThanOrEqual(range.max);
    },
  );

  it('bound createMemoryStore({ max }) too', () => {
    expect(() => createMemoryStore({ max: LIMITS.memoryStoreMax.max })).not.toThrow();
    expect(() => createMemoryStore({ max: LIMITS.memoryStoreMax.max + 1 })).toThrow(/`max`/);
    expect(() => createMemoryStore({ max: LIMITS.memoryStoreMax.min - 1 })).toThrow(/`max`/);
  });
});

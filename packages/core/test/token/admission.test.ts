import { describe, expect, it } from 'vitest';
import { createAdmissionFilter, tokenFingerprint } from '../../src/lib/access-token/admission.js';

const token = (index: number) =>
  tokenFingerprint(`eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.${index.toString(36).padStart(43, 'x')}`);

describe('admission filter: has this verified token been seen before?', () => {
  it('says no the first time and yes the second', () => {
    const filter = createAdmissionFilter(16);
    expect(filter.admit(token(1))).toBe(false);
    expect(filter.admit(token(1))).toBe(true);
    expect(filter.admit(token(2))).toBe(false);
  });

  it('remembers most of a run of distinct tokens no longer than its slots', () => {
    const filter = createAdmissionFilter(4096);
    for (let index = 0; index < 1000; index += 1) filter.admit(token(index));
    let remembered = 0;
    for (let index = 0; index < 1000; index += 1) if (filter.admit(token(index))) remembered += 1;
    // A token is forgotten when a later one takes its slot: about 1 - (1 - 1/4096)^1000, 22%.
    expect(remembered).toBeGreaterThan(720);
  });

  it('forgets tokens that a much longer run pushed out, so they are not admitted on that second sight', () => {
    const filter = createAdmissionFilter(1024);
    for (let index = 0; index < 100_000; index += 1) filter.admit(token(index));
    let remembered = 0;
    for (let index = 0; index < 1000; index += 1) if (filter.admit(token(index))) remembered += 1;
    expect(remembered).toBeLessThan(50);
  });
});

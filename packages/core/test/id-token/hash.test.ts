import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHalfHash, digestForAlgorithm, leftHalfHash } from '../../src/lib/id-token/hash.js';
import { failureOf } from '../token/helpers.js';

/** The reference: node:crypto, independent of the WebCrypto code under test. */
function referenceHalfHash(value: string, hash: 'sha256' | 'sha384' | 'sha512'): string {
  const digest = createHash(hash).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

const ACCESS_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

describe('at_hash / c_hash: the hash follows the ID token alg (IDT-10, IDT-11)', () => {
  it.each([
    ['RS256', 'SHA-256'],
    ['PS256', 'SHA-256'],
    ['ES256', 'SHA-256'],
    ['RS384', 'SHA-384'],
    ['PS384', 'SHA-384'],
    ['ES384', 'SHA-384'],
    ['RS512', 'SHA-512'],
    ['PS512', 'SHA-512'],
    ['ES512', 'SHA-512'],
    ['EdDSA', 'SHA-512'],
  ])('%s hashes with %s', (alg, digest) => {
    expect(digestForAlgorithm(alg)).toBe(digest);
  });

  it('has no hash for algorithms outside the supported set', () => {
    for (const alg of ['HS256', 'none', 'RS1', 'rs256', 'ES256K'])
      expect(digestForAlgorithm(alg)).toBeUndefined();
  });

  it.each([
    ['RS256', 'sha256', 16],
    ['ES384', 'sha384', 24],
    ['PS512', 'sha512', 32],
    ['EdDSA', 'sha512', 32],
  ] as const)('%s: the left-most half of %s, %i bytes', async (alg, hash, bytes) => {
    const half = await leftHalfHash(ACCESS_TOKEN, alg);
    expect(half.length).toBe(bytes);
    expect(Buffer.from(half).toString('base64url')).toBe(referenceHalfHash(ACCESS_TOKEN, hash));
  });

  it('matches the examples of OIDC Core Appendix A (RS256)', async () => {
    await expect(
      checkHalfHash({
        claim: 'at_hash',
        expected: '77QmUPtjPfzWtF2AnpK9RQ',
        value: 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y',
        alg: 'RS256',
      }),
    ).resolves.toBeUndefined();
    await expect(
      checkHalfHash({
        claim: 'c_hash',
        expected: 'LDktKdoQak3Pk0cnXxCltA',
        value: 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk',
        alg: 'RS256',
      }),
    ).resolves.toBeUndefined();
  });

  it('refuses an at_hash of another access token with ERR_AT_HASH_MISMATCH', async () => {
    const failure = await failureOf(() =>
      checkHalfHash({
        claim: 'at_hash',
        expected: referenceHalfHash('another access token', 'sha256'),
        value: ACCESS_TOKEN,
        alg: 'RS256',
      }),
    );
    expect(failure).toEqual({
      code: 'ERR_AT_HASH_MISMATCH',
      message:
        'claim "at_hash" does not match the access token given to verify (left half of SHA-256, per alg RS256): ' +
        'the two were not issued together',
    });
  });

  it('refuses a c_hash of another code with ERR_C_HASH_MISMATCH', async () => {
    const failure = await failureOf(() =>
      checkHalfHash({
        claim: 'c_hash',
        expected: referenceHalfHash('code-1', 'sha512'),
        value: 'code-2',
        alg: 'EdDSA',
      }),
    );
    expect(failure.code).toBe('ERR_C_HASH_MISMATCH');
    expect(failure.message).toContain('SHA-512, per alg EdDSA');
  });

  it('refuses a hash made with the wrong function: a SHA-256 half where ES384 needs SHA-384', async () => {
    const failure = await failureOf(() =>
      checkHalfHash({
        claim: 'at_hash',
        expected: referenceHalfHash(ACCESS_TOKEN, 'sha256'),
        value: ACCESS_TOKEN,
        alg: 'ES384',
      }),
    );
    expect(failure.code).toBe('ERR_AT_HASH_MISMATCH');
  });

  it('refuses the full hash instead of its left half', async () => {
    const full = createHash('sha256').update(ACCESS_TOKEN).digest('base64url');
    const failure = await failureOf(() =>
      checkHalfHash({ claim: 'at_hash', expected: full, value: ACCESS_TOKEN, alg: 'RS256' }),
    );
    expect(failure.code).toBe('ERR_AT_HASH_MISMATCH');
  });

  it.each([
    ['padding', 'token-0', 'bALPIINGnnJ1iji-C3xuqw=='],
    ['the standard base64 alphabet', 'token-0', 'bALPIINGnnJ1iji+C3xuqw'],
    ['nothing at all', 'token-0', ''],
    ['a number', 'token-0', 42],
    ['an array', 'token-0', ['bALPIINGnnJ1iji-C3xuqw']],
  ])(
    'refuses an at_hash spelled with %s as a mismatch, whatever its shape',
    async (_label, value, expected) => {
      // 'bALPIINGnnJ1iji-C3xuqw' is the correct at_hash of 'token-0'.
      const failure = await failureOf(() =>
        checkHalfHash({ claim: 'at_hash', expected, value, alg: 'RS256' }),
      );
      expect(failure.code).toBe('ERR_AT_HASH_MISMATCH');
      expect(failure.message).toMatch(/^claim "at_hash" does not match the access token given to verify/);
    },
  );

  it('refuses a malformed c_hash as ERR_C_HASH_MISMATCH', async () => {
    const failure = await failureOf(() =>
      checkHalfHash({ claim: 'c_hash', expected: 'a=', value: 'code-0', alg: 'RS256' }),
    );
    expect(failure.code).toBe('ERR_C_HASH_MISMATCH');
  });

  it('accepts the canonical spelling of the same hash', async () => {
    await expect(
      checkHalfHash({ claim: 'at_hash', expected: 'bALPIINGnnJ1iji-C3xuqw', value: 'token-0', alg: 'RS256' }),
    ).resolves.toBeUndefined();
  });
});

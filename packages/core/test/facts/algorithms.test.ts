import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/defaults.js';
import { digestForAlgorithm } from '../../src/lib/id-token/hash.js';
import {
  algorithmFacts,
  coordinateBytes,
  RSA_MODULUS_BITS,
  rsaModulusProblem,
  SUPPORTED_ALGORITHMS,
  shapeServes,
} from '../../src/lib/jose/algorithms.js';

describe('the algorithm table: one row per algorithm that every back-end and check reads', () => {
  it.each(SUPPORTED_ALGORITHMS)('%s has consistent facts (RFC 7518 §3, RFC 8037 §3.1)', (alg) => {
    const facts = algorithmFacts(alg)!;
    expect(Object.isFrozen(facts)).toBe(true);
    const size = /(\d{3})$/.exec(alg)?.[1];
    // The digest size in the name is the hash; EdDSA on Ed25519 hashes with SHA-512.
    expect(facts.hash).toBe(size === undefined ? 'SHA-512' : `SHA-${size}`);
    expect(digestForAlgorithm(alg)).toBe(facts.hash);
    expect(shapeServes(facts.kty, facts.crv, alg)).toBe(true);
    if (facts.kty === 'RSA') {
      expect(facts.crv).toBeUndefined();
      expect(facts.signatureLength).toBeUndefined();
    } else {
      expect(facts.signatureLength).toBe(2 * coordinateBytes(facts.crv)!);
    }
    // RFC 7518 §3.5: a PSS salt as long as the hash; no salt for any other scheme.
    const hashBytes = Number(facts.hash.slice(4)) / 8;
    expect(facts.pssSaltLength).toBe(facts.scheme === 'RSASSA-PSS' ? hashBytes : undefined);
  });

  it('knows each curve by its coordinate size (RFC 7518 §6.2.1.2, RFC 8037 §2)', () => {
    expect(['P-256', 'P-384', 'P-521', 'Ed25519', 'Ed448', undefined].map(coordinateBytes)).toEqual([
      32,
      48,
      66,
      32,
      undefined,
      undefined,
    ]);
  });

  it.each(['none', 'HS256', 'constructor', '__proto__', 'toString', 'rs256'])('has no row for %s', (alg) => {
    expect(algorithmFacts(alg)).toBeUndefined();
    expect(digestForAlgorithm(alg)).toBeUndefined();
  });

  it('takes its RSA modulus bounds from LIMITS', () => {
    expect(RSA_MODULUS_BITS).toBe(LIMITS.rsaModulusBits);
    expect(rsaModulusProblem(LIMITS.rsaModulusBits.min)).toBeUndefined();
    expect(rsaModulusProblem(LIMITS.rsaModulusBits.max)).toBeUndefined();
    expect(rsaModulusProblem(LIMITS.rsaModulusBits.min - 8)).toContain('2040-bit RSA modulus');
    expect(rsaModulusProblem(LIMITS.rsaModulusBits.max + 8)).toContain('8200-bit RSA modulus');
  });
});

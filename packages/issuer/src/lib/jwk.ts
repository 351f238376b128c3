import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { SigningAlg } from '../types.js';

/** Members that only private (or symmetric) JWKs carry (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/** The key type (and curve) each algorithm needs (RFC 7518 §3.3-3.5, RFC 8037 §3.1). */
const KEY_SHAPE: Record<SigningAlg, { kty: string; crv?: string }> = {
  RS256: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

/** RFC 7518 §3.3: RSA keys of 2048 bits or more. */
const MIN_RSA_BITS = 2048;

export type JwkImport = { ok: true; key: KeyObject } | { ok: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns a JWK into a public key for `alg`: it must be a public key (no private members), of the
 * key type and curve the algorithm uses, and RSA keys at least 2048 bits long.
 */
export function importPublicJwk(jwk: unknown, alg: SigningAlg): JwkImport {
  if (!isRecord(jwk)) return { ok: false, reason: 'the jwk is not a JSON object' };
  const privateMember = PRIVATE_MEMBERS.find((name) => name in jwk);
  if (privateMember !== undefined) {
    return { ok: false, reason: `the jwk holds private key material ("${privateMember}")` };
  }
  const shape = KEY_SHAPE[alg];
  if (jwk.kty !== shape.kty || (shape.crv !== undefined && jwk.crv !== shape.crv)) {
    const expected = shape.crv === undefined ? shape.kty : `${shape.kty} ${shape.crv}`;
    return { ok: false, reason: `${alg} needs a ${expected} key` };
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    return { ok: false, reason: 'the jwk is not a valid public key' };
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (shape.kty === 'RSA' && (bits === undefined || bits < MIN_RSA_BITS)) {
    return { ok: false, reason: `RSA keys must have at least ${MIN_RSA_BITS} bits` };
  }
  return { ok: true, key };
}

/**
 * RFC 7638 JWK SHA-256 thumbprint, base64url: the hash of the required members only, in
 * lexicographic order, without whitespace. `undefined` for unknown key types or missing members.
 */
export function jwkThumbprint(jwk: Record<string, unknown>): string | undefined {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (!members) return undefined;
  const required: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') return undefined;
    required[name] = value;
  }
  return createHash('sha256').update(JSON.stringify(required)).digest('base64url');
}

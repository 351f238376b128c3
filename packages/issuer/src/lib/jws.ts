import { constants, createHash, type KeyObject, sign, verify } from 'node:crypto';
import type { SigningAlg } from '../types.js';

/** base64url without padding (RFC 7515 §2). */
export function base64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url');
}

/** node:crypto parameters for each JWS algorithm (RFC 7518 §3, RFC 8037 §3.1). */
function signatureParams(alg: SigningAlg, key: KeyObject) {
  switch (alg) {
    case 'RS256':
      return { digest: 'sha256', key };
    case 'PS256':
      return {
        digest: 'sha256',
        key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      };
    case 'ES256':
      return { digest: 'sha256', key: { key, dsaEncoding: 'ieee-p1363' as const } };
    case 'EdDSA':
      return { digest: null, key };
  }
}

/**
 * Signs a compact JWS by hand so any header can be produced (missing `kid`, unknown `crit`,
 * lying `alg`, ...): the signature always uses `alg`, the algorithm the key was made for.
 */
export function signCompact(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  alg: SigningAlg,
  privateKey: KeyObject,
): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const params = signatureParams(alg, privateKey);
  const signature = sign(params.digest, Buffer.from(signingInput), params.key);
  return `${signingInput}.${base64url(signature)}`;
}

/** Checks a compact JWS signature made by {@link signCompact} with the matching public key. */
export function verifyCompact(token: string, alg: SigningAlg, publicKey: KeyObject): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const params = signatureParams(alg, publicKey);
  try {
    return verify(
      params.digest,
      Buffer.from(`${parts[0]}.${parts[1]}`),
      params.key,
      Buffer.from(parts[2] ?? '', 'base64url'),
    );
  } catch {
    // A key of another type than `alg` needs; callers that take keys from outside check this first.
    return false;
  }
}

/**
 * `at_hash` / `c_hash`: left-most half of the hash of the ASCII value, base64url. The hash follows
 * the ID token's `alg`: SHA-256 for RS256/PS256/ES256, SHA-512 for EdDSA with Ed25519
 * (OIDC Core §3.1.3.6, §3.3.2.11).
 */
export function halfHash(value: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(value, 'ascii')
    .digest();
  return base64url(digest.subarray(0, digest.length / 2));
}

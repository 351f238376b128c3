/**
 * `at_hash` and `c_hash` (IDT-10, IDT-11; OIDC Core §3.1.3.6, §3.3.2.11): the left-most half of
 * the hash of the ASCII octets of the access token or code, base64url-encoded, where the hash is
 * the one the ID token's `alg` uses. Hashed with WebCrypto, which browsers and Node both have.
 */
import { TokenwardError } from '../../errors.js';
import { algorithmFacts, type HashName } from '../jose/algorithms.js';
import { decodeBase64url } from '../jose/base64url.js';
import { quote } from '../quote.js';

/** The hash behind a JWS algorithm, from the algorithm table (SHA-512 for EdDSA on Ed25519). */
export function digestForAlgorithm(alg: string): HashName | undefined {
  return algorithmFacts(alg)?.hash;
}

const ascii = new TextEncoder();

/** The left-most half of the digest of `value` under `alg`'s hash: what `at_hash`/`c_hash` encode. */
export async function leftHalfHash(value: string, alg: string): Promise<Uint8Array> {
  const digest = digestForAlgorithm(alg);
  if (digest === undefined) {
    // Unreachable after the allow-list check, which admits only the algorithms mapped above.
    throw new TokenwardError('ERR_ALG_NOT_ALLOWED', `no hash is defined for alg ${quote(alg)}`);
  }
  const bytes = new Uint8Array(await crypto.subtle.digest(digest, ascii.encode(value)));
  return bytes.subarray(0, bytes.length / 2);
}

interface HashCheck {
  /** `'at_hash'` or `'c_hash'`. */
  readonly claim: 'at_hash' | 'c_hash';
  /** The claim's value from the verified token, whatever its type. */
  readonly expected: unknown;
  /** The access token or authorization code the caller received with the ID token. */
  readonly value: string;
  /** The ID token's `alg`. */
  readonly alg: string;
}

/**
 * Compares the claim with the hash of the value. A claim that is not a string of canonical
 * base64url (one spelling per value, as for the token itself) cannot equal any hash, so it is a
 * mismatch like any other: the token does not vouch for this access token or code.
 */
export async function checkHalfHash(check: HashCheck): Promise<void> {
  const claimed = typeof check.expected === 'string' ? decodeBase64url(check.expected) : undefined;
  const actual = await leftHalfHash(check.value, check.alg);
  if (claimed === undefined || !sameBytes(claimed, actual)) {
    const what = check.claim === 'at_hash' ? 'access token' : 'authorization code';
    const shape = claimed === undefined ? ' (the claim is not unpadded base64url)' : '';
    throw new TokenwardError(
      check.claim === 'at_hash' ? 'ERR_AT_HASH_MISMATCH' : 'ERR_C_HASH_MISMATCH',
      `claim "${check.claim}" does not match the ${what} given to verify${shape} (left half of ` +
        `${digestForAlgorithm(check.alg)}, per alg ${check.alg}): the two were not issued together`,
    );
  }
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

/**
 * The public key a DPoP proof carries in its `jwk` header: public members only, a `use`, `key_ops`
 * and `alg` that let it verify the proof, a shape that fits the proof's `alg`, and its RFC 7638
 * thumbprint input, the value a bound token's `cnf.jkt` names.
 */
import { TokenwardError } from '../../errors.js';
import type { JsonWebKeyLike } from '../../runtime.js';
import { describeShape, rsaPublicKeyProblem, shapeServes } from '../jose/algorithms.js';
import { decodeBase64url } from '../jose/base64url.js';
import { isSmallOrderEd25519 } from '../jose/ed25519.js';
import { PRIVATE_MEMBERS, verifyUseProblem } from '../jose/key-use.js';
import { isPlainObject } from '../options/option-checks.js';

/** RFC 7638 section 3.2: the required members of each key type, in lexicographic order, `kty` among them. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

export interface ProofKey {
  /** The key reduced to its required members: what is imported, so equal thumbprints import equal keys. */
  readonly jwk: JsonWebKeyLike;
  /** RFC 7638 section 3.3 input: the required members as JSON, no whitespace, sorted. Hash it for the thumbprint. */
  readonly thumbprintInput: string;
}

/** Reads the proof header's `jwk` for `alg` (RFC 9449 section 4.3 checks 5 and 7), or throws `ERR_DPOP_PROOF_INVALID`. */
export function readProofKey(jwk: unknown, alg: string): ProofKey {
  if (!isPlainObject(jwk)) {
    throw invalidProof('header must carry the public key as a "jwk" object (RFC 9449 section 4.2)');
  }
  const held = PRIVATE_MEMBERS.filter((member) => member in jwk);
  if (held.length > 0) {
    throw invalidProof(
      `header "jwk" holds private key material (${held.join(', ')}); only the public key may be sent (RFC 9449 section 4.3 check 7)`,
    );
  }
  // A key its holder marked for encryption only, or for another algorithm, must not verify this
  // signature (check 6).
  const useProblem = verifyUseProblem(jwk, alg);
  if (useProblem !== undefined) throw invalidProof(`header "jwk" ${useProblem}`);
  const { kty, crv } = jwk;
  if (typeof kty !== 'string' || (crv !== undefined && typeof crv !== 'string')) {
    throw invalidProof('header "jwk" needs a string "kty" (and "crv", when present, a string)');
  }
  if (!shapeServes(kty, crv, alg)) {
    throw invalidProof(
      `header "jwk" is ${describeShape(kty.slice(0, 8), crv?.slice(0, 16))}, which cannot sign ${alg}`,
    );
  }
  const members = REQUIRED_MEMBERS[kty]!;
  const reduced: Record<string, string> = {};
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== 'string' || value === '') {
      throw invalidProof(`header "jwk" (${kty}) needs the member "${member}" as a non-empty string`);
    }
    reduced[member] = value;
  }
  const weakness = weakKeyProblem(kty, reduced);
  if (weakness !== undefined) throw invalidProof(`header "jwk" ${weakness}`);
  // Built in `members` order, so JSON.stringify writes them sorted, as RFC 7638 section 3.3 requires.
  return { jwk: Object.freeze(reduced), thumbprintInput: JSON.stringify(reduced) };
}

/**
 * Why a key would verify proofs nobody signed, or cost more than a key set's may, or `undefined`:
 * the key-set checks, said here in their own words rather than as a failed import (the runtime's
 * import checks EC points, and the RSA modulus again). A proof by such a key shows possession of
 * nothing (RFC 8725 section 3.4).
 */
function weakKeyProblem(kty: string, jwk: Readonly<Record<string, string>>): string | undefined {
  if (kty === 'RSA') {
    // e = 1 makes the signature the padded hash itself, which anyone can write (RFC 8017 section 8.2.2).
    const modulus = decodeBase64url(jwk.n!);
    const exponent = decodeBase64url(jwk.e!);
    if (modulus === undefined || exponent === undefined) return 'has a malformed RSA "n" or "e"';
    return rsaPublicKeyProblem(modulus, exponent);
  }
  if (kty === 'OKP' && isSmallOrderEd25519(decodeBase64url(jwk.x!) ?? new Uint8Array())) {
    return 'is an Ed25519 point of small order, which verifies signatures nobody made';
  }
  return undefined;
}

export function invalidProof(message: string, cause?: unknown): TokenwardError {
  return new TokenwardError('ERR_DPOP_PROOF_INVALID', `DPoP proof ${message}`, { cause });
}

/**
 * What a JWK says about its own use, read the same way for an issuer's key set and for the key in
 * a DPoP proof: the members only private or symmetric keys hold, and whether its `use`, `key_ops`
 * and `alg` let it verify a signature.
 */
import { quote, quoteList } from '../quote.js';
import { keyAlgNames } from './algorithms.js';

/** Members holding private or symmetric key material (RFC 7518 section 6.2.2, section 6.3.2, section 6.4.1; RFC 8037 section 2). */
export const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * Why `jwk` may not verify a signature by its own `use`, `key_ops` or `alg`, or `undefined` when it
 * may. Each member is optional; a key that names none may do anything its type allows. `alg` is
 * that of the one signature to verify (a DPoP proof's); without it the key's own `alg` is left to
 * the caller, as a key set serves each key for its `alg` alone.
 */
export function verifyUseProblem(
  jwk: { readonly use?: unknown; readonly key_ops?: unknown; readonly alg?: unknown },
  alg?: string,
): string | undefined {
  const { use, key_ops: operations, alg: ownAlg } = jwk;
  // RFC 7517 section 4.4: "alg" names the algorithm the key is intended for, so it verifies no other.
  if (
    alg !== undefined &&
    ownAlg !== undefined &&
    !(typeof ownAlg === 'string' && keyAlgNames(ownAlg, alg))
  ) {
    const shown = typeof ownAlg === 'string' ? quote(ownAlg) : 'that is not a string';
    return `has "alg" ${shown}, so it may not verify ${quote(alg)} (RFC 7517 section 4.4)`;
  }
  // RFC 7517 section 4.2: "sig" is the use of a key that verifies signatures; "enc" encrypts.
  if (use !== undefined && use !== 'sig') {
    const shown = typeof use === 'string' ? quote(use) : 'that is not a string';
    return `has "use" ${shown}, not "sig" (RFC 7517 section 4.2)`;
  }
  // RFC 7517 section 4.3: the operations the key is for; "verify" must be among them.
  if (operations === undefined) return undefined;
  if (!Array.isArray(operations)) return 'has "key_ops" that is not an array (RFC 7517 section 4.3)';
  if (operations.includes('verify')) return undefined;
  const listed = quoteList(operations.map(String), ', ');
  return `has "key_ops" [${listed}], without "verify" (RFC 7517 section 4.3)`;
}

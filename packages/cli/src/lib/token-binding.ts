/**
 * What a JWT's `cnf` claim (RFC 7800 section 3.1) says it is bound to, read without verifying
 * anything: `tokenward verify` uses it to place and explain the verifier's binding decision,
 * never to make it. The verifier accepts a DPoP key (`cnf.jkt`, RFC 9449 section 6.1) and
 * refuses every other confirmation method, since it cannot check them.
 */

export type TokenBinding =
  /** No `cnf`, or an empty one: a bearer token. */
  | 'none'
  /** `cnf.jkt`: a DPoP key, whatever else `cnf` holds. */
  | 'key'
  /** `cnf["x5t#S256"]` without `jkt`: a client certificate (RFC 8705 section 3.1). */
  | 'certificate'
  /** Any other member without `jkt` (`jwk`, `jku`, `kid`, one not registered...). */
  | 'other';

/** The binding `cnf` names, or `undefined` when it is no object (a malformed claim, refused as such). */
export function bindingOf(cnf: unknown): TokenBinding | undefined {
  if (cnf === undefined) return 'none';
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return undefined;
  if (Object.hasOwn(cnf, 'jkt')) return 'key';
  if (Object.hasOwn(cnf, 'x5t#S256')) return 'certificate';
  return Object.keys(cnf).length === 0 ? 'none' : 'other';
}

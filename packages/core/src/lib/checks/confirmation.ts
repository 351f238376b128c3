/**
 * The token's `cnf` claim (RFC 7800 section 3.1): the key a DPoP-bound token names (`jkt`, RFC 9449
 * section 6.1), or a refusal when it names a confirmation method this SDK cannot check. A token
 * bound to something else (a client certificate, RFC 8705 section 3; a key, RFC 7800 section 3)
 * proves nothing when presented without that proof, and accepting it as a bearer token would let
 * whoever stole it replay it, which is what the binding exists to prevent.
 */
import { TokenwardError } from '../../errors.js';
import { quote } from '../quote.js';

/** How each confirmation method tokenward cannot check is named in a refusal (the IANA registry, RFC 7800 section 7.2). */
const UNCHECKABLE: Readonly<Record<string, string>> = Object.freeze({
  'x5t#S256': 'a client certificate (cnf["x5t#S256"], RFC 8705 section 3), which this API cannot check',
  jwk: 'a proof-of-possession key (cnf.jwk, RFC 7800 section 3.2), which this API cannot check',
  jwe: 'a proof-of-possession key (cnf.jwe, RFC 7800 section 3.3), which this API cannot check',
  jku: 'a proof-of-possession key (cnf.jku, RFC 7800 section 3.5), which this API cannot check',
  kid: 'a proof-of-possession key (cnf.kid, RFC 7800 section 3.4), which this API cannot check',
  osc: 'an OSCORE security context (cnf.osc, RFC 9203), which this API cannot check',
});

/**
 * The thumbprint `cnf.jkt` binds the token to, or `undefined` for an unbound token (no
 * `cnf`, or an empty one). Members beside `jkt` are tolerated: the DPoP proof already holds the
 * presenter to a key (RFC 7800 section 3.1 allows several members). Without `jkt`, any member is
 * refused: every `cnf` member is a confirmation method (RFC 7800 section 3.1, registry section
 * 7.2), and one this SDK does not know, registered later or private, cannot be checked either;
 * failing closed keeps an unknown binding from passing as a bearer token.
 */
export function confirmedThumbprint(cnf: unknown): string | undefined {
  if (cnf === undefined) return undefined;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) throw invalidConfirmation();
  const { jkt } = cnf as { readonly jkt?: unknown };
  if (jkt !== undefined) {
    if (typeof jkt !== 'string' || jkt === '') throw invalidConfirmation();
    return jkt;
  }
  const methods = Object.keys(cnf);
  if (methods.length === 0) return undefined;
  const method = methods.find((name) => Object.hasOwn(UNCHECKABLE, name)) ?? methods[0]!;
  // Names the method, never its value (a thumbprint or key identifies the holder).
  const boundTo = Object.hasOwn(UNCHECKABLE, method)
    ? UNCHECKABLE[method]
    : `the confirmation method cnf[${quote(method)}], which this API does not know and cannot check`;
  throw new TokenwardError(
    'ERR_DPOP_BINDING_MISMATCH',
    `the token is bound to ${boundTo}; a bound token is never accepted without its proof`,
  );
}

function invalidConfirmation(): TokenwardError {
  return new TokenwardError(
    'ERR_CLAIM_INVALID',
    'claim "cnf" must be an object whose "jkt", when present, is a non-empty string (RFC 7800 section 3.1, RFC 9449 section 6.1)',
  );
}

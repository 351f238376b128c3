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

/** Who states a binding, as a refusal words it: the token's own claim, or the issuer's introspection response. */
export type BindingSource = 'token' | 'introspection';

const BOUND_BY: Readonly<Record<BindingSource, string>> = Object.freeze({
  token: 'the token is bound to',
  introspection: "the authorization server's introspection response binds the token to",
});

/**
 * The thumbprint `cnf.jkt` binds the token to, or `undefined` for an unbound token (no
 * `cnf`, or an empty one). Members beside `jkt` are tolerated: the DPoP proof already holds the
 * presenter to a key (RFC 7800 section 3.1 allows several members). Without `jkt`, any member is
 * refused: every `cnf` member is a confirmation method (RFC 7800 section 3.1, registry section
 * 7.2), and one this SDK does not know, registered later or private, cannot be checked either;
 * failing closed keeps an unknown binding from passing as a bearer token. `source` says whose
 * `cnf` it is, for the refusal's wording.
 */
export function confirmedThumbprint(cnf: unknown, source: BindingSource = 'token'): string | undefined {
  if (cnf === undefined) return undefined;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) throw invalidConfirmation(source);
  const { jkt } = cnf as { readonly jkt?: unknown };
  if (jkt !== undefined) {
    if (typeof jkt !== 'string' || jkt === '') throw invalidConfirmation(source);
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
    `${BOUND_BY[source]} ${boundTo}; a bound token is never accepted without its proof`,
  );
}

/**
 * Holds the binding an introspection response gives a JWT this API verified itself (`mode:
 * 'always'`) to the token's own `cnf`. The response may leave `cnf` out: the token's `cnf.jkt`
 * is enforced anyway. Any binding it adds is refused: a key (`cnf.jkt`, RFC 9449 section 6.2)
 * other than the token's, or none in the token, or a method this SDK cannot check (a client
 * certificate, RFC 8705 section 3.2). The server holds the token to more than the token shows,
 * and deciding by the token alone would accept it as a bearer token, or with a proof by the
 * wrong key, where its issuer says it is bound.
 */
export function checkIntrospectedBinding(tokenCnf: unknown, answeredCnf: unknown): void {
  const answered = confirmedThumbprint(answeredCnf, 'introspection');
  if (answered === undefined) return;
  const own = confirmedThumbprint(tokenCnf);
  if (answered === own) return;
  // Neither thumbprint is named: a thumbprint identifies the key's holder.
  throw new TokenwardError(
    'ERR_DPOP_BINDING_MISMATCH',
    own === undefined
      ? "the authorization server's introspection response binds the token to a DPoP key (cnf.jkt), but the token itself carries no cnf.jkt; a token and its issuer's answer must agree on its binding (RFC 9449 section 6.2)"
      : "the authorization server's introspection response binds the token to another DPoP key (cnf.jkt) than the token's own cnf.jkt; a token and its issuer's answer must agree on its binding (RFC 9449 section 6.2)",
  );
}

/**
 * The `cnf` a JWT known only through introspection (an org-server token, an introspection-only
 * verifier) is presented against. The server vouched for the whole token, so the token's own
 * `cnf` binds it as well as the answer's: a binding of its own this SDK cannot check is refused,
 * the answer may add none ({@link checkIntrospectedBinding}), and an answer that names no key
 * leaves the token's own in force rather than letting a bound token pass as a bearer token.
 * Reading an unverified payload here can only add a restriction, never lift one.
 */
export function introspectedJwtBinding(tokenCnf: unknown, answeredCnf: unknown): unknown {
  confirmedThumbprint(tokenCnf);
  checkIntrospectedBinding(tokenCnf, answeredCnf);
  return confirmedThumbprint(answeredCnf, 'introspection') === undefined ? tokenCnf : answeredCnf;
}

function invalidConfirmation(source: BindingSource): TokenwardError {
  const what = source === 'token' ? 'claim "cnf"' : 'the introspection response\'s "cnf"';
  return new TokenwardError(
    'ERR_CLAIM_INVALID',
    `${what} must be an object whose "jkt", when present, is a non-empty string (RFC 7800 section 3.1, RFC 9449 section 6.1)`,
  );
}

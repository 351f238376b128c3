/**
 * What the issuer's answer about a JWT this API verified itself (`mode: 'always'`) may change:
 * only restrictions. The answer is the issuer's word now (RFC 7662 §2.2), the JWT its word when
 * it minted the token; the token allows what both allow. An answer that names another subject,
 * client or audience is not about this token as this API accepted it and is refused; one that
 * withdraws scopes or audiences, ends the token sooner, or describes a weaker or older sign-in,
 * narrows the result the route is checked against and the caller sees; nothing the answer adds
 * widens it. A member it leaves out (RFC 7662 §2.2 requires only `active`) is the JWT's, which its
 * signature already proved, so a bare `{"active": true}` confirms the JWT as it is. Applied on
 * every use, to cached answers as to fresh ones.
 */
import { TokenwardError } from '../../errors.js';
import type { AccessTokenClaims, AccessTokenResult } from '../../types.js';
import { buildResult } from '../access-token/result.js';
import { checkIntrospectedBinding } from '../checks/confirmation.js';
import { noteAcrFromBoth } from '../checks/step-up.js';
import { QUOTED_LENGTH, quote, quoteList } from '../quote.js';

/** Members whose absence from an answer would stop it being checked (result.ts), and that a JWT always carries. */
const STOOD_IN_FOR = ['iss', 'sub', 'aud', 'exp', 'iat'] as const;

/**
 * `response` with the verified JWT's `iss`, `sub`, `aud`, `exp` and `iat` (`claims`) in place of
 * any it leaves out, to be checked as any answer is; `response` itself when it states them all.
 * Those it states are its own, and held to the JWT's by {@link heldToAnswer}.
 */
export function answerAboutJwt(
  response: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  let completed: Record<string, unknown> | undefined;
  for (const name of STOOD_IN_FOR) {
    if (response[name] !== undefined || claims[name] === undefined) continue;
    completed ??= { ...response };
    completed[name] = claims[name];
  }
  return completed ?? response;
}

/**
 * `result` (the JWT's) as `answer` (the issuer's active answer about it, already held to what
 * any answer must show) leaves it: refused when they contradict each other, else narrowed to
 * what both allow. `response` is the answer as sent, to tell a `sub` it states from the one
 * filled in from `client_id`; `audiences` are the ones this API accepts from the issuer;
 * `acrLevels` the verifier's authentication levels, weakest first, if it has any.
 */
export function heldToAnswer(
  result: AccessTokenResult,
  answer: AccessTokenResult,
  response: Readonly<Record<string, unknown>>,
  audiences: readonly string[],
  acrLevels: readonly string[] | undefined,
): AccessTokenResult {
  if (response.sub !== undefined && answer.subject !== result.subject) {
    throw new TokenwardError(
      'ERR_CLAIM_INVALID',
      `expected the authorization server's introspection response to name the token's subject ` +
        `${quote(result.subject)}; found "sub" ${quote(answer.subject)}`,
    );
  }
  checkSameClient(result, answer);
  const audience = kept(result.audience, answer.audience);
  if (!audience.some((value) => audiences.includes(value))) {
    throw new TokenwardError(
      'ERR_AUDIENCE_MISMATCH',
      `expected the authorization server's introspection response to keep the token's audience for this API, ` +
        `${quoteList(
          result.audience.filter((value) => audiences.includes(value)),
          ' or ',
          QUOTED_LENGTH.configured,
        )}; found aud ${quoteList(answer.audience, ', ')}`,
    );
  }
  checkIntrospectedBinding(result.claims.cnf, answer.claims.cnf);
  return narrowed(result, answer, audience, acrLevels);
}

/**
 * The client the answer names (`client_id`, or the vendor's `cid`) must be the one the JWT was
 * issued to: its `cid` or `client_id` (the same, when both), else its `azp`. A JWT that names
 * no client cannot be contradicted, and the answer's client is not added to its result.
 */
function checkSameClient(result: AccessTokenResult, answer: AccessTokenResult): void {
  const { cid, client_id } = result.claims;
  // A non-empty string when present: checkClaimTypes typed it when the JWT was verified.
  const azp = result.claims.azp as string | undefined;
  const own = cid ?? client_id ?? azp;
  if (answer.clientId === undefined || own === undefined || answer.clientId === own) return;
  const name = cid !== undefined ? 'cid' : client_id !== undefined ? 'client_id' : 'azp';
  const answered = answer.claims.client_id !== undefined ? 'client_id' : 'cid';
  throw new TokenwardError(
    'ERR_CLAIM_INVALID',
    `expected the authorization server's introspection response to name the client the token was issued to, ` +
      `its "${name}" ${quote(own)}; found "${answered}" ${quote(answer.clientId)}`,
  );
}

/**
 * `result` with only the scopes the answer still grants (when it states any: an answer silent
 * about scopes withdraws none), the audiences `audience` keeps, the earlier `exp`, and the sign-in
 * both describe ({@link weakerAcr}, {@link earlierAuthTime}). The claims change with it (`scp`,
 * `scope`, `aud`, `exp`, `acr`, `auth_time`), so a route's claim and step-up requirements see what
 * its scope checks see. An answer whose `acr` differs from the JWT's is noted on the claims, so a
 * step-up refusal can say which one it compared. `result` itself when nothing narrows and the
 * answer's `acr` is the JWT's or absent, as is usual.
 */
function narrowed(
  result: AccessTokenResult,
  answer: AccessTokenResult,
  audience: readonly string[],
  acrLevels: readonly string[] | undefined,
): AccessTokenResult {
  const { claims } = result;
  const statesScopes = answer.claims.scope !== undefined || answer.claims.scp !== undefined;
  const scopes = statesScopes ? kept(result.scopes, answer.scopes) : result.scopes;
  const exp = Math.min(claims.exp, answer.claims.exp);
  const acr = weakerAcr(claims.acr, answer.claims.acr, acrLevels);
  // The answer states an acr the JWT lacks or contradicts: whatever step-up then compares, a
  // refusal says whose value it was and what became of the other (checks/step-up.ts).
  const acrsDiffer = answer.claims.acr !== undefined && answer.claims.acr !== claims.acr;
  // NumericDates when present: checkClaimTypes typed both, the JWT's and the answer's.
  const authTime = earlierAuthTime(
    claims.auth_time as number | undefined,
    answer.claims.auth_time as number | undefined,
  );
  if (
    !acrsDiffer &&
    scopes === result.scopes &&
    audience === result.audience &&
    exp === claims.exp &&
    acr === claims.acr &&
    authTime === claims.auth_time
  ) {
    return result;
  }
  const narrowedClaims: Record<string, unknown> = { ...claims, exp };
  if (claims.scp !== undefined) narrowedClaims.scp = scopes;
  if (claims.scope !== undefined) narrowedClaims.scope = scopes.join(' ');
  if (audience !== result.audience) narrowedClaims.aud = audience;
  if (acr === undefined) delete narrowedClaims.acr;
  else narrowedClaims.acr = acr;
  if (acrsDiffer) noteAcrFromBoth(narrowedClaims, claims.acr, answer.claims.acr);
  if (authTime !== undefined) narrowedClaims.auth_time = authTime;
  return buildResult(result.token, result.header, narrowedClaims as AccessTokenClaims, audience, result);
}

/**
 * The `acr` a step-up requirement may rely on when the JWT says `own` and the answer `answered`.
 * Both describe the one sign-in the token was obtained with (RFC 9470 section 6: the values are
 * fixed at that sign-in), so when they differ the route gets only what both support: the weaker
 * of the two when `acrLevels` ranks both, else no `acr` at all (without a ranking neither value
 * can stand for the other, and a route with `acrValues` then refuses, as it does a token without
 * `acr`, saying which two values it could not rank). An `acr` only the answer states is not added.
 */
function weakerAcr(own: unknown, answered: unknown, acrLevels: readonly string[] | undefined): unknown {
  if (own === undefined || answered === undefined || own === answered) return own;
  const ownRank = rank(own, acrLevels);
  const answeredRank = rank(answered, acrLevels);
  if (ownRank === -1 || answeredRank === -1) return undefined;
  return answeredRank < ownRank ? answered : own;
}

function rank(acr: unknown, acrLevels: readonly string[] | undefined): number {
  return typeof acr === 'string' && acrLevels !== undefined ? acrLevels.indexOf(acr) : -1;
}

/**
 * The `auth_time` a `maxAge` requirement may rely on: the earlier of the JWT's and the answer's,
 * so a route that needs a recent sign-in is satisfied only when both say it was (the same one
 * sign-in as for `acr`). An `auth_time` only the answer states is not added.
 */
function earlierAuthTime(own: number | undefined, answered: number | undefined): number | undefined {
  return own === undefined || answered === undefined || own <= answered ? own : answered;
}

/** The members of `values` that `allowed` lists: `values` itself when that is all of them, as is usual. */
function kept(values: readonly string[], allowed: readonly string[]): readonly string[] {
  for (const value of values) {
    if (!allowed.includes(value)) return values.filter((each) => allowed.includes(each));
  }
  return values;
}

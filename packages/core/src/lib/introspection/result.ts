/**
 * An `active: true` introspection response (RFC 7662 §2.2) held to what a verified JWT must show:
 * the server asked is the token's issuer (a custom server must not vouch for a sibling's token),
 * it expires, it names this API and whom the token acts for, and its members have their
 * registered types. §2.2 makes every member but `active` optional, so an answer about a JWT in
 * `mode: 'always'` comes here with the JWT's own members in place of those it left out
 * (answer-bounds.ts); an opaque token's answer must carry them itself. The result has the shape
 * of a JWT's, without a header.
 */
import { TokenwardError } from '../../errors.js';
import type { AccessTokenResult, AuthorizationServerInfo } from '../../types.js';
import { buildResult } from '../access-token/result.js';
import { checkClaimTypes } from '../checks/claim-values.js';
import {
  audienceList,
  checkAudience,
  checkRequiredClaims,
  checkTimes,
  type TimePolicy,
} from '../checks/claims.js';
import { QUOTED_LENGTH, quote } from '../quote.js';

/** A server introspection may ask, and what its tokens must name. */
export interface IntrospectionTarget {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly server: AuthorizationServerInfo;
}

export interface ResponsePolicy extends TimePolicy {
  readonly requiredClaims: readonly string[];
}

/**
 * The members an answer must carry (beside `iss`, checked first), each with the reason a
 * refusal gives: without them the result would have no audience to hold to this API, no end, or
 * no one it acts for.
 */
const NEEDED_MEMBERS: readonly (readonly [name: string, reason: string])[] = [
  ['aud', 'a token is accepted only when it names this API as its audience'],
  [
    'exp',
    'a token is accepted only with an expiry, which also bounds how long the answer is cached (RFC 7662 section 4)',
  ],
  ['sub', 'the answer must name whom the token acts for: "sub", or "client_id" for a client\'s own token'],
];

/** RFC 7662 §2.2 `token_type` values of an access token (RFC 6750, RFC 9449 §6.2), compared case-insensitively. */
const ACCESS_TOKEN_TYPES = new Set(['bearer', 'dpop']);

export function introspectedResult(
  token: string,
  response: Readonly<Record<string, unknown>>,
  target: IntrospectionTarget,
  policy: ResponsePolicy,
  now: number,
): AccessTokenResult {
  const { active: _active, ...members }: Record<string, unknown> = response;
  if (members.iss === undefined) {
    throw new TokenwardError(
      'ERR_CLAIM_MISSING',
      'the introspection response has no "iss"; a server vouches only for its own tokens, so it must name their issuer',
    );
  }
  if (members.iss !== target.issuer) {
    const found = typeof members.iss === 'string' ? quote(members.iss) : `a ${typeof members.iss}`;
    throw new TokenwardError(
      'ERR_ISSUER_MISMATCH',
      `the authorization server ${quote(target.issuer, QUOTED_LENGTH.configured)} vouched for a token whose issuer is ` +
        `${found}; a server vouches only for its own tokens`,
    );
  }
  checkTokenType(members.token_type, members.cnf);
  // RFC 9068 §2.2: a token with no resource owner (client credentials) is the client's own.
  if (members.sub === undefined && members.client_id !== undefined) members.sub = members.client_id;
  for (const [name, reason] of NEEDED_MEMBERS) {
    if (members[name] === undefined) {
      throw new TokenwardError('ERR_CLAIM_MISSING', `the introspection response has no "${name}"; ${reason}`);
    }
  }
  const claims = checkClaimTypes(members, []);
  checkTimes(claims, now, policy);
  const audience = audienceList(claims);
  checkAudience(audience, target.audiences);
  checkRequiredClaims(claims, policy.requiredClaims);
  return buildResult(token, undefined, claims, audience, target);
}

/**
 * Only access tokens are accepted: a refresh token the server also knows is not one. A token
 * bound to a key says so (RFC 9449 §6.2: `token_type` `DPoP` beside `cnf.jkt`), and a DPoP
 * token names its key: without `cnf.jkt` no proof could be checked, and taking it for a bearer
 * token would drop the binding the server says it has.
 */
function checkTokenType(tokenType: unknown, cnf: unknown): void {
  if (tokenType === undefined) return;
  const type = typeof tokenType === 'string' ? tokenType.toLowerCase() : undefined;
  if (type === undefined || !ACCESS_TOKEN_TYPES.has(type)) {
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      `the introspection response gives token_type ${typeof tokenType === 'string' ? quote(tokenType) : `a ${typeof tokenType}`}; ` +
        'only access tokens (Bearer or DPoP) are accepted',
    );
  }
  const bound = typeof cnf === 'object' && cnf !== null && (cnf as { jkt?: unknown }).jkt !== undefined;
  if (bound && type !== 'dpop') {
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      'the introspection response binds the token to a key (cnf.jkt) but gives token_type "Bearer"; ' +
        'a bound token is a DPoP token (RFC 9449 section 6.2)',
    );
  }
  if (type === 'dpop' && !bound) {
    throw new TokenwardError(
      'ERR_DPOP_BINDING_MISMATCH',
      'the introspection response gives token_type "DPoP" but no cnf.jkt; a DPoP token is accepted only ' +
        'with a proof by the key the response names (RFC 9449 section 6.2)',
    );
  }
}

/**
 * Checks of a verified ID token's own content, before anything the caller passes to `verify`:
 * required claims and their types (IDT-12), time (IDT-7), that it is an ID token and not an access
 * token (AT-10, RFC 8725 §3.11), and the audience and authorized party (IDT-3, IDT-4).
 */
import { TokenwardError } from '../../errors.js';
import type { IdTokenClaims } from '../../id-token-types.js';
import type { JwtHeader } from '../../types.js';
import { checkClaimTypes, checkLifetime } from '../checks/claim-values.js';
import {
  AT_JWT,
  audienceList,
  checkRequiredClaims,
  checkTimes,
  PLAIN_JWT,
  type TimePolicy,
} from '../checks/claims.js';
import { QUOTED_LENGTH, quote, quoteList } from '../quote.js';

export interface IdTokenClaimPolicy extends TimePolicy {
  readonly clientId: string;
  readonly trustedAudiences: readonly string[];
  readonly requiredClaims: readonly string[];
  readonly maxTokenLifetime: number | undefined;
}

/** OIDC Core §2: every ID token carries these (`iss` is checked when the token is routed). */
const REQUIRED = ['sub', 'aud', 'exp', 'iat'] as const;

/** `azp` is typed with the registered claims; `at_hash` and `c_hash` by the hash check, which they fail whatever their shape. */
const STRING_CLAIMS = ['nonce', 'acr', 'sid'] as const;

/**
 * Claims that only access tokens carry: the vendor's `cid` and `scp`, RFC 9068's `client_id` and
 * `scope` (RFC 9068 §2.2). ID tokens name their client in `aud`/`azp` and carry no scopes. This
 * mirrors the access-token verifier, which requires `cid`/`client_id` of the vendor's tokens and
 * refuses ID-token claims, so no token of these servers passes both verifiers.
 */
const ACCESS_TOKEN_CLAIMS = ['cid', 'client_id', 'scp', 'scope'] as const;
/** OIDC Core §2: `sub` MUST NOT exceed 255 ASCII characters (control characters have no place in an identifier). */
const SUBJECT = /^[\x20-\x7e]{1,255}$/;

/** Checks the payload of a token whose signature verified; returns it typed. */
export function checkIdTokenClaims(
  header: JwtHeader,
  payload: Record<string, unknown>,
  nowMs: number,
  policy: IdTokenClaimPolicy,
): IdTokenClaims {
  for (const name of REQUIRED) {
    if (payload[name] === undefined) {
      throw new TokenwardError(
        'ERR_CLAIM_MISSING',
        `token has no "${name}" claim; ID tokens must carry it (OIDC Core section 2)`,
      );
    }
  }
  checkClaimTypes(payload, []);
  checkOidcClaimTypes(payload);
  const claims = payload as IdTokenClaims;
  checkTimes(claims, nowMs, policy);
  checkLifetime(claims, policy.maxTokenLifetime);
  checkIdTokenType(header, claims);
  checkAudienceAndParty(claims, policy);
  if (!SUBJECT.test(claims.sub)) {
    throw new TokenwardError(
      'ERR_CLAIM_INVALID',
      'claim "sub" must be 1 to 255 printable ASCII characters (OIDC Core section 2)',
    );
  }
  checkRequiredClaims(claims, policy.requiredClaims);
  return claims;
}

function checkOidcClaimTypes(payload: Record<string, unknown>): void {
  // `iat` is typed by the registered-claim check; here the claims OIDC Core adds.
  for (const name of STRING_CLAIMS) {
    if (payload[name] !== undefined && typeof payload[name] !== 'string') {
      throw invalidType(name, 'a string', payload[name]);
    }
  }
  const amr = payload.amr;
  if (amr !== undefined && !(Array.isArray(amr) && amr.every((item) => typeof item === 'string'))) {
    throw invalidType('amr', 'a string array', amr);
  }
}

function invalidType(name: string, expected: string, value: unknown): TokenwardError {
  const foundType = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  return new TokenwardError('ERR_CLAIM_INVALID', `claim "${name}" must be ${expected}; found ${foundType}`);
}

/**
 * Refuses an access token presented as an ID token (ERR_TYPE_INVALID): header `typ` must be none,
 * `JWT` or `application/jwt` (OIDC defines no other, RFC 9068 §2.1 types access tokens `at+jwt`),
 * and no access-token claim may be present; nor may `events`, the claim of logout tokens.
 */
function checkIdTokenType(header: JwtHeader, claims: IdTokenClaims): void {
  const typ = header.typ;
  if (typ !== undefined && AT_JWT.test(typ)) {
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      `header typ ${quote(typ)} marks an access token (RFC 9068 section 2.1); ` +
        'expected an ID token (typ "JWT" or none)',
    );
  }
  if (typ !== undefined && !PLAIN_JWT.test(typ)) {
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      `expected header typ "JWT" or none for an ID token; found ${quote(typ)}`,
    );
  }
  const accessClaim = ACCESS_TOKEN_CLAIMS.find((name) => claims[name] !== undefined);
  if (accessClaim !== undefined) {
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      `token carries "${accessClaim}", a claim of access tokens; expected an ID token (send the id_token, not the access_token)`,
    );
  }
  if (claims.events !== undefined) {
    // A logout token has the ID token's iss, sub and aud and only lacks nonce (OpenID Connect
    // Back-Channel Logout §2.4), so a call without `nonce` would take it for a sign-in.
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      'token carries "events", the claim of logout and security event tokens (RFC 8417 section 2.2); expected an ID token',
    );
  }
}

/**
 * `aud` must contain the client id, and hold no audience the client does not trust (IDT-3). With
 * several audiences `azp` is required; when present it must be the client id (IDT-4).
 */
function checkAudienceAndParty(claims: IdTokenClaims, policy: IdTokenClaimPolicy): void {
  const audience = audienceList(claims);
  const { clientId } = policy;
  if (!audience.includes(clientId)) {
    const foundText = audience.length === 0 ? 'an empty list' : quoteList(audience, ', ');
    throw new TokenwardError(
      'ERR_AUDIENCE_MISMATCH',
      `expected aud to contain the client id ${quote(clientId, QUOTED_LENGTH.configured)}; found ${foundText}`,
    );
  }
  const untrusted = audience.find((value) => value !== clientId && !policy.trustedAudiences.includes(value));
  if (untrusted !== undefined) {
    throw new TokenwardError(
      'ERR_AUDIENCE_MISMATCH',
      `aud also names ${quote(untrusted)}, an audience this client does not trust ` +
        '(OIDC Core section 3.1.3.7 step 3; list it in trustedAudiences to accept it)',
    );
  }
  if (claims.azp === undefined) {
    if (audience.length > 1) {
      throw new TokenwardError(
        'ERR_CLAIM_MISSING',
        'token has several audiences but no "azp" claim naming the client it was issued to ' +
          '(OIDC Core section 3.1.3.7 step 4)',
      );
    }
    return;
  }
  if (claims.azp !== clientId) {
    throw new TokenwardError(
      'ERR_CLAIM_INVALID',
      `expected azp ${quote(clientId, QUOTED_LENGTH.configured)}; found ${quote(claims.azp)} ` +
        '(OIDC Core section 3.1.3.7 step 5)',
    );
  }
}

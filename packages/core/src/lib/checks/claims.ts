/**
 * Checks of a verified token's claims and type: time (RFC 7519 §4.1.4–6, JOSE-15), audience (BCP-9, AT-5), the access-token type (AT-2, AT-10, BCP-12) and required claims.
 */
import { TokenwardError } from '../../errors.js';
import type { AccessTokenClaims, JwtHeader, ServerKind } from '../../types.js';
import { QUOTED_LENGTH, quote, quoteList } from '../quote.js';

export interface TimePolicy {
  /** Seconds of allowed clock skew. */
  readonly clockTolerance: number;
  /** Seconds after `iat` past which the token is refused, if set. */
  readonly maxTokenAge: number | undefined;
}

/** `exp`, `nbf`, `iat` and the optional maximum age against `nowMs`, with the clock tolerance. */
export function checkTimes(claims: AccessTokenClaims, nowMs: number, policy: TimePolicy): void {
  const now = nowMs / 1000;
  const tolerance = policy.clockTolerance;
  if (now >= claims.exp + tolerance) {
    throw new TokenwardError(
      'ERR_TOKEN_EXPIRED',
      `token expired at ${isoTime(claims.exp)}; now is ${isoTime(now)} (clock tolerance ${tolerance} s)`,
    );
  }
  if (claims.nbf !== undefined && now + tolerance < claims.nbf) {
    throw new TokenwardError(
      'ERR_TOKEN_NOT_YET_VALID',
      `token is not valid before ${isoTime(claims.nbf)}; now is ${isoTime(now)} (clock tolerance ${tolerance} s)`,
    );
  }
  if (claims.iat !== undefined && now + tolerance < claims.iat) {
    throw new TokenwardError(
      'ERR_TOKEN_NOT_YET_VALID',
      `token was issued in the future, at ${isoTime(claims.iat)}; now is ${isoTime(now)} (clock tolerance ${tolerance} s)`,
    );
  }
  if (policy.maxTokenAge !== undefined) {
    if (claims.iat === undefined) {
      throw new TokenwardError('ERR_CLAIM_MISSING', 'token has no "iat" claim, needed to check maxTokenAge');
    }
    if (now - tolerance > claims.iat + policy.maxTokenAge) {
      throw new TokenwardError(
        'ERR_TOKEN_EXPIRED',
        `token was issued at ${isoTime(claims.iat)}, more than maxTokenAge (${policy.maxTokenAge} s) ago`,
      );
    }
  }
}

function isoTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString();
}

/** `aud` as a list. */
export function audienceList(claims: AccessTokenClaims): readonly string[] {
  return typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
}

/** `aud` must contain one of the expected audiences (RFC 8725 §3.9, RFC 9068 §4). */
export function checkAudience(audience: readonly string[], expected: readonly string[]): void {
  for (const value of audience) if (expected.includes(value)) return;
  const foundText = audience.length === 0 ? 'an empty list' : quoteList(audience, ', ');
  throw new TokenwardError(
    'ERR_AUDIENCE_MISMATCH',
    `expected aud ${expected.map((value) => quote(value, QUOTED_LENGTH.configured)).join(' or ')}; found ${foundText}` +
      (resourceHint(audience, expected)
        ? ' (a token minted for another resource: request it with resource set to this API)'
        : ''),
  );
}

// Audiences that are URLs on both sides: the token was most likely requested for another RFC 8707 `resource`.
function resourceHint(audience: readonly string[], expected: readonly string[]): boolean {
  const isUrl = (value: string) => /^https?:\/\//.test(value);
  return expected.some(isUrl) && audience.some(isUrl);
}

/** `typ` of an RFC 9068 access token; media types compare case-insensitively (RFC 9068 §4). */
export const AT_JWT = /^(?:application\/)?at\+jwt$/i;
/** `typ` of a JWT that says nothing more about its kind (RFC 7519 §5.1). */
export const PLAIN_JWT = /^(?:application\/)?jwt$/i;

export interface TypePolicy {
  /** `typ: 'at+jwt'` was configured. */
  readonly requireAtJwt: boolean;
  readonly serverKind: ServerKind;
}

/**
 * Refuses anything that is not an access token (RFC 9068 §4 and §5, RFC 8725 §3.12).
 *
 * - `typ` (media type, case-insensitive): `at+jwt` or `application/at+jwt`; when `requireAtJwt`
 *   is off also none or `JWT` (the vendor's access tokens carry no `typ`; many servers send `JWT`).
 *   Any other type (`dpop+jwt`, `logout+jwt`, ...) is another kind of JWT.
 * - No claim only ID tokens define (`nonce`, `at_hash`, `c_hash`: OIDC Core §2, §3.1.3.6,
 *   §3.3.2.11), whatever the `typ`.
 * - No `events`, the claim of Security Event Tokens (RFC 8417 §2.2) and so of logout tokens
 *   (OpenID Connect Back-Channel Logout §2.4), which may come untyped from the same issuer.
 * - From the vendor's servers (org/custom), a token not typed `at+jwt` must name its client in
 *   `cid` or `client_id`: the vendor's access tokens always carry `cid`; its ID tokens never do.
 */
export function checkAccessTokenType(header: JwtHeader, claims: AccessTokenClaims, policy: TypePolicy): void {
  const typ = header.typ;
  const typedAccessToken = typ !== undefined && AT_JWT.test(typ);
  if (policy.requireAtJwt && !typedAccessToken) {
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      `expected header typ "at+jwt" (RFC 9068 section 4); found ${typ === undefined ? 'none' : quote(typ)}`,
    );
  }
  if (typ !== undefined && !typedAccessToken && !PLAIN_JWT.test(typ)) {
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      `expected header typ "at+jwt", "JWT" or none; found ${quote(typ)}, which is not an access token`,
    );
  }
  const idTokenClaim =
    claims.nonce !== undefined
      ? 'nonce'
      : claims.at_hash !== undefined
        ? 'at_hash'
        : claims.c_hash !== undefined
          ? 'c_hash'
          : undefined;
  if (idTokenClaim !== undefined) {
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      `token carries "${idTokenClaim}", a claim of ID tokens; APIs accept access tokens only (send the access token)`,
    );
  }
  if (claims.events !== undefined) {
    // RFC 8417 §4.5.2 (distinguishing SETs from access tokens): access tokens carry no "events".
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      'token carries "events", the claim of security event and logout tokens; APIs accept access tokens only',
    );
  }
  if (
    policy.serverKind !== 'other' &&
    !typedAccessToken &&
    claims.cid === undefined &&
    claims.client_id === undefined
  ) {
    throw new TokenwardError(
      'ERR_TYPE_INVALID',
      'token has no client id ("cid" or "client_id"), so it is not an access token of this server (an ID token?)',
    );
  }
}

/** Every name in `required` must be present. */
export function checkRequiredClaims(claims: AccessTokenClaims, required: readonly string[]): void {
  for (const name of required) {
    if (!Object.hasOwn(claims, name) || claims[name] === undefined) {
      throw new TokenwardError(
        'ERR_CLAIM_MISSING',
        `token has no "${name}" claim, which requiredClaims lists`,
      );
    }
  }
}

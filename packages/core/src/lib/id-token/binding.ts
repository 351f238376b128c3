/**
 * Checks that bind an ID token to the sign-in the caller made: the `nonce` it sent (IDT-8), the
 * access token and code it received (`at_hash`, `c_hash`: IDT-10, IDT-11), and the `max_age` and
 * `acr_values` it asked for (IDT-9).
 */
import { TokenwardError } from '../../errors.js';
import type { IdTokenClaims, VerifyIdTokenOptions } from '../../id-token-types.js';
import { QUOTED_LENGTH, quote } from '../quote.js';
import { checkHalfHash } from './hash.js';

/**
 * The nonce, compared exactly. A token carrying a nonce when the caller expects none is refused
 * too: the nonce proves which authentication request a token answers (OIDC Core §15.5.2), and a
 * nonce this sign-in never sent means the token answers someone else's request. After a refresh
 * the ID token keeps the original nonce (§12.2), which the caller passes again.
 */
export function checkNonce(claims: IdTokenClaims, expected: string | undefined): void {
  if (expected === undefined) {
    if (claims.nonce !== undefined) {
      throw new TokenwardError(
        'ERR_NONCE_MISMATCH',
        'token carries a "nonce" but verify was given none; pass the nonce sent in the authentication ' +
          'request (OIDC Core section 3.1.3.7 step 11)',
      );
    }
    return;
  }
  if (claims.nonce === undefined) {
    throw new TokenwardError(
      'ERR_NONCE_MISMATCH',
      'expected the nonce sent in the authentication request; the token carries no "nonce" ' +
        '(OIDC Core section 3.1.3.7 step 11)',
    );
  }
  if (claims.nonce !== expected) {
    // Neither value is shown: the message may be logged, and the expected nonce is the client's secret.
    throw new TokenwardError(
      'ERR_NONCE_MISMATCH',
      'the token\'s "nonce" differs from the one sent in the authentication request: it answers another request',
    );
  }
}

/**
 * `at_hash` and `c_hash`, each when the token carries it and the caller gave the value it covers;
 * then any shape fails as a mismatch. A claim that is not compared must still be a string.
 */
export async function checkHashes(
  claims: IdTokenClaims,
  alg: string,
  options: VerifyIdTokenOptions,
): Promise<void> {
  const checks = [
    ['at_hash', claims.at_hash, options.accessToken],
    ['c_hash', claims.c_hash, options.code],
  ] as const;
  for (const [claim, expected, value] of checks) {
    if (expected === undefined) continue;
    if (value !== undefined) await checkHalfHash({ claim, expected, value, alg });
    else if (typeof expected !== 'string') {
      throw new TokenwardError(
        'ERR_CLAIM_INVALID',
        `claim "${claim}" must be a string; found ${typeof expected}`,
      );
    }
  }
}

/**
 * With `maxAge`, `auth_time` is required (OIDC Core §3.1.2.1) and the authentication must be at
 * most `maxAge` seconds old, give or take the clock tolerance: `auth_time + maxAge + tolerance >= now`.
 */
export function checkAuthTime(
  claims: IdTokenClaims,
  maxAge: number | undefined,
  nowMs: number,
  clockTolerance: number,
): void {
  if (maxAge === undefined) return;
  if (claims.auth_time === undefined) {
    throw new TokenwardError(
      'ERR_CLAIM_MISSING',
      'token has no "auth_time" claim, which is required when maxAge is given (OIDC Core section 3.1.2.1)',
    );
  }
  const now = nowMs / 1000;
  if (claims.auth_time + maxAge + clockTolerance < now) {
    const age = Math.floor(now - claims.auth_time);
    throw new TokenwardError(
      'ERR_AUTH_TIME_TOO_OLD',
      `the user authenticated ${age} s ago, longer than maxAge (${maxAge} s, clock tolerance ` +
        `${clockTolerance} s); ask the user to sign in again (e.g. prompt=login or max_age)`,
    );
  }
}

/** With `acrValues`, `acr` must be present and one of them. */
export function checkAcr(claims: IdTokenClaims, acrValues: readonly string[] | undefined): void {
  if (acrValues === undefined) return;
  if (claims.acr === undefined) {
    throw new TokenwardError(
      'ERR_CLAIM_MISSING',
      `token has no "acr" claim; expected one of ${acrValues.map((value) => quote(value, QUOTED_LENGTH.configured)).join(', ')}`,
    );
  }
  if (!acrValues.includes(claims.acr)) {
    throw new TokenwardError(
      'ERR_CLAIM_INVALID',
      `expected acr ${acrValues.map((value) => quote(value, QUOTED_LENGTH.configured)).join(' or ')}; found ${quote(claims.acr)}`,
    );
  }
}

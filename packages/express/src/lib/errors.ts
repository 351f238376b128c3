import { isTokenwardError, TokenwardError } from '@tokenward/core';

/** The error to hand to `next()`: a tokenward error re-issued with the adapter's realm, if one is set. */
export function inRealm(error: unknown, realm: string | undefined): unknown {
  if (realm === undefined || !isTokenwardError(error) || error.realm === realm) return error;
  return error.withRealm(realm);
}

/** RFC 6750 §3.1: a request with no credentials gets a challenge without an error attribute. */
export function tokenMissing(realm: string | undefined): TokenwardError {
  return new TokenwardError(
    'ERR_TOKEN_MISSING',
    'Expected a bearer token in the Authorization header; the request carried none',
    realm === undefined ? {} : { realm },
  );
}

/**
 * A route-level check mounted without `requireAuth` before it is a server bug: answer 500
 * (never let the request through, never blame the client with a 401).
 */
export function authNotRun(middleware: string): TokenwardError {
  return new TokenwardError(
    'ERR_CONFIG',
    `tokenward: ${middleware} found no verified token on the request: mount requireAuth() or optionalAuth() before it`,
  );
}

/** A required first argument of a route-level helper was omitted (a JavaScript caller's mistake). */
export function argumentMissing(helper: string, name: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', `tokenward: ${helper}: \`${name}\` is required; found nothing`);
}

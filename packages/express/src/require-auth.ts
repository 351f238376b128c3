import {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AdapterAuthOptions,
  authenticateRequest,
  createAccessTokenVerifier,
  type DpopSettings,
  type RequestAuthentication,
  splitAuthOptions,
  TokenwardError,
} from '@tokenward/core';
import type { RequestHandler } from 'express';
import type { TokenwardAuth } from './types.js';

/** Options of the Express adapter beside the verifier's: `realm`, `allowQuery`, `allowBody`, `corsPreflight` and the requirements `scopes`, `scopeMatch`, `claims`. */
export type ExpressAuthOptions = AdapterAuthOptions;

/** Everything `requireAuth(options)` takes: the verifier's options plus the adapter's. */
export type RequireAuthOptions = AccessTokenVerifierOptions & ExpressAuthOptions;

/**
 * What `requireAuth`/`optionalAuth` decided for a request, for the route-level checks after it:
 * `result` is unset for an anonymous request, `preflight` marks a CORS preflight passed on.
 * Keyed by the request object, so nothing a client sends and no other middleware writing
 * `req.auth` can make a route-level check believe authentication ran.
 */
export const authStates = new WeakMap<
  object,
  {
    realm: string;
    resource: string | undefined;
    dpop: DpopSettings | undefined;
    result?: TokenwardAuth;
    preflight: boolean;
  }
>();

/**
 * Middleware that lets a request through only with a valid bearer token, setting `req.auth` to
 * the frozen verification result. The verifier is built here, once: bad options throw
 * `ERR_CONFIG` from this call, not from a request. A CORS preflight is answered 204 here unless
 * `corsPreflight: 'pass'` (mount CORS middleware before this one).
 *
 * @example app.use('/api', requireAuth({ issuer, audience: 'api://default' }));
 */
export function requireAuth(
  optionsOrVerifier: RequireAuthOptions | AccessTokenVerifier,
  options?: ExpressAuthOptions,
): RequestHandler {
  return authMiddleware(optionsOrVerifier, options, 'required');
}

/**
 * Like {@link requireAuth}, but a request without any bearer credentials passes with `req.auth`
 * unset. A token that is sent must still be valid (401), and a malformed request still gets 400.
 */
export function optionalAuth(
  optionsOrVerifier: RequireAuthOptions | AccessTokenVerifier,
  options?: ExpressAuthOptions,
): RequestHandler {
  return authMiddleware(optionsOrVerifier, options, 'optional');
}

function authMiddleware(
  given: RequireAuthOptions | AccessTokenVerifier,
  extraOptions: ExpressAuthOptions | undefined,
  credentials: 'required' | 'optional',
): RequestHandler {
  if (typeof given !== 'object' || given === null) {
    const found = given === null ? 'null' : typeof given;
    throw new TokenwardError(
      'ERR_CONFIG',
      `tokenward: expected verifier options or a verifier; found ${found}`,
    );
  }
  const isVerifier = typeof (given as Partial<AccessTokenVerifier>).verify === 'function';
  const where = credentials === 'optional' ? 'optionalAuth' : 'requireAuth';
  const {
    rest,
    request: options,
    requirements,
  } = splitAuthOptions(isVerifier ? (extraOptions ?? {}) : (given as RequireAuthOptions), where, credentials);
  const verifier = isVerifier
    ? (given as AccessTokenVerifier)
    : createAccessTokenVerifier(rest as RequireAuthOptions);
  const realm = options.realm ?? verifier.realm;

  return async function tokenwardAuth(req, res, next) {
    let outcome: RequestAuthentication;
    try {
      // The raw lines show core a repeated `Authorization` line, which Node folds away; core reads
      // the query from the URL, and only with `allowQuery` (Express 5 re-parses `req.query`).
      const { method, originalUrl: url, headers, rawHeaders, body: form } = req;
      const remoteAddress = req.socket.remoteAddress;
      outcome = await authenticateRequest(
        verifier,
        { method, url, headers, rawHeaders, form, remoteAddress },
        requirements,
        options,
      );
    } catch (error) {
      // Explicit next(err): Express 4 does not catch rejected promises from middleware.
      return next(error);
    }
    // Past the try: an exception from a later handler is never taken for an auth failure.
    if (outcome.kind === 'preflight' && options.corsPreflight !== 'pass') {
      res.status(204).end();
      return;
    }
    const auth = outcome.kind === 'authenticated' ? (outcome.auth as TokenwardAuth) : undefined;
    const preflight = outcome.kind === 'preflight';
    // A fresh DPoP-Nonce, when the client's is about to expire, rides on the route's own answer.
    if (outcome.kind === 'authenticated') res.set(outcome.responseHeaders);
    authStates.set(req, { realm, resource: verifier.resource, dpop: verifier.dpop, result: auth, preflight });
    if (auth !== undefined) req.auth = auth;
    next();
  };
}

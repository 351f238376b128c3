import {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AdapterAuthOptions,
  authenticateRequestNow,
  createAccessTokenVerifier,
  type RequestAuthentication,
  type RouteChallenge,
  splitAuthOptions,
  TokenwardError,
} from '@tokenward/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type AuthState, keepAuthState } from './request-state.js';
import type { TokenwardAuth } from './types.js';

/** Options of the Express adapter beside the verifier's: `realm`, `allowQuery`, `allowBody`, `corsPreflight` and the requirements `scopes`, `scopeMatch`, `claims`. */
export type ExpressAuthOptions = AdapterAuthOptions;

/** Everything `requireAuth(options)` takes: the verifier's options plus the adapter's. */
export type RequireAuthOptions = AccessTokenVerifierOptions & ExpressAuthOptions;
type VerifierSetup = RequireAuthOptions | AccessTokenVerifier;

/**
 * Middleware that lets a request through only with a valid bearer token, setting `req.auth` to the frozen
 * verification result. The verifier is built here, once: bad options throw `ERR_CONFIG` from this call, not
 * from a request. A CORS preflight is answered 204 here unless `corsPreflight: 'pass'` (mount CORS first).
 * @example app.use('/api', requireAuth({ issuer, audience: 'api://default' }));
 */
export function requireAuth(optionsOrVerifier: VerifierSetup, options?: ExpressAuthOptions): RequestHandler {
  return authMiddleware(optionsOrVerifier, options, 'required');
}

/**
 * Like {@link requireAuth}, but a request without any bearer credentials passes with `req.auth`
 * unset. A token that is sent must still be valid (401), and a malformed request still gets 400.
 */
export function optionalAuth(optionsOrVerifier: VerifierSetup, options?: ExpressAuthOptions): RequestHandler {
  return authMiddleware(optionsOrVerifier, options, 'optional');
}

function authMiddleware(
  given: VerifierSetup,
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
  const adapterOptions = isVerifier ? (extraOptions ?? {}) : (given as RequireAuthOptions);
  const { rest, request: options, requirements } = splitAuthOptions(adapterOptions, where, credentials);
  const verifier = isVerifier
    ? (given as AccessTokenVerifier)
    : createAccessTokenVerifier(rest as RequireAuthOptions);
  const { resource, dpop } = verifier;
  const challenge: RouteChallenge = { realm: options.realm ?? verifier.realm, resource, dpop };
  const anonymous: AuthState = { challenge, result: undefined, preflight: false };
  const passedPreflight: AuthState = { challenge, result: undefined, preflight: true };

  function admit(req: Request, res: Response, next: NextFunction, outcome: RequestAuthentication): void {
    if (outcome.kind === 'preflight' && options.corsPreflight !== 'pass') return void res.status(204).end();
    let state = outcome.kind === 'preflight' ? passedPreflight : anonymous;
    if (outcome.kind === 'authenticated') {
      state = { challenge, result: outcome.auth as TokenwardAuth, preflight: false };
      // A fresh DPoP-Nonce, when the client's is about to expire; usually none, and then no call.
      for (const name in outcome.responseHeaders) res.set(name, outcome.responseHeaders[name]);
    }
    keepAuthState(req, state);
    next();
  }

  return function tokenwardAuth(req, res, next) {
    let outcome: RequestAuthentication | Promise<RequestAuthentication>;
    try {
      // The raw lines show core a repeated `Authorization` line, which Node folds away; core reads
      // the query from the URL, and only with `allowQuery` (Express 5 re-parses `req.query`).
      const { method, originalUrl: url, headers, rawHeaders, body: form } = req;
      const input = { method, url, headers, rawHeaders, form, remoteAddress: req.socket.remoteAddress };
      outcome = authenticateRequestNow(verifier, input, requirements, options);
    } catch (error) {
      return next(error);
    }
    // Past the try: a later handler's exception is no auth failure. next(err): Express 4 ignores rejections.
    if (outcome instanceof Promise) return outcome.then((ready) => admit(req, res, next, ready), next);
    admit(req, res, next, outcome);
  };
}

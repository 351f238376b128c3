import type { IncomingHttpHeaders } from 'node:http';
import {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AdapterAuthOptions,
  authenticateRequestNow,
  createAccessTokenVerifier,
  type RequestAuthentication,
  setUpAdapterAuth,
} from '@tokenward/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { keepAuthState } from './request-state.js';

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
  const where = credentials === 'optional' ? 'optionalAuth' : 'requireAuth';
  const setup = setUpAdapterAuth(given, extraOptions, where, credentials, createAccessTokenVerifier);
  const { verifier, options, requirements, stateOf } = setup;

  function admit(req: Request, res: Response, next: NextFunction, outcome: RequestAuthentication): void {
    if (outcome.kind === 'preflight' && options.corsPreflight !== 'pass') return void res.status(204).end();
    // A fresh DPoP-Nonce, when the client's is about to expire; usually none, and then no call.
    if (outcome.kind === 'authenticated')
      for (const name in outcome.responseHeaders) res.set(name, outcome.responseHeaders[name]);
    keepAuthState(req, stateOf(outcome));
    next();
  }

  return function tokenwardAuth(req, res, next) {
    let outcome: RequestAuthentication | Promise<RequestAuthentication>;
    try {
      outcome = authenticateRequestNow(verifier, new ExpressRequestView(req), requirements, options);
    } catch (error) {
      return next(error);
    }
    // Past the try: a later handler's exception is no auth failure. next(err): Express 4 ignores rejections.
    if (outcome instanceof Promise) return outcome.then((ready) => admit(req, res, next, ready), next);
    admit(req, res, next, outcome);
  };
}

/**
 * The request as core reads it. Under Express a named read of `req` misses V8's caches (a hidden class per
 * request); `Reflect.get` needs none, several times cheaper. What core always reads is read once; the body
 * only for a form POST, the peer address only for DPoP behind listed proxies. The raw lines show core a
 * repeated `Authorization` line, which Node folds away; core reads the query from the URL (`allowQuery`).
 */
class ExpressRequestView {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];

  constructor(private readonly req: Request) {
    this.method = Reflect.get(req, 'method');
    this.url = Reflect.get(req, 'originalUrl');
    this.headers = Reflect.get(req, 'headers');
    this.rawHeaders = Reflect.get(req, 'rawHeaders');
  }

  get form(): unknown {
    return Reflect.get(this.req, 'body');
  }

  get remoteAddress(): string | undefined {
    return (Reflect.get(this.req, 'socket') as Request['socket']).remoteAddress;
  }
}

import {
  type AccessTokenVerifier,
  createAccessTokenVerifier,
  extractBearerToken,
  isCorsPreflight,
  TokenwardError,
  type VerifyAccessTokenOptions,
} from '@tokenward/core';
import type { RequestHandler } from 'express';
import { inRealm, tokenMissing } from './lib/errors.js';
import { toBearerRequest } from './lib/request.js';
import { type AuthState, recordAuthState } from './lib/state.js';
import {
  type ExpressAuthOptions,
  type RequireAuthOptions,
  splitOptions,
  validateAdapterOptions,
} from './options.js';
import './types.js';

/**
 * Middleware that lets a request through only with a valid bearer token, setting `req.auth` to
 * the frozen verification result. The verifier is built here, once: bad options throw
 * `ERR_CONFIG` from this call, not from a request.
 *
 * @example app.use('/api', requireAuth({ issuer, audience: 'api://default' }));
 */
export function requireAuth(options: RequireAuthOptions): RequestHandler;
export function requireAuth(verifier: AccessTokenVerifier, options?: ExpressAuthOptions): RequestHandler;
export function requireAuth(
  optionsOrVerifier: RequireAuthOptions | AccessTokenVerifier,
  options?: ExpressAuthOptions,
): RequestHandler {
  return authMiddleware(optionsOrVerifier, options, false);
}

/**
 * Like {@link requireAuth}, but a request without any bearer credentials passes with `req.auth`
 * unset. A token that is sent must still be valid (401), and a malformed request still gets 400.
 */
export function optionalAuth(options: RequireAuthOptions): RequestHandler;
export function optionalAuth(verifier: AccessTokenVerifier, options?: ExpressAuthOptions): RequestHandler;
export function optionalAuth(
  optionsOrVerifier: RequireAuthOptions | AccessTokenVerifier,
  options?: ExpressAuthOptions,
): RequestHandler {
  return authMiddleware(optionsOrVerifier, options, true);
}

function authMiddleware(
  optionsOrVerifier: RequireAuthOptions | AccessTokenVerifier,
  extraOptions: ExpressAuthOptions | undefined,
  anonymousAllowed: boolean,
): RequestHandler {
  const where = anonymousAllowed ? 'optionalAuth' : 'requireAuth';
  const { verifier, adapterOptions, requirements } = resolve(optionsOrVerifier, extraOptions, where);
  const { allowQuery = false, allowBody = false } = adapterOptions;
  // A verifier passed in already knows its realm: the adapter's own challenges use it too.
  const realm = adapterOptions.realm ?? verifier.realm;
  const checks =
    requirements.scopes === undefined && requirements.claims === undefined ? undefined : requirements;
  const extraction = { allowQuery, allowBody };
  const preflightState: AuthState = Object.freeze({ realm, result: undefined, preflight: true });

  return async function tokenwardAuth(req, _res, next) {
    let outcome: unknown;
    try {
      const input = toBearerRequest(req, allowQuery);
      // A CORS preflight carries no credentials by design (Fetch standard, CORS protocol).
      if (isCorsPreflight(input)) {
        recordAuthState(req, preflightState);
      } else {
        const token = extractBearerToken(input, extraction);
        if (token === undefined && !anonymousAllowed) throw tokenMissing(realm);
        // Core resolves to a frozen result: handlers can read req.auth but not alter it.
        const result = token === undefined ? undefined : await verifier.verify(token, checks);
        recordAuthState(req, { realm, result, preflight: false });
        if (result !== undefined) req.auth = result;
      }
    } catch (error) {
      outcome = inRealm(error, realm);
    }
    // Outside the try, so an exception from a later handler is never taken for an auth failure.
    // Explicit next(err): Express 4 does not catch rejected promises from middleware.
    next(outcome);
  };
}

function resolve(
  optionsOrVerifier: RequireAuthOptions | AccessTokenVerifier,
  extraOptions: ExpressAuthOptions | undefined,
  where: string,
): {
  verifier: AccessTokenVerifier;
  adapterOptions: ExpressAuthOptions;
  requirements: VerifyAccessTokenOptions;
} {
  if (typeof optionsOrVerifier !== 'object' || optionsOrVerifier === null) {
    throw new TokenwardError(
      'ERR_CONFIG',
      `tokenward: expected verifier options or an access-token verifier; found ${optionsOrVerifier === null ? 'null' : typeof optionsOrVerifier}`,
    );
  }
  if (isVerifier(optionsOrVerifier)) {
    const adapterOptions = extraOptions ?? {};
    const requirements = validateAdapterOptions(adapterOptions, where);
    return { verifier: optionsOrVerifier, adapterOptions, requirements };
  }
  const { verifierOptions, adapterOptions } = splitOptions(optionsOrVerifier);
  const requirements = validateAdapterOptions(adapterOptions, where);
  return { verifier: createAccessTokenVerifier(verifierOptions), adapterOptions, requirements };
}

function isVerifier(value: RequireAuthOptions | AccessTokenVerifier): value is AccessTokenVerifier {
  return typeof (value as Partial<AccessTokenVerifier>).verify === 'function';
}

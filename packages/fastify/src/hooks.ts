import {
  checkClaims,
  checkScopes,
  extractBearerToken,
  isCorsPreflight,
  isTokenwardError,
  TokenwardError,
  validateAuthRequirements,
} from '@tokenward/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdapterSettings } from './options.js';
import { toBearerRequest } from './request.js';
import type { AuthHook, RouteAuthConfig } from './types.js';

/** A context hook in Fastify's callback form, which may also answer with a promise. */
export type RouteHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: () => void,
) => Promise<void> | undefined;

const DONE: Promise<void> = Promise.resolve();
// Checked once, so the verifier takes it as it is on every request of a global plugin.
const NO_REQUIREMENTS: RouteAuthConfig = validateAuthRequirements({}, 'config.auth');

/** Authenticates one request against `requirements`, setting `request.auth` on success. */
export type Authenticate = (request: FastifyRequest, requirements: RouteAuthConfig) => Promise<void>;

export function createAuthenticate(settings: AdapterSettings): Authenticate {
  const { verifier, realm, extraction } = settings;
  // Thrown, not sent: Fastify's error path (custom setErrorHandler or the default handler,
  // which applies `statusCode` and `headers`) answers.
  const inRealm = (error: unknown): unknown =>
    realm !== undefined && isTokenwardError(error) && error.realm !== realm ? error.withRealm(realm) : error;
  const rethrowInRealm = (error: unknown): never => {
    throw inRealm(error);
  };
  // Not `async`: a request that is verified pays for the verifier's promise alone.
  return function authenticate(request, requirements) {
    const input = toBearerRequest(request);
    // A CORS preflight carries no credentials by design (Fetch standard, CORS-preflight request).
    if (isCorsPreflight(input)) return DONE;
    try {
      if (request.auth) {
        // Already verified earlier in this request (global hook, then a route's requireAuth):
        // only the extra requirements are left to check.
        checkScopes(request.auth, requirements.scopes ?? [], requirements.scopeMatch ?? 'all');
        if (requirements.claims !== undefined) checkClaims(request.auth, requirements.claims);
        return DONE;
      }
      const token = extractBearerToken(input, extraction);
      if (token === undefined) {
        throw new TokenwardError(
          'ERR_TOKEN_MISSING',
          'Expected a bearer token in the Authorization header; the request carried none',
          realm === undefined ? {} : { realm },
        );
      }
      return verifier.verify(token, requirements).then((result) => {
        request.auth = result;
      }, rethrowInRealm);
    } catch (error) {
      return Promise.reject(inRealm(error));
    }
  };
}

/** The hook behind `fastify.requireAuth(requirements)`: `authenticate`'s own promise, no extra layer. */
export function createRequireAuth(authenticate: Authenticate, requirements: RouteAuthConfig): AuthHook {
  return function requireAuth(request) {
    return authenticate(request, requirements);
  };
}

/**
 * The hook added to the registering context: enforces a route's `config.auth`, and with `global`
 * authenticates every route of the context that does not opt out with `config.auth: false`.
 */
export function createRouteHook(authenticate: Authenticate, global: boolean): RouteHook {
  // Fastify settles a hook by a returned promise or by `done`: a route with nothing to check
  // goes on through `done` at once, without a promise and a microtask on every request.
  return function tokenwardRouteAuth(request, _reply, done) {
    const routeAuth = request.routeOptions.config.auth;
    if (routeAuth === false || (routeAuth === undefined && !global)) {
      done();
      return undefined;
    }
    return authenticate(request, routeAuth ?? NO_REQUIREMENTS);
  };
}

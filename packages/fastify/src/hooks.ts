import {
  checkClaims,
  checkScopes,
  extractBearerToken,
  isCorsPreflight,
  isTokenwardError,
  TokenwardError,
} from '@tokenward/core';
import type { FastifyRequest } from 'fastify';
import type { AdapterSettings } from './options.js';
import { toBearerRequest } from './request.js';
import type { AuthHook, RouteAuthConfig } from './types.js';

/** Authenticates one request against `requirements`, setting `request.auth` on success. */
export type Authenticate = (request: FastifyRequest, requirements: RouteAuthConfig) => Promise<void>;

export function createAuthenticate(settings: AdapterSettings): Authenticate {
  const { verifier, realm, extraction } = settings;
  return async function authenticate(request, requirements) {
    const input = toBearerRequest(request);
    // A CORS preflight carries no credentials by design (Fetch standard, CORS-preflight request).
    if (isCorsPreflight(input)) return;
    try {
      if (!request.auth) {
        const token = extractBearerToken(input, extraction);
        if (token === undefined) {
          throw new TokenwardError(
            'ERR_TOKEN_MISSING',
            'Expected a bearer token in the Authorization header; the request carried none',
            realm === undefined ? {} : { realm },
          );
        }
        request.auth = await verifier.verify(token, requirements);
      } else {
        // Already verified earlier in this request (global hook, then a route's requireAuth):
        // only the extra requirements are left to check.
        checkScopes(request.auth, requirements.scopes ?? [], requirements.scopeMatch ?? 'all');
        if (requirements.claims !== undefined) checkClaims(request.auth, requirements.claims);
      }
    } catch (error) {
      // Thrown, not sent: Fastify's error path (custom setErrorHandler or the default handler,
      // which applies `statusCode` and `headers`) answers.
      throw realm !== undefined && isTokenwardError(error) && error.realm !== realm
        ? error.withRealm(realm)
        : error;
    }
  };
}

/** The hook behind `fastify.requireAuth(requirements)`. */
export function createRequireAuth(authenticate: Authenticate, requirements: RouteAuthConfig): AuthHook {
  return async function requireAuth(request) {
    await authenticate(request, requirements);
  };
}

/**
 * The hook added to the registering context: enforces a route's `config.auth`, and with `global`
 * authenticates every route of the context that does not opt out with `config.auth: false`.
 */
export function createRouteHook(authenticate: Authenticate, global: boolean): AuthHook {
  return async function tokenwardRouteAuth(request) {
    const routeAuth = request.routeOptions.config.auth;
    if (routeAuth === false || (routeAuth === undefined && !global)) return;
    await authenticate(request, routeAuth ?? {});
  };
}

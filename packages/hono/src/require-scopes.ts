import {
  type AuthRequirements,
  type ClaimRequirements,
  checkAuthRequirements,
  validateAuthRequirements,
} from '@tokenward/core';
import type { MiddlewareHandler } from 'hono';
import { answerError, configError } from './errors.js';
import { authStates } from './require-auth.js';
import type { TokenwardEnv } from './types.js';

/** Options of {@link requireScopes}: the `scopeMatch` of the route's requirements. */
export type RequireScopesOptions = Pick<AuthRequirements, 'scopeMatch'>;

/**
 * Route-level scope check for requests already through `requireAuth`: 403 `insufficient_scope`
 * with the required `scope` in the challenge when the token lacks them (RFC 6750 section 3.1).
 *
 * @example app.get('/api/orders', requireScopes(['orders:read']), (c) => c.json(listOrders()));
 */
export function requireScopes(
  scopes: readonly string[],
  options: RequireScopesOptions = {},
): MiddlewareHandler<TokenwardEnv> {
  // The list is this helper's whole point: an omitted one is a mistake, not "no scopes".
  if (scopes === undefined) throw configError('requireScopes: `scopes` is required; found nothing');
  return routeCheck(
    'requireScopes()',
    validateAuthRequirements({ scopes, scopeMatch: options.scopeMatch }, 'requireScopes'),
  );
}

/**
 * Route-level claim check for requests already through `requireAuth`: 401 `invalid_token`
 * (`ERR_CLAIM_MISSING` / `ERR_CLAIM_INVALID`) when the token's claims do not meet `claims`.
 *
 * @example app.get('/api/gold', requireClaims({ tier: 'gold' }), (c) => c.text('welcome'));
 */
export function requireClaims(claims: ClaimRequirements): MiddlewareHandler<TokenwardEnv> {
  if (claims === undefined) throw configError('requireClaims: `claims` is required; found nothing');
  return routeCheck('requireClaims()', validateAuthRequirements({ claims }, 'requireClaims'));
}

function routeCheck(name: string, requirements: AuthRequirements): MiddlewareHandler<TokenwardEnv> {
  return async function tokenwardRouteCheck(c, next) {
    const state = authStates.get(c.req.raw);
    // A route check mounted without requireAuth before it is a server bug: a 500 from Hono's error
    // handler, never a request let through, never a 401 blaming the client.
    if (state === undefined) {
      throw configError(
        `${name} found no verified token on the request: mount requireAuth() or optionalAuth() before it`,
      );
    }
    if (!state.preflight) {
      try {
        checkAuthRequirements(state.result, requirements, state.challenge);
      } catch (error) {
        return answerError(error, state.errors);
      }
    }
    await next();
  };
}

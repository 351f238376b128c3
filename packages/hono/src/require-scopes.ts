import {
  type AuthRequirements,
  type ClaimRequirements,
  checkRoute,
  routeClaimRequirements,
  routeScopeRequirements,
} from '@tokenward/core';
import type { MiddlewareHandler } from 'hono';
import { answerError } from './errors.js';
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
  return routeCheck('requireScopes()', routeScopeRequirements(scopes, options.scopeMatch));
}

/**
 * Route-level claim check for requests already through `requireAuth`: 401 `invalid_token`
 * (`ERR_CLAIM_MISSING` / `ERR_CLAIM_INVALID`) when the token's claims do not meet `claims`.
 *
 * @example app.get('/api/gold', requireClaims({ tier: 'gold' }), (c) => c.text('welcome'));
 */
export function requireClaims(claims: ClaimRequirements): MiddlewareHandler<TokenwardEnv> {
  return routeCheck('requireClaims()', routeClaimRequirements(claims));
}

function routeCheck(name: string, requirements: AuthRequirements): MiddlewareHandler<TokenwardEnv> {
  return async function tokenwardRouteCheck(c, next) {
    const state = authStates.get(c.req.raw);
    try {
      checkRoute(name, state, requirements);
    } catch (error) {
      // No state (no requireAuth before the check) is ERR_CONFIG, which answerError rethrows for
      // Hono's error handler: a 500, never an answer blaming the client.
      return answerError(error, state?.errors ?? 'response');
    }
    await next();
  };
}

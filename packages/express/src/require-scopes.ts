import {
  type AuthRequirements,
  type ClaimRequirements,
  checkRoute,
  routeClaimRequirements,
  routeScopeRequirements,
} from '@tokenward/core';
import type { Request, RequestHandler } from 'express';
import { authStateOf } from './request-state.js';

/** Options of {@link requireScopes}: the `scopeMatch` of the route's requirements. */
export type RequireScopesOptions = Pick<AuthRequirements, 'scopeMatch'>;

/**
 * Route-level scope check for requests already through `requireAuth`: 403 `insufficient_scope`
 * with the required `scope` in the challenge when the token lacks them (RFC 6750 section 3.1).
 *
 * @example app.get('/orders', requireScopes(['orders:read']), listOrders);
 */
export function requireScopes(scopes: readonly string[], options: RequireScopesOptions = {}): RequestHandler {
  return routeCheck('requireScopes()', routeScopeRequirements(scopes, options.scopeMatch));
}

/**
 * Route-level claim check for requests already through `requireAuth`: 401 `invalid_token`
 * (`ERR_CLAIM_MISSING` / `ERR_CLAIM_INVALID`) when the token's claims do not meet `requirements`.
 */
export function requireClaims(claims: ClaimRequirements): RequestHandler {
  return routeCheck('requireClaims()', routeClaimRequirements(claims));
}

function routeCheck(name: string, requirements: AuthRequirements): RequestHandler {
  return function tokenwardRouteCheck(req: Request, _res, next) {
    // Mounted without requireAuth before it: ERR_CONFIG, a server bug, so a 500, never a pass nor a 401.
    try {
      checkRoute(name, authStateOf(req), requirements);
    } catch (error) {
      return next(error);
    }
    next();
  };
}

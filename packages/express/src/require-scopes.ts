import {
  type AuthRequirements,
  type ClaimRequirements,
  checkAuthRequirements,
  TokenwardError,
  validateAuthRequirements,
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
  // The list is this helper's whole point: an omitted one is a mistake, not "no scopes".
  if (scopes === undefined) throw configError('requireScopes: `scopes` is required; found nothing');
  const requirements = validateAuthRequirements({ scopes, scopeMatch: options.scopeMatch }, 'requireScopes');
  return routeCheck('requireScopes()', requirements);
}

/**
 * Route-level claim check for requests already through `requireAuth`: 401 `invalid_token`
 * (`ERR_CLAIM_MISSING` / `ERR_CLAIM_INVALID`) when the token's claims do not meet `requirements`.
 */
export function requireClaims(claims: ClaimRequirements): RequestHandler {
  if (claims === undefined) throw configError('requireClaims: `claims` is required; found nothing');
  return routeCheck('requireClaims()', validateAuthRequirements({ claims }, 'requireClaims'));
}

function routeCheck(name: string, requirements: AuthRequirements): RequestHandler {
  return function tokenwardRouteCheck(req: Request, _res, next) {
    const state = authStateOf(req);
    // Mounted without requireAuth before it: a server bug, so a 500, never a pass nor a client's 401.
    if (state === undefined) return next(configError(`${name} ${NOT_MOUNTED}`));
    if (state.preflight) return next();
    try {
      checkAuthRequirements(state.result, requirements, state.challenge);
    } catch (error) {
      return next(error);
    }
    next();
  };
}

const NOT_MOUNTED = 'found no verified token on the request: mount requireAuth() or optionalAuth() before it';

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', `tokenward: ${message}`);
}

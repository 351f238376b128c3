import {
  type AccessTokenResult,
  type ClaimRequirements,
  checkClaims,
  checkScopes,
  type ScopeMatch,
  validateAuthRequirements,
} from '@tokenward/core';
import type { Request, RequestHandler } from 'express';
import { argumentMissing, authNotRun, inRealm, tokenMissing } from './lib/errors.js';
import { authStateOf } from './lib/state.js';

/** Options of {@link requireScopes}. */
export interface RequireScopesOptions {
  /** `'all'`: every listed scope must be granted; `'any'`: one suffices. Default `'all'`. */
  match?: ScopeMatch;
}

/**
 * Route-level scope check for requests already through `requireAuth`: 403 `insufficient_scope`
 * with the required `scope` in the challenge when the token lacks them (RFC 6750 §3.1).
 *
 * @example app.get('/orders', requireScopes(['orders:read']), listOrders);
 */
export function requireScopes(scopes: readonly string[], options: RequireScopesOptions = {}): RequestHandler {
  const { scopes: required, scopeMatch: match = 'all' } = validateAuthRequirements(
    { scopes, scopeMatch: options.match },
    'requireScopes',
  );
  // The list is this helper's whole point: an omitted one is a mistake, not "no scopes".
  if (required === undefined) throw argumentMissing('requireScopes', 'scopes');
  return routeCheck('requireScopes()', (result) => checkScopes(result, required, match));
}

/**
 * Route-level claim check for requests already through `requireAuth`: 401 `invalid_token`
 * (`ERR_CLAIM_MISSING` / `ERR_CLAIM_INVALID`) when the token's claims do not meet `requirements`.
 */
export function requireClaims(requirements: ClaimRequirements): RequestHandler {
  const { claims } = validateAuthRequirements({ claims: requirements }, 'requireClaims');
  if (claims === undefined) throw argumentMissing('requireClaims', 'claims');
  return routeCheck('requireClaims()', (result) => checkClaims(result, claims));
}

function routeCheck(name: string, check: (result: AccessTokenResult) => void): RequestHandler {
  return function tokenwardRouteCheck(req: Request, _res, next) {
    const state = authStateOf(req);
    if (state === undefined) return next(authNotRun(name));
    if (state.preflight) return next();
    if (state.result === undefined) return next(tokenMissing(state.realm));
    try {
      check(state.result);
    } catch (error) {
      return next(inRealm(error, state.realm));
    }
    next();
  };
}

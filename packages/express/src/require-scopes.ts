import {
  type AccessTokenResult,
  type ClaimRequirements,
  checkClaims,
  checkScopes,
  type ScopeMatch,
} from '@tokenward/core';
import type { Request, RequestHandler } from 'express';
import { authNotRun, inRealm, tokenMissing } from './lib/errors.js';
import { authStateOf } from './lib/state.js';
import { validateClaimRequirements, validateScopeList, validateScopeMatch } from './options.js';

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
  validateScopeList(scopes, 'requireScopes(scopes)');
  validateScopeMatch(options.match, 'requireScopes(scopes, { match })');
  const required = [...scopes];
  const match = options.match ?? 'all';
  return routeCheck('requireScopes()', (result) => checkScopes(result, required, match));
}

/**
 * Route-level claim check for requests already through `requireAuth`: 401 `invalid_token`
 * (`ERR_CLAIM_MISSING` / `ERR_CLAIM_INVALID`) when the token's claims do not meet `requirements`.
 */
export function requireClaims(requirements: ClaimRequirements): RequestHandler {
  validateClaimRequirements(requirements, 'requireClaims(requirements)');
  return routeCheck('requireClaims()', (result) => checkClaims(result, requirements));
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

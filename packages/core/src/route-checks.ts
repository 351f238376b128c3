/**
 * Route-level checks (`requireScopes`, `requireClaims`) the same in every adapter: their
 * requirements checked once when the route is set up, and the decision on the state the
 * adapter's auth middleware kept for the request.
 */
import { checkAuthRequirements, type RouteChallenge } from './authenticate-request.js';
import { configError } from './lib/options/option-checks.js';
import { validateAuthRequirements } from './requirements.js';
import type { AccessTokenResult, AuthRequirements, ClaimRequirements, ScopeMatch } from './types.js';

/** What an adapter's auth middleware keeps for a request, for the route checks after it. */
export interface RouteCheckState {
  readonly challenge: RouteChallenge;
  /** The verified token; `undefined` for a request without credentials (`optionalAuth`). */
  readonly result: AccessTokenResult | undefined;
  /** A CORS preflight passed on (`corsPreflight: 'pass'`): route checks let it through. */
  readonly preflight: boolean;
}

/**
 * The requirements of `requireScopes(scopes, { scopeMatch })`, checked and frozen. The list is the
 * check's whole point: an omitted one is a mistake, not "no scopes" (`ERR_CONFIG`, as is a bad scope).
 * @example const requirements = routeScopeRequirements(['orders:read']);
 */
export function routeScopeRequirements(scopes: readonly string[], scopeMatch?: ScopeMatch): AuthRequirements {
  if (scopes === undefined) throw configError('requireScopes: `scopes` is required; found nothing');
  return validateAuthRequirements({ scopes, scopeMatch }, 'requireScopes');
}

/**
 * The requirements of `requireClaims(claims)`, checked and frozen (`ERR_CONFIG` when omitted or bad).
 * @example const requirements = routeClaimRequirements({ tenant_id: 'acme' });
 */
export function routeClaimRequirements(claims: ClaimRequirements): AuthRequirements {
  if (claims === undefined) throw configError('requireClaims: `claims` is required; found nothing');
  return validateAuthRequirements({ claims }, 'requireClaims');
}

/**
 * Decides a route check (`name`, e.g. `'requireScopes()'`) on the request's kept `state`: returns
 * to let the request through (a passed-on preflight, or requirements met) and throws what
 * `checkAuthRequirements` throws otherwise. No state means no auth middleware ran before the
 * check: a server bug, thrown as `ERR_CONFIG` (a 500), never a pass nor a client's 401.
 * @example checkRoute('requireScopes()', stateOf(request), requirements);
 */
export function checkRoute(
  name: string,
  state: RouteCheckState | undefined,
  requirements: AuthRequirements,
): void {
  if (state === undefined) {
    throw configError(
      `${name} found no verified token on the request: mount requireAuth() or optionalAuth() before it`,
    );
  }
  if (!state.preflight) checkAuthRequirements(state.result, requirements, state.challenge);
}

import type { AccessTokenResult, AccessTokenVerifier, VerifyAccessTokenOptions } from '@tokenward/core';
import type { FastifyRequest } from 'fastify';

/**
 * Extra claims your authorization server puts in access tokens, merged into `request.auth.claims`
 * by declaration merging:
 *
 * @example
 * declare module '@tokenward/fastify' {
 *   interface TokenwardClaims { tenant_id: string; groups?: string[] }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: an empty interface is the point users merge their claims into.
export interface TokenwardClaims {}

/** What a verified request carries in `request.auth`: core's result with your claims merged in. */
export type TokenwardAuth = Omit<AccessTokenResult, 'claims'> & {
  readonly claims: AccessTokenResult['claims'] & TokenwardClaims;
};

/**
 * What a route requires of a verified token, beyond being genuine and meant for this API:
 * `scopes` (e.g. `['orders:read']`), `scopeMatch` (`'all'`, the default, or `'any'`) and
 * `claims` (e.g. `{ tier: 'gold' }`), as core's `verify` takes them.
 */
export type RouteAuthConfig = VerifyAccessTokenOptions;

/**
 * A hook that authenticates the request (or, when `request.auth` is already set, checks the
 * route's requirements against it). Use it as `onRequest`, `preValidation` or `preHandler`.
 */
export type AuthHook = (request: FastifyRequest) => Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token, or `null` on routes that did not authenticate. */
    auth: TokenwardAuth | null;
  }
  interface FastifyInstance {
    /** A hook that requires a valid token meeting `requirements` (validated now, not per request). */
    requireAuth(requirements?: RouteAuthConfig): AuthHook;
    /** The verifier this context uses, e.g. to `warm()` it in an `onReady` hook. */
    tokenward: { readonly verifier: AccessTokenVerifier };
  }
  interface FastifyContextConfig {
    /**
     * Route requirements (`{ scopes, scopeMatch, claims }`), enforced on this route even without
     * `global`; `false` opts the route out of a `global: true` plugin.
     */
    auth?: RouteAuthConfig | false;
  }
}

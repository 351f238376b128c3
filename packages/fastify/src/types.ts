import type { AccessTokenResult, AccessTokenVerifier, AuthRequirements } from '@tokenward/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

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

/** @deprecated Use `AuthRequirements`, the one requirements type of every tokenward package. */
export type RouteAuthConfig = AuthRequirements;

/** The hook of `fastify.requireAuth()` and `fastify.optionalAuth()` (for `onRequest`, `preValidation` or `preHandler`). */
export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token, or `null` on routes that did not authenticate. */
    auth: TokenwardAuth | null;
  }
  interface FastifyInstance {
    /** A hook that requires a valid token meeting `requirements` (validated now, not per request). */
    requireAuth(requirements?: AuthRequirements): AuthHook;
    /** Like `requireAuth`, but a request without credentials goes on with `request.auth` null. */
    optionalAuth(requirements?: AuthRequirements): AuthHook;
    /** The verifier this context uses, e.g. to `warm()` it in an `onReady` hook. */
    tokenward: { readonly verifier: AccessTokenVerifier };
  }
  interface FastifyContextConfig {
    /**
     * Route requirements (`{ scopes, scopeMatch, claims }`), enforced on this route even without
     * `global`; `'optional'` lets requests without credentials in, as `optionalAuth()` does;
     * `false` opts the route out of a `global: true` plugin.
     */
    auth?: AuthRequirements | 'optional' | false;
  }
}

import type { AccessTokenResult } from '@tokenward/core';

/**
 * Extra claims your authorization server puts in access tokens, merged into `c.get('auth').claims`
 * by declaration merging:
 *
 * @example
 * declare module '@tokenward/hono' {
 *   interface TokenwardClaims { tenant_id: string; groups?: string[] }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: an empty interface is the point users merge their claims into.
export interface TokenwardClaims {}

/** The verified access token `requireAuth` sets as `c.get('auth')`: core's frozen result with your claims merged in. */
export type TokenwardAuth = Omit<AccessTokenResult, 'claims'> & {
  readonly claims: AccessTokenResult['claims'] & TokenwardClaims;
};

/**
 * The variables `requireAuth` sets, for Hono's variable map: `new Hono<TokenwardEnv>()` types
 * `c.get('auth')` in every handler; a route given `requireAuth(...)` gets it without that.
 */
export interface TokenwardVariables {
  auth: TokenwardAuth;
}

/** The Hono `Env` of a protected app or route. */
export interface TokenwardEnv {
  Variables: TokenwardVariables;
}

/** `optionalAuth` leaves `auth` unset for an anonymous request. */
export interface OptionalAuthEnv {
  Variables: { auth: TokenwardAuth | undefined };
}

import type { AccessTokenResult } from '@tokenward/core';

/**
 * Extra claims your authorization server puts in access tokens, merged into `req.auth.claims`:
 * @example
 * declare module '@tokenward/express' {
 *   interface TokenwardClaims { tenant_id: string; groups?: string[] }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: an empty interface is the point users merge their claims into.
export interface TokenwardClaims {}

/** What a verified request carries in `req.auth`: core's result with your claims merged in. */
export type TokenwardAuth = Omit<AccessTokenResult, 'claims'> & {
  readonly claims: AccessTokenResult['claims'] & TokenwardClaims;
};

declare global {
  namespace Express {
    interface Request {
      /** The verified access token, set by `requireAuth`/`optionalAuth`; frozen. Unset for anonymous requests. */
      auth?: TokenwardAuth;
    }
  }
}

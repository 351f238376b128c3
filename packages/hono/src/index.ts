/**
 * `@tokenward/hono`: Hono middleware over core's request step. `requireAuth` verifies the bearer
 * token and sets `c.get('auth')`; `requireScopes` and `requireClaims` check a route's needs.
 */
export type { AccessTokenVerifier, AuthRequirements, ClaimRequirements, ErrorCode } from '@tokenward/core';
export { isTokenwardError, TokenwardError } from '@tokenward/core';
export type { ErrorMode } from './errors.js';
export { type HonoAuthOptions, optionalAuth, type RequireAuthOptions, requireAuth } from './require-auth.js';
export { type RequireScopesOptions, requireClaims, requireScopes } from './require-scopes.js';
export { resourceMetadata } from './resource-metadata.js';
export type {
  OptionalAuthEnv,
  TokenwardAuth,
  TokenwardClaims,
  TokenwardEnv,
  TokenwardVariables,
} from './types.js';

import './types.js';

export type {
  AccessTokenResult,
  AccessTokenVerifier,
  ClaimRequirements,
  ScopeMatch,
  TokenwardError,
} from '@tokenward/core';
export { type AuthErrorBody, authErrorHandler } from './error-handler.js';
export type { ExpressAuthOptions, RequireAuthOptions } from './options.js';
export { optionalAuth, requireAuth } from './require-auth.js';
export { type RequireScopesOptions, requireClaims, requireScopes } from './require-scopes.js';

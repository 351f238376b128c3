export type {
  AccessTokenResult,
  AccessTokenVerifier,
  AuthRequirements,
  ClaimRequirements,
  ErrorCode,
  ProtectedResourceMetadataOptions,
  ScopeMatch,
} from '@tokenward/core';
export { isTokenwardError, TokenwardError } from '@tokenward/core';
export { type AuthErrorBody, type AuthErrorHandlerOptions, authErrorHandler } from './error-handler.js';
export type { ExpressAuthOptions, RequireAuthOptions } from './require-auth.js';
export { optionalAuth, requireAuth } from './require-auth.js';
export { type RequireScopesOptions, requireClaims, requireScopes } from './require-scopes.js';
export { resourceMetadataHandler } from './resource-metadata.js';
export type { TokenwardAuth, TokenwardClaims } from './types.js';

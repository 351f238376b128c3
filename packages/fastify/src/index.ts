export type {
  AccessTokenResult,
  AccessTokenVerifier,
  AuthRequirements,
  ErrorResponseBody,
} from '@tokenward/core';
export { isTokenwardError, TokenwardError } from '@tokenward/core';
export type { AdapterOptions, TokenwardOptions } from './plugin.js';
export { default, default as tokenward } from './plugin.js';
export type { AuthHook, RouteAuthConfig, TokenwardAuth, TokenwardClaims } from './types.js';

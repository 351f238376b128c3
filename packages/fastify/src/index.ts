export type {
  AccessTokenResult,
  AccessTokenVerifier,
  AuthRequirements,
  ErrorResponseBody,
  ProtectedResourceMetadataOptions,
} from '@tokenward/core';
export { isTokenwardError, TokenwardError } from '@tokenward/core';
export type { AdapterOptions, TokenwardOptions } from './plugin.js';
export { default, default as tokenward } from './plugin.js';
export { type ResourceMetadataPluginOptions, resourceMetadataPlugin } from './resource-metadata.js';
export type { AuthHook, RouteAuthConfig, TokenwardAuth, TokenwardClaims } from './types.js';

export { isTokenwardError, TokenwardError } from '@tokenward/core';
export type { AdapterOptions, TokenwardOptions } from './options.js';
export { default, default as tokenward } from './plugin.js';
export type { AuthHook, RouteAuthConfig, TokenwardAuth, TokenwardClaims } from './types.js';

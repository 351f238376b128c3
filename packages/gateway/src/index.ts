/**
 * `@tokenward/gateway`: the external authorizer for NGINX `auth_request`, Caddy `forward_auth`,
 * Traefik `forwardAuth` and Envoy `ext_authz` (HTTP and gRPC), driven by a policy file.
 */
export {
  GATEWAY_EXIT,
  GATEWAY_USAGE,
  type GatewayCliOptions,
  type GatewayCliStreams,
  type GatewaySignals,
  processSignals,
  readyLine,
  runGatewayCli,
} from './cli.js';
export { GatewayStartError, type GatewayStartFailure } from './errors.js';
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  type Gateway,
  type GatewayOptions,
  type ReloadResult,
  startGateway,
} from './gateway.js';
export type { RefusalBody } from './lib/decision/answer.js';
export { PolicyError } from './lib/policy/issues.js';
export type { PolicyInput } from './lib/policy/load.js';
export type { IdentityHeaderNames } from './lib/policy/model.js';
export {
  caddyConfig,
  nginxConfig,
  type RecipeAddresses,
  type RecipeName,
  readRecipe,
  recipeFor,
} from './recipes.js';

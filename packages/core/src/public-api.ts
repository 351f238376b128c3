/**
 * Everything both entries export except `createAccessTokenVerifier`, which each entry builds
 * with its own runtime. Internals (`src/lib`) are never exported from here.
 */

export { type AdapterAuthSetup, setUpAdapterAuth, verifierChallenge } from './adapter-setup.js';
export {
  type AuthRequest,
  authenticateRequest,
  authenticateRequestNow,
  type CredentialScheme,
  type CredentialSource,
  type Credentials,
  checkAuthRequirements,
  type HeaderGetter,
  type HeaderRecord,
  type RequestAuthentication,
  type RouteChallenge,
} from './authenticate-request.js';
export { challengeAttributeText, isScopeToken } from './challenge-text.js';
export { checkClaims } from './claim-requirements.js';
export { DEFAULTS, LIMITS, type Range } from './defaults.js';
export { discoveryUrls } from './discovery-urls.js';
export type { DpopMode, DpopOptions, DpopRequest, DpopResult, DpopSettings } from './dpop.js';
export { errorLogLine } from './error-log.js';
export type {
  ChallengeChange,
  ChallengeSchemes,
  DpopProofCode,
  ErrorCode,
  ErrorResponseBody,
  InvalidTokenCode,
  OAuthErrorName,
  TokenwardErrorOptions,
  UpstreamCode,
} from './errors.js';
export {
  DEFAULT_REALM,
  DEFAULT_RETRY_AFTER_SECONDS,
  isTokenwardError,
  statusForCode,
  TokenwardError,
} from './errors.js';
export type { EventHandler, JwksFetchReason, TokenwardEvent } from './events.js';
export {
  type AuthenticatedHandler,
  type AuthenticateOptions,
  authenticate,
  errorResponse,
  type FetchAuthOptions,
  type OptionallyAuthenticatedHandler,
  resourceMetadataResponse,
  withAuth,
  withOptionalAuth,
} from './fetch.js';
export { authenticateFetchRequest, readFormBody } from './fetch-request.js';
export type {
  CreateIdTokenVerifier,
  IdTokenAddress,
  IdTokenClaims,
  IdTokenProfile,
  IdTokenResult,
  IdTokenVerifier,
  IdTokenVerifierOptions,
  VerifyIdTokenOptions,
} from './id-token-types.js';
export type {
  ClientAuthMethod,
  IntrospectionClient,
  IntrospectionMode,
  IntrospectionOptions,
  OrgServerIntrospection,
} from './introspection.js';
export { type ParsedIssuer, parseIssuer } from './issuer.js';
export { type IssuerKeySnapshot, KEY_SNAPSHOT_VERSION, type KeySetSnapshot } from './key-snapshot.js';
export { isLoopbackHost } from './loopback.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
export type {
  AccessTokenVerifierOptions,
  IntrospectionVerifierOptions,
  IssuerOptions,
  MultiIssuerOptions,
  SingleIssuerOptions,
  SingleResourceOptions,
  VerifierSettings,
} from './options.js';
export {
  canonicalResourceUri,
  type ProtectedResourceMetadata,
  type ProtectedResourceMetadataAnswer,
  type ProtectedResourceMetadataEndpoint,
  type ProtectedResourceMetadataOptions,
  type ProtectedResourceMetadataSource,
  protectedResourceMetadata,
  protectedResourceMetadataEndpoint,
  protectedResourceMetadataUrl,
} from './protected-resource.js';
export {
  type BearerRequest,
  type ExtractBearerOptions,
  extractBearerToken,
  isCorsPreflight,
  needsFormBody,
} from './request.js';
export {
  type AdapterAuthOptions,
  type AuthenticateRequestOptions,
  type SplitAuthOptions,
  splitAuthOptions,
  validateRequestOptions,
} from './request-options.js';
export { validateAuthRequirements } from './requirements.js';
export {
  checkRoute,
  type RouteCheckState,
  routeClaimRequirements,
  routeScopeRequirements,
} from './route-checks.js';
export type {
  JsonWebKeyLike,
  SignaturePrimitive,
  Transport,
  TransportFailure,
  TransportPostRequest,
  TransportRequest,
  TransportResponse,
  VerificationKey,
} from './runtime.js';
export { TransportError } from './runtime.js';
export { checkScopes } from './scopes.js';
export type { CacheStore, ReplayStore, SharedStore } from './store.js';
export {
  type DiscoveryTraceContext,
  type DpopReplayTraceContext,
  type IntrospectTraceContext,
  type JwksTraceContext,
  type StaleServedMessage,
  TRACING_CHANNELS,
  type TraceOutcome,
  type VerifyTraceContext,
} from './tracing.js';
export type {
  AccessTokenClaims,
  AccessTokenResult,
  AccessTokenVerifier,
  AuthorizationServerInfo,
  AuthRequirements,
  ClaimPrimitive,
  ClaimRequirement,
  ClaimRequirements,
  JwtHeader,
  ScopeMatch,
  ServerKind,
  VerifyAccessTokenOptions,
} from './types.js';

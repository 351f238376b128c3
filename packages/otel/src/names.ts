/**
 * The names this package gives spans, attributes and instruments, in one place so that
 * dashboards and tests read them from here. Attribute values never hold the token or its claims.
 */

/** Span names. */
export const SPANS = Object.freeze({
  verify: 'tokenward.verify',
  discovery: 'tokenward.discovery',
  jwks: 'tokenward.jwks.fetch',
  introspect: 'tokenward.introspect',
  dpopReplay: 'tokenward.dpop.replay_check',
});

/** Attribute keys. */
export const ATTRIBUTES = Object.freeze({
  /** `access_token` or `id_token`. */
  tokenKind: 'tokenward.token.kind',
  /** The configured issuer the token was routed to (absent when it failed before). */
  issuer: 'tokenward.issuer',
  /** The token header's `kid` and `alg`. */
  kid: 'tokenward.kid',
  alg: 'tokenward.alg',
  /** Whether the verified-result cache answered. */
  cacheHit: 'tokenward.cache_hit',
  /** `ok` or the `TokenwardError` code. */
  outcome: 'tokenward.outcome',
  /** Why a key set was fetched: `initial`, `expired`, `unknown_kid`, `warm`. */
  fetchReason: 'tokenward.jwks.reason',
  /** Usable keys in a fetched key set. */
  keys: 'tokenward.jwks.keys',
  /** The `jwks_uri` discovery found. */
  jwksUri: 'tokenward.jwks_uri',
  /** The key-set URL fetched (OpenTelemetry's own key for a request URL). */
  url: 'url.full',
  /** The origin of the introspection endpoint called (absent when the cache answered). */
  introspectionEndpoint: 'tokenward.introspection.endpoint_origin',
  /** The introspection answer's `active`. */
  active: 'tokenward.introspection.active',
  /** The DPoP replay store's kind: `memory`, `redis`, `custom`. */
  replayStore: 'tokenward.dpop.replay_store',
  /** A DPoP proof's replay check: `fresh`, `replayed`, `store-failed`. */
  replay: 'tokenward.dpop.replay',
});

/** Instrument names. */
export const METRICS = Object.freeze({
  /** Counter of verifications, by outcome, issuer, token kind and cache hit. */
  verifications: 'tokenward.verifications',
  /** Histogram of verification time in milliseconds, by outcome, token kind and cache hit. */
  verificationDuration: 'tokenward.verification.duration',
  /** Counter of key-set fetches, by issuer, reason and outcome. */
  jwksFetches: 'tokenward.jwks.fetches',
  /** Counter of discovery fetches, by issuer and outcome. */
  discoveryFetches: 'tokenward.discovery.fetches',
  /** Counter of verifications served by a stale key set while refreshing failed, by issuer. */
  jwksStaleServed: 'tokenward.jwks.stale_served',
  /** Counter of introspection verdicts, by issuer, cache hit, `active` and outcome. */
  introspections: 'tokenward.introspections',
  /** Histogram of the time to an introspection verdict in milliseconds, by the same. */
  introspectionDuration: 'tokenward.introspection.duration',
  /** Counter of DPoP replay checks, by store kind, result and outcome. */
  dpopReplayChecks: 'tokenward.dpop.replay_checks',
});

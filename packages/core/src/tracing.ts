/**
 * Tracing: tokenward publishes each verification, discovery fetch, key-set fetch, introspection
 * and DPoP replay check on a
 * `diagnostics_channel` TracingChannel (Node, Deno, Bun and Workers have the module; in a browser
 * there is nothing to subscribe to and nothing is published). Nothing is built or published
 * while a channel has no subscriber. The contexts carry what an operator needs (issuer, `kid`,
 * `alg`, outcome code, timings) and never the token, its claims, a DPoP proof or its `jti`, client secrets or the key material.
 *
 * The events follow the TracingChannel protocol: `start`, then `end` when the call returns; when
 * it returned a promise (its `outcome` is still `undefined` at `end`), `asyncStart` and
 * `asyncEnd` when it settles; `error` before those when it failed. `@tokenward/otel` turns them
 * into OpenTelemetry spans and metrics.
 *
 * @example
 * const { tracingChannel } = process.getBuiltinModule('node:diagnostics_channel');
 * tracingChannel(TRACING_CHANNELS.verify).subscribe({
 *   asyncEnd: (context) => console.log(context.issuer, context.outcome, context.durationMs),
 *   start() {}, end() {}, asyncStart() {}, error() {},
 * });
 */
import type { ErrorCode } from './errors.js';
import type { JwksFetchReason } from './events.js';

/** The channel names, for `diagnostics_channel.tracingChannel(name)` and `channel(name)`. */
export const TRACING_CHANNELS = Object.freeze({
  /** Every `verify`/`verifySync` of both verifiers: {@link VerifyTraceContext}. */
  verify: 'tokenward:verify',
  /** Every discovery fetch (all the well-known addresses tried): {@link DiscoveryTraceContext}. */
  discovery: 'tokenward:discovery',
  /** Every JWK Set fetch: {@link JwksTraceContext}. */
  jwks: 'tokenward:jwks',
  /** A plain channel: the last good key set served a known `kid` while refreshing fails: {@link StaleServedMessage}. */
  jwksStaleServed: 'tokenward:jwks:stale-served',
  /** Every introspection verdict a verification needed, from the cache or a call: {@link IntrospectTraceContext}. */
  introspect: 'tokenward:introspect',
  /** Every DPoP proof checked against the replay store (`markOnce`): {@link DpopReplayTraceContext}. */
  dpopReplay: 'tokenward:dpop-replay',
});

/**
 * `'ok'`, the code of the `TokenwardError` the operation failed with, or `'error'` for anything
 * else thrown; `undefined` until it finishes.
 */
export type TraceOutcome = 'ok' | ErrorCode | 'error' | undefined;

interface TimedContext {
  /** `performance.now()` when the operation started. */
  readonly startedAt: number;
  /** Milliseconds the operation took; set when it finishes. */
  readonly durationMs: number | undefined;
  readonly outcome: TraceOutcome;
  /** The error, on failure (the TracingChannel convention); its message never contains the token. */
  readonly error?: unknown;
}

export interface VerifyTraceContext extends TimedContext {
  readonly kind: 'access_token' | 'id_token';
  /** The configured issuer the token was routed to; `undefined` when it failed before that. */
  readonly issuer: string | undefined;
  /** The header's `kid` and `alg`, once the token decoded. */
  readonly kid: string | undefined;
  readonly alg: string | undefined;
  /** The answer came from the verified-result cache (no decoding, no signature check). */
  readonly cacheHit: boolean;
}

export interface DiscoveryTraceContext extends TimedContext {
  readonly issuer: string;
  /** The `jwks_uri` the metadata named, on success. */
  readonly jwksUri: string | undefined;
}

export interface JwksTraceContext extends TimedContext {
  readonly issuer: string;
  readonly url: string;
  readonly reason: JwksFetchReason;
  /** Usable keys in the fetched set, on success. */
  readonly keys: number | undefined;
}

export interface IntrospectTraceContext extends TimedContext {
  /** The server asked: a configured issuer, or the org server with `introspection.orgServer`. */
  readonly issuer: string;
  /** The origin of the introspection endpoint called; `undefined` when no call was made or discovery failed. */
  readonly endpointOrigin: string | undefined;
  /**
   * No call of this verification's own: the answer came from the cache, or from the call a
   * concurrent request with the same token was making.
   */
  readonly cacheHit: boolean;
  /** The server's `active`, on success (`false`: revoked, expired or unknown: the verification fails). */
  readonly active: boolean | undefined;
}

export interface DpopReplayTraceContext extends TimedContext {
  /** The replay store's `kind` (`'memory'`, `'redis'`), or `'custom'` for a store without one. */
  readonly store: string;
  /**
   * `'fresh'`: the proof's first use; `'replayed'`: used before (the verification fails);
   * `'store-failed'`: the store did not answer (503). `outcome` is `'ok'` whenever the store answered.
   */
  readonly replay: 'fresh' | 'replayed' | 'store-failed' | undefined;
}

export interface StaleServedMessage {
  readonly issuer: string;
  readonly url: string;
  readonly staleForSeconds: number;
}

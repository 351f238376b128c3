/**
 * Key-set snapshots: a verifier's discovery result and key sets as plain JSON, so that an
 * isolate that starts cold on every request (a Cloudflare Worker, an edge function) can keep them
 * in KV or the Cache API and start verifying without a fetch.
 */
import type { JsonWebKeyLike } from './runtime.js';

/** The version of the snapshot format `verifier.snapshot()` writes and the `snapshot` option reads. */
export const KEY_SNAPSHOT_VERSION = 1;

/**
 * What `verifier.snapshot()` returns: JSON-serialisable, public keys only. Pass it back (parsed)
 * as the `snapshot` option of `createAccessTokenVerifier`.
 */
export interface KeySetSnapshot {
  readonly version: typeof KEY_SNAPSHOT_VERSION;
  /** One entry per configured issuer whose key set is loaded. */
  readonly issuers: readonly IssuerKeySnapshot[];
}

/** One issuer's keys as they were fetched. */
export interface IssuerKeySnapshot {
  /** The configured issuer, exact string. */
  readonly issuer: string;
  /** Where the keys came from: the discovered or configured `jwks_uri`. */
  readonly jwksUri: string;
  /** When discovery found `jwksUri` (epoch ms); absent when `jwksUri` was configured. */
  readonly discoveredAt?: number;
  /** The discovered `introspection_endpoint`, when the metadata names one. */
  readonly introspectionEndpoint?: string;
  /** When the key set was fetched (epoch ms): freshness counts from here, not from the restore. */
  readonly fetchedAt: number;
  /** Seconds the key set is fresh from `fetchedAt` (its `Cache-Control: max-age` or `jwksCacheMaxAge`). */
  readonly maxAge: number;
  /** The usable public keys (`kty`, key members, `kid` and `alg` when published). */
  readonly keys: readonly JsonWebKeyLike[];
}

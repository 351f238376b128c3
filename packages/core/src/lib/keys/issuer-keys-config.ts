/**
 * What one issuer's key cache is given and what it offers: its configuration, the defaults
 * for that configuration, and the {@link IssuerKeys} contract the verification pipelines use.
 */
import { DEFAULTS } from '../../defaults.js';
import type { EventHandler } from '../../events.js';
import type { IssuerKeySnapshot } from '../../key-snapshot.js';
import type { SignaturePrimitive, Transport } from '../../runtime.js';
import type { Tracing } from '../tracing/channels.js';
import type { ResolvedKey } from './key-index.js';

/** {@link DEFAULTS} in the units {@link IssuerKeysConfig} uses. */
export const KEY_DEFAULTS = Object.freeze({
  httpTimeoutMs: DEFAULTS.httpTimeout * 1000,
  jwksCacheMaxAge: DEFAULTS.jwksCacheMaxAge,
  discoveryCacheMaxAge: DEFAULTS.discoveryCacheMaxAge,
  cooldown: DEFAULTS.jwksCooldown,
  staleIfError: DEFAULTS.staleIfError,
  maxJwksBytes: DEFAULTS.maxJwksBytes,
  maxJwksKeys: DEFAULTS.maxJwksKeys,
  maxDiscoveryBytes: DEFAULTS.maxDiscoveryBytes,
});

export interface IssuerKeysConfig {
  /** The configured issuer, exact string. */
  issuer: string;
  /** When given, discovery is skipped and keys are fetched from here. */
  jwksUri?: string;
  /** Origins (besides the issuer's) that a discovered `jwks_uri` may use. */
  allowedJwksOrigins: readonly string[];
  /** Plain http to hosts that are not loopback is allowed (and reported with `insecure_http`). */
  allowInsecureHttp?: boolean;
  transport: Transport;
  signatures: SignaturePrimitive;
  /** Allow-list; keys that cannot serve one of these are skipped. */
  algorithms: readonly string[];
  /** Milliseconds for a whole exchange. */
  httpTimeoutMs: number;
  /** Seconds; used when no `Cache-Control: max-age`, which is clamped to [60, 86400]. */
  jwksCacheMaxAge: number;
  /** Seconds between discovery refreshes; a failed refresh keeps the last good metadata. */
  discoveryCacheMaxAge: number;
  /** Seconds after an unknown-`kid` refetch during which no further unknown-`kid` refetch happens. */
  cooldown: number;
  /** Seconds past expiry the last good key set serves known `kid`s while refreshes fail. */
  staleIfError: number;
  maxJwksBytes: number;
  maxJwksKeys: number;
  maxDiscoveryBytes: number;
  /** Epoch milliseconds (test seam). */
  clock: () => number;
  onEvent?: EventHandler;
  /** Where discovery and key-set fetches are traced, if the runtime can. */
  tracing?: Tracing | undefined;
}

export interface IssuerKeys {
  /**
   * The key for a token's `kid` and `alg`. Rejects with `ERR_KEY_NOT_FOUND` (saying whether a
   * refetch happened or the cooldown held it back, and which kids exist), or with a 503 code
   * (`ERR_JWKS_FETCH_FAILED`, `ERR_JWKS_INVALID`, `ERR_DISCOVERY_FAILED`,
   * `ERR_DISCOVERY_ISSUER_MISMATCH`) when keys cannot be obtained.
   */
  getKey(kid: string | undefined, alg: string): Promise<ResolvedKey>;
  /** The key when the set is loaded, fresh, holds it and it is imported; otherwise `undefined`. */
  peekKey(kid: string | undefined, alg: string): ResolvedKey | undefined;
  /** Fetches discovery and the key set now unless a fresh set is loaded. Rejects like `getKey`. */
  warm(): Promise<void>;
  /** The loaded key set (and discovery result) as a snapshot entry; `undefined` before the first load. */
  snapshot(): IssuerKeySnapshot | undefined;
  /**
   * Installs a snapshot entry, checked like a fetched key set, with its original fetch time.
   * Returns what was installed, or why the entry cannot be used (then nothing changed).
   */
  restore(entry: unknown): { readonly keys: number; readonly ageSeconds: number } | string;
  /** Increments whenever a key set with different content is installed. */
  readonly generation: number;
  /** Epoch ms at which the current key set stops being fresh; `undefined` before the first load. */
  readonly freshUntil: number | undefined;
}

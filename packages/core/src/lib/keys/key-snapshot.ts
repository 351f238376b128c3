/**
 * Reading and writing one issuer's part of a key-set snapshot. A snapshot is checked like a
 * fetched key set (the same key checks, the same allowed algorithms and key count) and keeps its
 * original fetch time, so freshness and stale-if-error count from the fetch, not from the restore.
 * A snapshot that cannot be used is never fatal: the verifier fetches, as if it had none.
 */
import { LIMITS } from '../../defaults.js';
import { type EventHandler, emit } from '../../events.js';
import { type IssuerKeySnapshot, KEY_SNAPSHOT_VERSION } from '../../key-snapshot.js';
import type { JsonWebKeyLike } from '../../runtime.js';
import type { DiscoveredMetadata } from './discovery.js';
import type { IssuerKeys, IssuerKeysConfig } from './issuer-keys-config.js';
import { KeyIndex } from './key-index.js';
import { parseKeySet, type UsableKey } from './key-set.js';

/** One issuer's snapshot entry, read and checked; `jwksUri` is checked by the caller (discovery rules). */
export interface RestoredKeys {
  readonly index: KeyIndex;
  readonly jwksUri: string;
  readonly discoveredAt: number | undefined;
  readonly introspectionEndpoint: string | undefined;
  readonly fetchedAt: number;
  readonly lifetimeSeconds: number;
}

/** The public members of a usable key as a JWK, with its `kid` and declared `alg`. */
export function publishedKey(key: UsableKey): JsonWebKeyLike {
  return {
    ...key.jwk,
    ...(key.kid === undefined ? {} : { kid: key.kid }),
    ...(key.alg === undefined ? {} : { alg: key.alg }),
  };
}

/** The discovery part of an entry: when the metadata was fetched, and its introspection endpoint if any. */
export function discoveredFields(discovered: {
  readonly metadata: DiscoveredMetadata;
  readonly fetchedAt: number;
}): Pick<IssuerKeySnapshot, 'discoveredAt' | 'introspectionEndpoint'> {
  const { introspectionEndpoint } = discovered.metadata;
  return {
    discoveredAt: discovered.fetchedAt,
    ...(introspectionEndpoint === undefined ? {} : { introspectionEndpoint }),
  };
}

/** Reads one issuer's entry, or says why it cannot be used. */
export function readIssuerSnapshot(config: IssuerKeysConfig, entry: unknown): RestoredKeys | string {
  if (!isRecord(entry)) return 'is not an object';
  const { jwksUri, discoveredAt, introspectionEndpoint, fetchedAt, maxAge, keys } = entry;
  const now = config.clock();
  if (typeof jwksUri !== 'string') return 'has no "jwksUri" string';
  if (!isPastTime(fetchedAt, now)) return '"fetchedAt" is not a past time in epoch milliseconds';
  if (discoveredAt !== undefined && !isPastTime(discoveredAt, now)) {
    return '"discoveredAt" is not a past time in epoch milliseconds';
  }
  // Checked where it is used, as a discovered one is (the introspection client).
  if (introspectionEndpoint !== undefined && typeof introspectionEndpoint !== 'string') {
    return '"introspectionEndpoint" is not a string';
  }
  const { max } = LIMITS.keySetLifetime;
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 0 || maxAge > max) {
    return `"maxAge" is not a number of seconds from 0 to ${max}`;
  }
  const ageSeconds = Math.floor((now - fetchedAt) / 1000);
  if (ageSeconds >= maxAge + config.staleIfError) {
    return (
      `was fetched ${ageSeconds} s ago, past its lifetime of ${maxAge} s and the stale-if-error ` +
      `window of ${config.staleIfError} s`
    );
  }
  const parsed = parseKeySet({ keys }, config.algorithms, config.maxJwksKeys);
  if (!parsed.ok) return `key set ${parsed.problem}`;
  const { usable, skipped } = parsed.selection;
  if (usable.length === 0) return `key set holds no key usable with ${config.algorithms.join(', ')}`;
  return {
    index: new KeyIndex(usable, skipped, config.signatures),
    jwksUri,
    discoveredAt,
    introspectionEndpoint,
    fetchedAt,
    lifetimeSeconds: maxAge,
  };
}

/**
 * Hands each configured issuer its entry of `snapshot` (version and issuer list checked first),
 * reporting what was restored and what could not be used.
 */
export function restoreSnapshot(
  snapshot: Record<string, unknown>,
  targets: readonly { readonly issuer: string; readonly keys: IssuerKeys }[],
  onEvent: EventHandler | undefined,
): void {
  const rejected = (issuer: string | undefined, reason: string) =>
    emit(onEvent, { type: 'snapshot_rejected', issuer, reason });
  const { version, issuers } = snapshot;
  if (version !== KEY_SNAPSHOT_VERSION) {
    const found = JSON.stringify(version) ?? 'none';
    rejected(
      undefined,
      `snapshot has version ${found}; this tokenward reads version ${KEY_SNAPSHOT_VERSION}`,
    );
    return;
  }
  if (!Array.isArray(issuers)) {
    rejected(undefined, 'snapshot has no "issuers" list');
    return;
  }
  for (const { issuer, keys } of targets) {
    const entries = issuers.filter((entry) => isRecord(entry) && entry.issuer === issuer);
    // An issuer the snapshot does not hold is fetched as usual; one it holds twice is suspect.
    if (entries.length === 0) continue;
    const restored =
      entries.length > 1 ? 'snapshot lists the issuer more than once' : keys.restore(entries[0]);
    if (typeof restored === 'string') rejected(issuer, restored);
    else emit(onEvent, { type: 'snapshot_restored', issuer, ...restored });
  }
}

function isPastTime(value: unknown, now: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= now;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

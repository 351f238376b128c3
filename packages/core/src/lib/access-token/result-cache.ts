/**
 * Cache of verified tokens, keyed by the exact token string. A hit stands for a token whose
 * shape, issuer, signature and static claims were already checked; times and per-call
 * requirements are still checked by the caller on every use.
 *
 * An entry lives no longer than the token (`exp` plus tolerance), is used only while the issuer's
 * key set is fresh, and is dropped as soon as that key set changes (`generation`), so a key
 * removed from the JWKS stops vouching for the tokens it signed.
 * Expiry uses the verifier's injected clock; lru-cache only bounds the number of entries.
 *
 * Entries are found by the token's fingerprint, then the token itself is compared: a verifier sees
 * each token as a fresh string, and hashing all of it for a map costs more than the comparison.
 * A presence filter in front answers most misses without the map (presence-filter.ts).
 *
 * The cache keeps its own copy of each result, made here and nowhere else. V8 tracks where object
 * literals are allocated and, once most objects from one place outlive young collections, allocates
 * every later object from that place in the old generation ("allocation-site pretenuring"). Kept
 * as offered, the results of the tokens that fill the cache would mark the verification path's
 * literals long-lived for good, and each one-shot token after them would cost a major collection's
 * share: measured, 2 to 3 µs per token, more than the rest of the path outside the signature.
 */
import { LRUCache } from 'lru-cache';
import { createAdmissionFilter, tokenFingerprint } from './admission.js';
import { createPresenceFilter } from './presence-filter.js';

/** The part of an issuer's key source the cache watches. */
export interface KeyGeneration {
  readonly generation: number;
  /** Epoch ms at which the current key set stops being fresh. */
  readonly freshUntil: number | undefined;
}

export interface CachedVerification<Result> {
  readonly result: Result;
  readonly keys: KeyGeneration;
  /** `keys.generation` when the token was verified. */
  readonly generation: number;
  /** Epoch ms after which the entry must not be used. */
  readonly validUntil: number;
}

export interface ResultCache<Result> {
  get(token: string, now: number): CachedVerification<Result> | undefined;
  /**
   * Keeps `entry` while the cache has room; once it is full, only for a token verified before,
   * which then displaces the least recently used entry. A stream of tokens each seen once (a
   * cache that cannot hold them all) so costs no insert and no eviction per token.
   */
  offer(token: string, entry: CachedVerification<Result>): void;
  /**
   * Whether an entry for exactly `token` is held, however stale: a token that verified once is
   * known to be well formed (the request step's syntax check is then already answered).
   */
  holds(token: string): boolean;
}

/** An entry and the exact token it is for (fingerprints may collide). */
interface Stored<Result> extends CachedVerification<Result> {
  readonly token: string;
}

/** `copy` answers a result equal to the one it is given, built from allocations of its own. */
export function createResultCache<Result extends object>(
  max: number,
  copy: (result: Result) => Result,
): ResultCache<Result> {
  const present = createPresenceFilter(max);
  // lru-cache calls `dispose` once for every entry it stops holding: evicted, deleted or replaced.
  const entries = new LRUCache<number, Stored<Result>>({
    max,
    dispose: (_stored, fingerprint) => present.remove(fingerprint),
  });
  const seen = createAdmissionFilter(max);
  return {
    get(token, now) {
      const fingerprint = tokenFingerprint(token);
      if (!present.mayHold(fingerprint)) return undefined;
      const stored = entries.get(fingerprint);
      if (stored === undefined || stored.token !== token) return undefined;
      const { keys } = stored;
      const keysFresh = keys.freshUntil !== undefined && now < keys.freshUntil;
      if (stored.validUntil <= now || stored.generation !== keys.generation || !keysFresh) {
        entries.delete(fingerprint);
        return undefined;
      }
      return stored;
    },
    offer(token, entry) {
      const fingerprint = tokenFingerprint(token);
      const seenBefore = seen.admit(fingerprint);
      if (seenBefore || entries.size < max) {
        const { result, keys, generation, validUntil } = entry;
        present.add(fingerprint);
        entries.set(fingerprint, { token, result: copy(result), keys, generation, validUntil });
      }
    },
    holds(token) {
      // `peek`: asking must not make an entry more recently used than its last use.
      const fingerprint = tokenFingerprint(token);
      return present.mayHold(fingerprint) && entries.peek(fingerprint)?.token === token;
    },
  };
}

/**
 * Stores tokenward keeps short-lived state in: a replay store that answers "first time?" for DPoP
 * proofs, and a cache store for answers worth reusing (introspection). `createMemoryStore` serves
 * one process; `@tokenward/redis` implements the same interfaces for many.
 */

/**
 * Remembers keys for a while and says whether a key is new, atomically: of any number of
 * concurrent `markOnce` calls with one key, across every process sharing the store, exactly one
 * resolves `true` until the key expires.
 */
export interface ReplayStore {
  /** A short name of the implementation, shown in traces: `'memory'`, `'redis'`. Default `'custom'`. */
  readonly kind?: string;
  /**
   * Records `key` for `ttlMs` milliseconds (a positive integer) unless it is already recorded.
   * Resolves `true` when this call recorded it, `false` when it was already there. Rejects when
   * the store cannot answer; callers then refuse the request (fail closed), never accept it.
   */
  markOnce(key: string, ttlMs: number): Promise<boolean>;
}

/** A string cache with per-entry expiry, shared by whoever shares the store. */
export interface CacheStore {
  /** The value stored under `key`, or `undefined` when there is none or it expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs` milliseconds (a positive integer), replacing any value. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/**
 * Both interfaces in one store. Use distinct keys for `markOnce` and for `get`/`set` (tokenward
 * prefixes its own by purpose); what one sees of the other's keys is not specified.
 */
export interface SharedStore extends ReplayStore, CacheStore {}

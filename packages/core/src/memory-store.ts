/**
 * `createMemoryStore`: the default store, in this process's memory.
 */

import { DEFAULTS, LIMITS } from './defaults.js';
import {
  callable,
  configError,
  found,
  integer,
  isPlainObject,
  rejectUnknownNames,
} from './lib/options/option-checks.js';
import { createLruMemoryStore } from './lib/stores/memory-store.js';
import type { SharedStore } from './store.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most entries kept, for `markOnce` and for the cache each. Range 1–1000000. Default `100000`.
   * Cache entries beyond it are dropped least recently used first. `markOnce` never forgets an
   * unexpired key to make room (that would let a replay through): when every slot holds one, it
   * rejects, and DPoP answers 503 until keys expire.
   */
  readonly max?: number;
  /** Current time in epoch milliseconds, for tests. Default `Date.now`. */
  readonly clock?: () => number;
}

/**
 * A store in this process's memory. It is correct for one process only: behind a load balancer,
 * or with several workers, each instance would accept a proof another one already accepted, so
 * give every instance one shared store instead (`createRedisStore` from `@tokenward/redis`).
 *
 * @example
 * const replayStore = createMemoryStore({ max: 50_000 });
 * createAccessTokenVerifier({ issuer, audience, dpop: { mode: 'required', origins, replayStore } });
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SharedStore {
  if (!isPlainObject(options))
    throw configError(`memory store options must be an object; found ${found(options)}`);
  rejectUnknownNames(options, new Set(['max', 'clock']), '');
  const max =
    options.max === undefined ? DEFAULTS.memoryStoreMax : integer(options.max, 'max', LIMITS.memoryStoreMax);
  const clock = options.clock === undefined ? Date.now : callable<() => number>(options.clock, 'clock');
  return createLruMemoryStore({ max, clock });
}

/**
 * Checks of what callers hand a store. Core always passes well-formed arguments; these catch a
 * caller that does not, before a wrong TTL silently keeps a key forever or never.
 */

/** Longest key accepted, in UTF-16 units: tokenward's own keys are prefix + two digests. */
export const MAX_STORE_KEY_LENGTH = 1024;

export function checkStoreKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '' || key.length > MAX_STORE_KEY_LENGTH) {
    throw new TypeError(`store keys are non-empty strings of at most ${MAX_STORE_KEY_LENGTH} characters`);
  }
}

export function checkTtl(ttlMs: unknown): asserts ttlMs is number {
  if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`store TTLs are positive integers of milliseconds; found ${String(ttlMs)}`);
  }
}

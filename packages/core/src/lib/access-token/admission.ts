/**
 * A "seen before?" filter for the result cache, after TinyLFU's doorkeeper (Einziger, Friedman
 * and Manes, "TinyLFU: A Highly Efficient Cache Admission Policy", 2017): once the cache is full,
 * a verified token displaces another only when it was verified before, so one-shot tokens cost
 * one array write each instead of an LRU insert and the eviction of a token that may be reused.
 *
 * Direct-mapped: each slot remembers the fingerprint of the last token that landed there. A token
 * whose slot another took meanwhile is verified once more before it is admitted; a fingerprint
 * collision only admits a token early. Neither changes an answer: the cache is keyed by the exact
 * token string, and only tokens that verified reach the filter.
 */

/** Fewest and most slots: 4 KiB to 4 MiB of fingerprints. */
const MIN_SLOTS = 1024;
const MAX_SLOTS = 1 << 20;
/** Characters of the token's end that are hashed: the tail of the signature, unpredictable without the key. */
const HASHED_TAIL = 24;

export interface AdmissionFilter {
  /** Records a token by its {@link tokenFingerprint}; true when it was recorded before (and not forgotten since). */
  admit(fingerprint: number): boolean;
}

/** A filter with at least `expected` slots (a power of two), for a cache of that many entries. */
export function createAdmissionFilter(expected: number): AdmissionFilter {
  let slots = MIN_SLOTS;
  while (slots < expected && slots < MAX_SLOTS) slots *= 2;
  const fingerprints = new Int32Array(slots);
  const mask = slots - 1;
  return {
    admit(fingerprint) {
      const slot = fingerprint & mask;
      if (fingerprints[slot] === fingerprint) return true;
      fingerprints[slot] = fingerprint;
      return false;
    },
  };
}

/**
 * A token's fingerprint: FNV-1a (32-bit) over the length and the last {@link HASHED_TAIL}
 * characters, then MurmurHash3's finaliser so that the low bits, which pick a slot, depend on
 * every character; never 0, the empty slot. Tokens with one fingerprint are told apart by
 * comparing them: the fingerprint only saves hashing all of a fresh token string, which a map
 * keyed by the token does on every lookup (about a nanosecond and a half per character in V8).
 */
export function tokenFingerprint(token: string): number {
  let hash = Math.imul(0x811c9dc5 ^ token.length, 0x01000193);
  for (let index = Math.max(0, token.length - HASHED_TAIL); index < token.length; index += 1) {
    hash = Math.imul(hash ^ token.charCodeAt(index), 0x01000193);
  }
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash === 0 ? 1 : hash;
}

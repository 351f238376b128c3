/**
 * Decoded headers remembered by their segment. Every token signed with one key of one issuer
 * carries the same header segment, so decoding, parsing and checking it once serves them all.
 * The key is the exact segment string and the value was computed from it alone, so a hit is
 * exactly what decoding that segment would have produced, whichever verifier asks.
 */
import type { JwtHeader } from '../../types.js';

/** Segments remembered at once; a gateway sees a few keys, an attacker's variety only evicts. */
export const HEADER_MEMO_ENTRIES = 32;
/** Longer segments are decoded every time, so the memo holds at most 32 KiB of keys. */
export const HEADER_MEMO_MAX_SEGMENT = 1024;

export interface HeaderMemo {
  get(segment: string): JwtHeader | undefined;
  /**
   * `header` must be frozen and have passed every check that does not depend on the verifier
   * (members, `crit`, JWE-only members): a later hit is trusted as decoded and checked.
   */
  remember(segment: string, header: JwtHeader): void;
}

export function createHeaderMemo(
  maxEntries = HEADER_MEMO_ENTRIES,
  maxSegment = HEADER_MEMO_MAX_SEGMENT,
): HeaderMemo {
  const headers = new Map<string, JwtHeader>();
  return {
    get: (segment) => headers.get(segment),
    remember(segment, header) {
      if (segment.length > maxSegment || headers.has(segment)) return;
      // Insertion order is age: the oldest entry goes first.
      if (headers.size >= maxEntries) headers.delete(headers.keys().next().value as string);
      headers.set(segment, header);
    },
  };
}

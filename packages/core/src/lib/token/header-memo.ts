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
  /** The header remembered for `token`'s first `length` characters (its header segment). */
  get(token: string, length: number): JwtHeader | undefined;
  /**
   * `header` must be frozen and have passed every check that does not depend on the verifier
   * (members, `crit`, JWE-only members): a later hit is trusted as decoded and checked.
   */
  remember(segment: string, header: JwtHeader): void;
}

interface Remembered {
  readonly segment: string;
  readonly header: JwtHeader;
}

export function createHeaderMemo(
  maxEntries = HEADER_MEMO_ENTRIES,
  maxSegment = HEADER_MEMO_MAX_SEGMENT,
): HeaderMemo {
  const headers = new Map<string, JwtHeader>();
  // The last segment answered: most traffic is signed by one key at a time, and comparing the
  // token's start with it costs no slice and no hash of a fresh string, as a map lookup does.
  let recent: Remembered | undefined;
  return {
    get(token, length) {
      if (
        recent !== undefined &&
        recent.segment.length === length &&
        token.lastIndexOf(recent.segment, 0) === 0
      ) {
        return recent.header;
      }
      const segment = token.slice(0, length);
      const header = headers.get(segment);
      if (header !== undefined) recent = { segment, header };
      return header;
    },
    remember(segment, header) {
      if (segment.length > maxSegment || headers.has(segment)) return;
      // Insertion order is age: the oldest entry goes first.
      if (headers.size >= maxEntries) {
        const oldest = headers.keys().next().value as string;
        headers.delete(oldest);
        if (recent?.segment === oldest) recent = undefined;
      }
      headers.set(segment, header);
      recent = { segment, header };
    },
  };
}

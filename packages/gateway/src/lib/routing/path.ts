/**
 * The path a policy rule is matched against. A gateway and its upstream must agree on which
 * resource a request names, or a rule written for one path can be borrowed by another. The
 * gateway only sees the target as sent, and upstreams read it differently: NGINX and Go resolve
 * `..`, Express and Node routers do not; Tomcat and Spring drop `;parameters`, others keep them;
 * some servers decode `%2F` into a separator. So the target is percent-decoded once and whatever
 * servers disagree about is refused rather than guessed at. The readings that remain (letters as
 * sent or case-folded, `%61` decoded or not) are compared by the rule lookup (see readings.ts).
 */
import { hasControlCharacter } from './characters.js';

/** A request path ready for matching, or the reason it was refused. */
export type NormalizedPath =
  | {
      readonly ok: true;
      /** The decoded path, for messages. */
      readonly path: string;
      /** Each segment percent-decoded once. */
      readonly segments: readonly string[];
      /** Each segment with the encodings of unreserved characters (`%61`) left as sent. */
      readonly asSent: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

/** Longest request target read; longer ones are refused before any work. */
export const MAX_TARGET_LENGTH = 8192;

// RFC 3986 §3.3 pchar plus "/" and the "?" delimiter, as they may appear in a target on the wire:
// anything else (spaces, control characters, backslashes, raw non-ASCII) is not a valid target. A raw
// "#" is refused on its own (see normalizePath).
const TARGET_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%?[\]]*$/;
// RFC 3986 §2.3: unreserved characters never need encoding, so an encoded one is a second spelling.
const ENCODED_UNRESERVED = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DEde]|5[Ff]|7[Ee])/g;

/**
 * Normalises an origin-form request target (`/path?query`, RFC 9112 §3.2.1): the query is dropped
 * and segments are percent-decoded once.
 *
 * Refused: targets not starting with `/` (absolute-form and `*` included), longer than
 * {@link MAX_TARGET_LENGTH}, with a raw `#`, with characters a target cannot hold, with `;` (path
 * parameters), with invalid percent-encoding (overlong UTF-8 included), with an encoded `/`, `\` or
 * control character inside a segment, with a `%` left after decoding (double encoding), with `.` or
 * `..` segments written plainly or encoded (resolved by some servers and routed literally by
 * others), and with empty segments (`//`, merged by some servers and not others).
 */
export function normalizePath(target: string): NormalizedPath {
  if (target.length > MAX_TARGET_LENGTH) return refused(`it is longer than ${MAX_TARGET_LENGTH} characters`);
  if (!target.startsWith('/')) return refused('it does not start with "/"');
  // A fragment is never part of a target (RFC 9112 §3.2.1): NGINX and Node's routers cut the path at
  // "#", while Go keeps it in the path, where http.FileServer resolves "/page#/../../admin" to /admin.
  if (target.includes('#'))
    return refused('it holds a raw "#", which some servers cut the path at and others keep');
  const query = target.indexOf('?');
  const rawPath = query === -1 ? target : target.slice(0, query);
  if (!TARGET_CHARACTERS.test(target)) {
    return refused('it holds characters a request target cannot (space, backslash, control, non-ASCII)');
  }
  if (rawPath.includes(';')) {
    return refused('it holds ";" path parameters, which some servers drop before routing and others keep');
  }
  const rawSegments = rawPath.slice(1).split('/');
  const segments: string[] = [];
  for (let index = 0; index < rawSegments.length; index += 1) {
    const raw = rawSegments[index]!;
    if (raw === '' && index !== rawSegments.length - 1) return refused('it has an empty segment ("//")');
    const decoded = decodeSegment(raw);
    if (decoded === undefined) return refused('it has invalid percent-encoding');
    const problem = segmentProblem(decoded);
    if (problem !== undefined) return refused(problem);
    segments.push(decoded);
  }
  return { ok: true, path: `/${segments.join('/')}`, segments, asSent: keepUnreservedEncoded(rawSegments) };
}

function segmentProblem(decoded: string): string | undefined {
  if (decoded.includes('/')) return 'a segment holds an encoded "/"';
  if (decoded.includes('\\')) return 'a segment holds an encoded "\\"';
  if (hasControlCharacter(decoded)) return 'a segment holds an encoded control character';
  if (decoded.includes('%')) return 'it is percent-encoded twice';
  if (decoded === '.' || decoded === '..') {
    return 'it has a "." or ".." segment, which some servers resolve and others route as written';
  }
  return undefined;
}

/** Each segment decoded except for the encodings of unreserved characters, kept as sent. */
function keepUnreservedEncoded(rawSegments: readonly string[]): string[] {
  return rawSegments.map((raw) => {
    let kept = '';
    let from = 0;
    for (const match of raw.matchAll(ENCODED_UNRESERVED)) {
      kept += decodeSegment(raw.slice(from, match.index)) ?? '';
      kept += match[0].toUpperCase();
      from = match.index! + match[0].length;
    }
    return kept + (decodeSegment(raw.slice(from)) ?? '');
  });
}

function decodeSegment(raw: string): string | undefined {
  try {
    return raw.includes('%') ? decodeURIComponent(raw) : raw;
  } catch {
    return undefined;
  }
}

function refused(reason: string): NormalizedPath {
  return { ok: false, reason };
}

/**
 * The path a policy rule is matched against. A gateway and its upstream must agree on which
 * resource a request names, or a rule written for one path can be borrowed by another
 * (`/orders/../admin` matched against `/orders/**`). So the request target is read the way an
 * upstream reads it, once: query dropped, each segment percent-decoded, dot segments removed
 * (RFC 3986 §5.2.4). Anything servers disagree about is refused rather than guessed at.
 */
import { hasControlCharacter } from './characters.js';

/** A request path ready for matching, or the reason it was refused. */
export type NormalizedPath =
  | { readonly ok: true; readonly path: string; readonly segments: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** Longest request target read; longer ones are refused before any work. */
export const MAX_TARGET_LENGTH = 8192;

// RFC 3986 §3.3 pchar plus "/" and the "?" and "#" delimiters, as they may appear in a target on the
// wire: anything else (spaces, control characters, backslashes, raw non-ASCII) is not a valid target.
const TARGET_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%?#[\]]*$/;

/**
 * Normalises an origin-form request target (`/path?query`, RFC 9112 §3.2.1): the query and
 * fragment are dropped, segments are percent-decoded once and dot segments removed.
 *
 * Refused: targets not starting with `/`, invalid characters or percent-encoding, an encoded `/`
 * or `\` or control character inside a segment (servers disagree on whether it splits the path),
 * a `%` left after decoding (double encoding, which a second decoder would read differently),
 * `.`/`..` carrying `;parameters` (some servers strip those before resolving), empty segments
 * (`//`, merged by some servers and not others) and `..` climbing above the root.
 */
export function normalizePath(target: string): NormalizedPath {
  if (target.length > MAX_TARGET_LENGTH) return refused(`it is longer than ${MAX_TARGET_LENGTH} characters`);
  if (!target.startsWith('/')) return refused('it does not start with "/"');
  if (!TARGET_CHARACTERS.test(target)) {
    return refused('it holds characters a request target cannot (space, backslash, control, non-ASCII)');
  }
  const end = firstIndexOf(target, '?', '#');
  const rawSegments = target.slice(1, end).split('/');
  const segments: string[] = [];
  for (let index = 0; index < rawSegments.length; index += 1) {
    const raw = rawSegments[index]!;
    const last = index === rawSegments.length - 1;
    if (raw === '' && !last) return refused('it has an empty segment ("//")');
    const decoded = decodeSegment(raw);
    if (typeof decoded !== 'string') return decoded;
    if (decoded === '.' || decoded === '..') {
      if (decoded === '..' && segments.pop() === undefined) return refused('".." climbs above the root');
      // "/a/b/.." names the directory "/a/", so a trailing dot segment leaves a trailing slash.
      if (last) segments.push('');
      continue;
    }
    segments.push(decoded);
  }
  return { ok: true, path: `/${segments.join('/')}`, segments };
}

function decodeSegment(raw: string): string | NormalizedPath {
  let decoded: string;
  try {
    decoded = raw.includes('%') ? decodeURIComponent(raw) : raw;
  } catch {
    return refused('it has invalid percent-encoding');
  }
  if (decoded.includes('/')) return refused('a segment holds an encoded "/"');
  if (decoded.includes('\\')) return refused('a segment holds an encoded "\\"');
  if (hasControlCharacter(decoded)) return refused('a segment holds an encoded control character');
  if (decoded.includes('%')) return refused('it is percent-encoded twice');
  const beforeParameters = decoded.split(';', 1)[0];
  if (decoded.includes(';') && (beforeParameters === '.' || beforeParameters === '..')) {
    return refused('a dot segment carries ";" parameters');
  }
  return decoded;
}

function firstIndexOf(text: string, ...characters: string[]): number {
  let end = text.length;
  for (const character of characters) {
    const at = text.indexOf(character);
    if (at !== -1 && at < end) end = at;
  }
  return end;
}

function refused(reason: string): NormalizedPath {
  return { ok: false, reason };
}

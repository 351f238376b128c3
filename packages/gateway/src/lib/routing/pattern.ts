/**
 * Path patterns of policy rules: `/orders/*` (`*` is exactly one segment) and `/orders/**` (`**`
 * is any number of segments, none included). Other segments are literal and compared with the
 * decoded segments of the normalised request path. A trailing slash never changes the match, on
 * either side: Express, Fastify (ignoreTrailingSlash) and many routers serve `/admin/` from
 * `/admin`'s handler, so `/admin/` must not fall through to a later, more open rule.
 */
import { hasControlCharacter } from './characters.js';

/** A compiled path pattern. */
export interface PathPattern {
  /** The pattern as written in the policy. */
  readonly source: string;
  readonly segments: readonly string[];
}

/**
 * Checks and compiles a pattern; returns the problem as a sentence when it cannot be one.
 * Patterns are written decoded (`/files/a b`), start with `/`, hold no query, no empty or dot
 * segments, and use `*` only as a whole segment.
 */
export function compilePathPattern(source: string): PathPattern | string {
  if (!source.startsWith('/')) return 'must start with "/"';
  if (/[?#]/.test(source)) return 'must not hold a query or fragment (the query is never matched)';
  if (hasControlCharacter(source) || source.includes('\\')) return 'must not hold control characters or "\\"';
  const segments = source.slice(1).split('/');
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index]!;
    if (segment === '' && index !== segments.length - 1) return 'must not hold an empty segment ("//")';
    if (segment === '.' || segment === '..') return 'must not hold "." or ".." segments';
    if (segment.includes('*') && segment !== '*' && segment !== '**') {
      return `"*" and "**" must be whole segments; found "${segment}"`;
    }
  }
  return { source, segments: withoutTrailingSlash(segments) };
}

/**
 * True when the decoded, normalised path segments match the pattern; with `ignoreCase`, literal
 * segments are compared without regard to letter case.
 */
export function matchesPath(pattern: PathPattern, segments: readonly string[], ignoreCase = false): boolean {
  const path = withoutTrailingSlash(segments);
  return matchFrom(pattern.segments, 0, ignoreCase ? path.map(foldCase) : path, 0, ignoreCase);
}

/** The segments without the empty last one a trailing slash leaves (`/a/` → `a`, `/` → none). */
function withoutTrailingSlash(segments: readonly string[]): readonly string[] {
  return segments.at(-1) === '' ? segments.slice(0, -1) : segments;
}

function foldCase(segment: string): string {
  return segment.toLowerCase();
}

function matchFrom(
  pattern: readonly string[],
  patternIndex: number,
  path: readonly string[],
  pathIndex: number,
  ignoreCase: boolean,
): boolean {
  if (patternIndex === pattern.length) return pathIndex === path.length;
  const segment = pattern[patternIndex]!;
  if (segment === '**') {
    // Zero segments, or one more and try again: patterns are short, so the recursion stays shallow.
    for (let next = pathIndex; next <= path.length; next += 1) {
      if (matchFrom(pattern, patternIndex + 1, path, next, ignoreCase)) return true;
    }
    return false;
  }
  if (pathIndex === path.length) return false;
  const actual = path[pathIndex]!;
  const expected = ignoreCase ? foldCase(segment) : segment;
  if (segment === '*' ? actual === '' : actual !== expected) return false;
  return matchFrom(pattern, patternIndex + 1, path, pathIndex + 1, ignoreCase);
}

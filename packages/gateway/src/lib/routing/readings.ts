/**
 * The rule for a request, as each kind of upstream may read it. Servers disagree on details the
 * gateway cannot settle: Express and ASP.NET route `/ADMIN` to `/admin`'s handler while NGINX and
 * Go do not; Express routes the target as sent (`/%61dmin` is not `/admin`) while Go and Spring
 * decode it first (RFC 3986 §6.2.2.2 calls the two equal); Werkzeug upper-cases a `get` method;
 * frameworks with a method override run the request as the method it names; Rails and Spring
 * route `/admin.json` to `/admin`'s handler, Express and Go do not.
 * The request is looked up under every reading; when they land on different rules, no answer is
 * safe for every upstream, and the request is refused.
 */
import { findRule, type Matchable } from './match.js';

/** The rule every reading agrees on (`undefined`: none, deny by default), or why they disagree. */
export type RuleLookup<Rule> =
  | { readonly ok: true; readonly rule: Rule | undefined }
  | { readonly ok: false; readonly reason: string };

/** What is looked up: the method as sent, the bare host, and the path's two spellings. */
export interface ReadableRequest {
  readonly method: string;
  readonly host: string | undefined;
  /** Segments percent-decoded once. */
  readonly segments: readonly string[];
  /** Segments with encoded unreserved characters left as sent. */
  readonly asSent: readonly string[];
  /** Methods the request names besides its own (`X-HTTP-Method-Override`, `_method`). */
  readonly overrides: readonly string[];
}

interface Reading {
  readonly method: string;
  readonly segments: readonly string[];
  readonly ignoreCase: boolean;
  /** What this reading changes, for the refusal. */
  readonly differs: string;
}

export function ruleForEveryReading<Rule extends Matchable>(
  rules: readonly Rule[],
  request: ReadableRequest,
): RuleLookup<Rule> {
  const { method, host, segments } = request;
  const rule = findRule(rules, { method, host, segments });
  for (const reading of readings(request, rule)) {
    const other = findRule(rules, {
      method: reading.method,
      host,
      segments: reading.segments,
      ignoreCase: reading.ignoreCase,
    });
    if (other !== rule) {
      return {
        ok: false,
        reason: `its rule depends on ${reading.differs}, which upstreams read differently`,
      };
    }
  }
  return { ok: true, rule };
}

function readings(request: ReadableRequest, rule: Matchable | undefined): Reading[] {
  const upper = request.method.toUpperCase();
  const list: Reading[] = [
    { method: request.method, segments: request.segments, ignoreCase: true, differs: 'letter case' },
  ];
  if (!sameSegments(request.asSent, request.segments)) {
    const differs = 'percent-encoded letters, digits or "-._~"';
    list.push({ method: request.method, segments: request.asSent, ignoreCase: false, differs });
    list.push({ method: request.method, segments: request.asSent, ignoreCase: true, differs });
  }
  if (upper !== request.method) {
    list.push({
      method: upper,
      segments: request.segments,
      ignoreCase: false,
      differs: "the method's letter case",
    });
  }
  for (const override of request.overrides) {
    const differs = 'a method override (X-HTTP-Method-Override or _method)';
    list.push({ method: override, segments: request.segments, ignoreCase: false, differs });
  }
  for (const segments of withoutFormatSuffix(request.segments, rule)) {
    list.push({ method: request.method, segments, ignoreCase: false, differs: 'a format suffix (".json")' });
  }
  return list;
}

/**
 * The path without a format suffix on its last segment: every Rails route ends in an optional
 * `(.:format)` and Django REST framework's `format_suffix_patterns` take the suffix from the last
 * dot, Spring's suffix pattern matching from the first. Only those two stems, so a segment of many
 * dots costs two lookups. A rule naming the segment with its suffix (`/docs/openapi.json`) is
 * taken as written.
 */
function withoutFormatSuffix(segments: readonly string[], rule: Matchable | undefined): string[][] {
  const path = segments.at(-1) === '' ? segments.slice(0, -1) : segments;
  const last = path.at(-1);
  if (last === undefined || rule?.path.segments.at(-1) === last) return [];
  // From index 1: a leading dot (`.well-known`) starts a name, not a suffix.
  const dots = new Set([last.indexOf('.', 1), last.lastIndexOf('.')].filter((dot) => dot > 0));
  return [...dots].map((dot) => [...path.slice(0, -1), last.slice(0, dot)]);
}

function sameSegments(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((segment, index) => segment === b[index]);
}

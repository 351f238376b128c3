/** First-match-wins rule lookup over normalised request attributes. */

import type { HostPattern } from './host.js';
import { matchesHost } from './host.js';
import type { PathPattern } from './pattern.js';
import { matchesPath } from './pattern.js';

/** What a rule matches on. */
export interface Matchable {
  readonly host: HostPattern | undefined;
  readonly path: PathPattern;
  readonly methods: ReadonlySet<string> | undefined;
}

/** The request as rules see it: method, bare host, normalised path segments. */
export interface MatchTarget {
  readonly method: string;
  readonly host: string | undefined;
  readonly segments: readonly string[];
  /** Compare literal path segments without regard to letter case. */
  readonly ignoreCase?: boolean;
}

/**
 * The first rule matching `target`, in policy order, or `undefined` (deny by default). A rule
 * listing GET also matches HEAD: RFC 9110 §9.3.2 makes HEAD a GET without content, and upstreams
 * (Express, Fastify, Go's ServeMux) answer HEAD from their GET handlers.
 */
export function findRule<Rule extends Matchable>(
  rules: readonly Rule[],
  target: MatchTarget,
): Rule | undefined {
  for (const rule of rules) {
    if (rule.methods !== undefined && !admitsMethod(rule.methods, target.method)) continue;
    if (rule.host !== undefined && !matchesHost(rule.host, target.host)) continue;
    if (matchesPath(rule.path, target.segments, target.ignoreCase)) return rule;
  }
  return undefined;
}

function admitsMethod(methods: ReadonlySet<string>, method: string): boolean {
  return methods.has(method) || (method === 'HEAD' && methods.has('GET'));
}

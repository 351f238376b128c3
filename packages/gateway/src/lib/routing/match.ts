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

/** The request as rules see it: upper-case method, bare host, normalised path segments. */
export interface MatchTarget {
  readonly method: string;
  readonly host: string | undefined;
  readonly segments: readonly string[];
}

/** The first rule matching `target`, in policy order, or `undefined` (deny by default). */
export function findRule<Rule extends Matchable>(
  rules: readonly Rule[],
  target: MatchTarget,
): Rule | undefined {
  for (const rule of rules) {
    if (rule.methods !== undefined && !rule.methods.has(target.method)) continue;
    if (rule.host !== undefined && !matchesHost(rule.host, target.host)) continue;
    if (matchesPath(rule.path, target.segments)) return rule;
  }
  return undefined;
}

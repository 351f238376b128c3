/**
 * The readings a rule lookup compares, where upstreams read one path two ways: here the format
 * suffix some frameworks drop before routing. The other readings are proven through every door
 * in probe-matrix.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { findRule, type Matchable } from '../src/lib/routing/match.js';
import { compilePathPattern, type PathPattern } from '../src/lib/routing/pattern.js';
import { ruleForEveryReading } from '../src/lib/routing/readings.js';

const rule = (path: string): Matchable => ({
  host: undefined,
  path: compilePathPattern(path) as PathPattern,
  methods: undefined,
});

const ADMIN = rule('/admin/**');
const SPEC = rule('/docs/openapi.json');
const SITE = rule('/**');
const RULES = [ADMIN, SPEC, SITE];

const lookup = (path: string) => {
  const segments = path.slice(1).split('/');
  return ruleForEveryReading(RULES, {
    method: 'GET',
    host: undefined,
    segments,
    asSent: segments,
    overrides: [],
  });
};

const SUFFIX = 'its rule depends on a format suffix (".json"), which upstreams read differently';

describe('a format suffix on the last segment', () => {
  it('is refused where the path without it has another rule: Rails and Spring route /admin.json to /admin', () => {
    expect(findRule(RULES, { method: 'GET', host: undefined, segments: ['admin.json'] })).toBe(SITE);
    expect(lookup('/admin.json')).toEqual({ ok: false, reason: SUFFIX });
    expect(lookup('/admin.json/')).toEqual({ ok: false, reason: SUFFIX });
    // Spring's suffix matching takes everything from the first dot, DRF's from the last.
    expect(lookup('/admin.tar.gz')).toEqual({ ok: false, reason: SUFFIX });
  });

  it('changes nothing where every reading has the same rule', () => {
    expect(lookup('/public/page.html')).toEqual({ ok: true, rule: SITE });
    expect(lookup('/admin/report.pdf')).toEqual({ ok: true, rule: ADMIN });
    expect(lookup('/.well-known/x')).toEqual({ ok: true, rule: SITE });
  });

  it('is taken as written where the rule names the segment with its suffix', () => {
    expect(lookup('/docs/openapi.json')).toEqual({ ok: true, rule: SPEC });
  });
});

import { describe, expect, it } from 'vitest';
import { summarize } from '../src/lib/stats.js';
import { ratioToLimitTarget } from '../src/report/targets.js';
import type { LimitPairing } from '../src/throughput/paired-limit.js';
import type { ThroughputResult, ThroughputRow } from '../src/throughput/run-throughput.js';

const contender = 'tokenward (no cache)';

function row(alg: 'RS256' | 'ES256', ratioToLimit: number): ThroughputRow {
  return {
    cell: { alg, workload: 'distinct', mode: 'serial' },
    contender,
    opsPerSecond: summarize([30_000]),
    ratioToLimit: summarize([ratioToLimit]),
  };
}

function pairing(alg: 'RS256' | 'ES256', low: number, value: number, high: number): LimitPairing {
  return {
    alg,
    contender,
    ratio: { value, low, high, q1: low, q3: high, pairs: 700 },
    limitMicroseconds: summarize([21]),
    contenderMicroseconds: summarize([21 / value]),
    blockVerifications: 64,
  };
}

function limitTargets(throughput: ThroughputResult) {
  return [ratioToLimitTarget(throughput, 'RS256', 0.85), ratioToLimitTarget(throughput, 'ES256', 0.92)];
}

describe('ratio-to-limit targets (issue #18)', () => {
  it('are judged on the paired median, with its interval and the rounds’ rate ratio beside it', () => {
    const [rs256, es256] = limitTargets({
      rows: [row('RS256', 0.81), row('ES256', 0.9)],
      limitPairings: [pairing('RS256', 0.848, 0.851, 0.853), pairing('ES256', 0.915, 0.918, 0.921)],
      proofs: [],
    });
    expect(rs256).toEqual({
      target:
        'RS256 distinct tokens, result cache off, awaited one at a time: ≥ 0.85× node:crypto (paired CPU time)',
      measured: "0.851× (95% interval 0.848–0.853, 700 pairs; rounds' rates 0.81×)",
      met: true,
    });
    expect(es256?.met).toBe(false);
    expect(es256?.measured).toContain('0.918×');
  });

  it('are not measured without a pairing', () => {
    const [rs256] = limitTargets({ rows: [row('RS256', 0.9)], limitPairings: [], proofs: [] });
    expect(rs256?.met).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { summarize } from '../src/lib/stats.js';
import { pairingSection } from '../src/report/markdown-sections.js';
import { aheadOfRivalsTarget, cacheTaxTarget, ratioToLimitTarget } from '../src/report/targets.js';
import type { LanePairing } from '../src/throughput/paired-lanes.js';
import type { ThroughputResult, ThroughputRow } from '../src/throughput/run-throughput.js';

type Alg = 'RS256' | 'ES256';
const LIMIT = 'node:crypto (limit)';
const UNCACHED = 'tokenward (no cache)';
const DEFAULTS = 'tokenward';

/** A row whose rate in each round is given (distinct tokens, serial, unless `cell` says otherwise). */
function row(
  alg: Alg,
  contender: string,
  rates: number[],
  cell: Partial<ThroughputRow['cell']> = {},
): ThroughputRow {
  return {
    cell: { alg, workload: 'distinct', mode: 'serial', ...cell },
    contender,
    opsPerSecond: summarize(rates),
    ratioToLimit: summarize(rates.map(() => 0)),
  };
}

function pairing(
  alg: Alg,
  reference: string,
  contender: string,
  [low, value, high]: number[],
  mode: LanePairing['mode'] = 'serial',
): LanePairing {
  return {
    alg,
    mode,
    reference,
    contender,
    ratio: { value: value!, low: low!, high: high!, q1: low!, q3: high!, pairs: 700 },
    referenceMicroseconds: summarize([21]),
    contenderMicroseconds: summarize([21 / value!]),
    blockVerifications: 64,
  };
}

/** Rounds where tokenward without its cache ran at 0.81× the limit and the defaults at 0.92× of it. */
const rows = (alg: Alg) => [
  row(alg, LIMIT, [50_000, 40_000, 60_000]),
  row(alg, UNCACHED, [40_500, 32_400, 48_600]),
  row(alg, DEFAULTS, [37_260, 29_808, 44_712]),
];

describe('in-process targets judged on paired CPU blocks (issue #18)', () => {
  const throughput: ThroughputResult = {
    rows: [...rows('RS256'), ...rows('ES256')],
    pairings: [
      pairing('RS256', LIMIT, UNCACHED, [0.848, 0.851, 0.853]),
      pairing('RS256', UNCACHED, DEFAULTS, [0.962, 0.965, 0.968]),
      pairing('ES256', LIMIT, UNCACHED, [0.915, 0.918, 0.921]),
      pairing('ES256', UNCACHED, DEFAULTS, [1.01, 1.02, 1.03]),
    ],
    proofs: [],
  };

  it('ratio to the limit: the paired median decides, with its interval and the rounds’ rate ratio beside it', () => {
    expect(ratioToLimitTarget(throughput, 'RS256', 0.85)).toEqual({
      target:
        'RS256 distinct tokens, result cache off, awaited one at a time: ≥ 0.85× node:crypto (paired CPU time)',
      measured: "0.851× (95% interval 0.848–0.853, 700 pairs; rounds' rates 0.81×)",
      met: true,
    });
    const es256 = ratioToLimitTarget(throughput, 'ES256', 0.92);
    expect(es256.met).toBe(false);
    expect(es256.measured).toContain('0.918×');
  });

  it('cache tax: the defaults paired with no cache decide, not the rounds’ rates', () => {
    expect(cacheTaxTarget(throughput, 'RS256')).toEqual({
      target:
        'RS256 distinct tokens, defaults (cache on) ≥ 0.97× result cache off (no tax on one-shot tokens; paired CPU time)',
      measured: "0.965× (95% interval 0.962–0.968, 700 pairs; rounds' rates 0.92×)",
      met: false,
    });
    // Rounds at 0.92× would miss; the pairs at 1.02× meet it.
    expect(cacheTaxTarget(throughput, 'ES256')).toMatchObject({ met: true });
  });

  it('are not measured without their pairing', () => {
    const unpaired = { ...throughput, pairings: [] };
    expect(ratioToLimitTarget(unpaired, 'RS256', 0.85).met).toBeUndefined();
    expect(cacheTaxTarget(unpaired, 'ES256').met).toBeUndefined();
  });

  it('lists every pairing in RESULTS.md with the rounds’ ratio beside it', () => {
    const section = pairingSection(throughput);
    expect(section).toContain(
      '| RS256, serial: tokenward ÷ tokenward (no cache) | 21.00 | 21.76 | 0.965× (95% interval',
    );
    expect(section).toContain('0.92× |');
    expect(section).toContain('| ES256, serial: tokenward (no cache) ÷ node:crypto (limit) |');
  });
});

describe('ahead of the rivals (issue #18)', () => {
  const FAST_JWT = 'fast-jwt (no cache)';
  const FAST_JWT_CACHE = 'fast-jwt (cache)';
  /** RS256 only: a repeated token 12× fast-jwt's cache; distinct tokens 0.97× fast-jwt by the rounds' rates. */
  const rounds = [
    row('RS256', DEFAULTS, [4_000_000, 3_600_000, 4_400_000], { workload: 'same' }),
    row('RS256', FAST_JWT_CACHE, [330_000, 300_000, 370_000], { workload: 'same' }),
    ...(['serial', 'batch64'] as const).flatMap((mode) => [
      row('RS256', UNCACHED, [35_000, 34_000, 36_000], { mode }),
      row('RS256', FAST_JWT, [36_100, 35_000, 37_100], { mode }),
    ]),
  ];
  const paired = (serial: number, batch: number): ThroughputResult => ({
    rows: rounds,
    pairings: [
      pairing('RS256', FAST_JWT, UNCACHED, [serial - 0.004, serial, serial + 0.004]),
      pairing('RS256', FAST_JWT, UNCACHED, [batch - 0.005, batch, batch + 0.005], 'batch64'),
    ],
    proofs: [],
  });

  it('judges distinct tokens on the pairings, not on rates seconds apart', () => {
    expect(aheadOfRivalsTarget(paired(1.021, 1.012))).toEqual({
      target: 'ahead of fast-jwt and aws-jwt-verify in every in-process cell',
      measured:
        '3 of 3 cells; smallest lead 1.012× (RS256 distinct batch64 vs fast-jwt (no cache); paired, 95% interval 1.007–1.017)',
      met: true,
    });
  });

  it('names the cell a rival leads by its pairing', () => {
    const behind = aheadOfRivalsTarget(paired(1.021, 0.991));
    expect(behind.met).toBe(false);
    expect(behind.measured).toMatch(
      /^2 of 3 cells; smallest lead 0\.991× \(RS256 distinct batch64 vs fast-jwt/,
    );
  });

  it('judges a repeated token on the rounds and is not measured without a distinct cell’s pairing', () => {
    const slowCache = row('RS256', DEFAULTS, [297_000, 270_000, 333_000], { workload: 'same' });
    const repeated = { ...paired(1.1, 1.1), rows: [slowCache, ...rounds.slice(1)] };
    expect(aheadOfRivalsTarget(repeated)).toEqual({
      target: 'ahead of fast-jwt and aws-jwt-verify in every in-process cell',
      measured: "2 of 3 cells; smallest lead 0.90× (RS256 same serial vs fast-jwt (cache); rounds' rates)",
      met: false,
    });
    const unpaired = { ...paired(1.1, 1.1), pairings: [] };
    expect(aheadOfRivalsTarget(unpaired)).toMatchObject({
      measured: 'not measured in this run',
      met: undefined,
    });
  });
});

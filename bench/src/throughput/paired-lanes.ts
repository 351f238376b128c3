/**
 * The in-process targets decided by a few percent, measured by pairs as well as by rates: tokenward
 * without its cache against node:crypto (the ratio-to-limit targets), tokenward with its defaults
 * against itself without the cache (the cache-tax targets), and tokenward without its cache
 * against fast-jwt and aws-jwt-verify on distinct tokens (the ahead-of-rivals target), where
 * fast-jwt's rate in the rounds came within 3% of tokenward's either way from run to run.
 *
 * A round's rate is a 120 ms sample of one contender, seconds away from the sample it is divided
 * by, in wall-clock time: whatever else the shared machine runs meanwhile lands in one of the two,
 * and ten rounds' median still moves by several percent from run to run, more than those targets'
 * margins. Here two lanes bound to the same distinct tokens alternate in blocks of a few
 * milliseconds, timed in CPU time (lib/paired-blocks.ts), and each pair gives one ratio: the median
 * over hundreds of pairs, with its 95% interval, is what the targets judge. The rate tables keep
 * their own ratios beside it.
 */
import type { Alg } from '../lib/fixture.js';
import { estimatePaired, median, type PairedEstimate } from '../lib/paired.js';
import { BLOCK_VERIFICATIONS, runPairs } from '../lib/paired-blocks.js';
import { collectGarbage, type Summary, summarize } from '../lib/stats.js';
import type { BoundVerify } from './contender.js';
import { type CallMode, Cursor } from './measure.js';

/** One algorithm's pairing of a contender with the lane it is judged against. */
export interface LanePairing {
  readonly alg: Alg;
  readonly mode: CallMode;
  /** The lane the contender is divided by, as named in the tables: the limit, or tokenward without its cache. */
  readonly reference: string;
  /** The contender judged, as named in the tables. */
  readonly contender: string;
  /** Per pair: the reference's CPU time per verification over the contender's, i.e. its rate over the reference's. */
  readonly ratio: PairedEstimate;
  /** CPU microseconds per verification, over the blocks of each lane. */
  readonly referenceMicroseconds: Summary;
  readonly contenderMicroseconds: Summary;
  readonly blockVerifications: number;
}

export interface PairedLanes {
  readonly reference: BoundVerify;
  readonly contender: BoundVerify;
  /** How many tokens both lanes are bound to: one cursor walks them for both. */
  readonly tokens: number;
  readonly mode: CallMode;
}

export async function pairLanes(
  alg: Alg,
  names: { readonly reference: string; readonly contender: string },
  lanes: PairedLanes,
  budgetMs: number,
): Promise<LanePairing> {
  const cursor = new Cursor(lanes.tokens);
  const batch = lanes.mode === 'batch64';
  const reference = { verify: lanes.reference, batch };
  const contender = { verify: lanes.contender, batch };
  collectGarbage();
  await runPairs(reference, contender, cursor, budgetMs / 10, Math.random);
  const costs = await runPairs(reference, contender, cursor, budgetMs, Math.random);
  return {
    alg,
    mode: lanes.mode,
    ...names,
    ratio: estimatePaired(
      costs.b.map((cost, pair) => costs.a[pair]! / cost),
      median,
    ),
    referenceMicroseconds: summarize(costs.a),
    contenderMicroseconds: summarize(costs.b),
    blockVerifications: BLOCK_VERIFICATIONS,
  };
}

/**
 * The distinct-token targets' ratio to node:crypto, measured by pairs as well as by rates.
 *
 * A round's rate is a 120 ms sample of one contender, seconds away from the limit's sample it is
 * divided by, in wall-clock time: whatever else the shared machine runs meanwhile lands in one of
 * the two, and ten rounds' median still moves by several percent from run to run. Here the same two
 * lanes (the limit and tokenward without its cache, bound to the same distinct tokens) alternate in
 * blocks of a few milliseconds, timed in CPU time (lib/paired-blocks.ts), and each pair gives one
 * ratio: the median over hundreds of pairs, with its 95% interval, is what the targets judge. The
 * rate tables keep their own ratios beside it.
 */
import type { Alg } from '../lib/fixture.js';
import { estimatePaired, median, type PairedEstimate } from '../lib/paired.js';
import { BLOCK_VERIFICATIONS, runPairs } from '../lib/paired-blocks.js';
import { collectGarbage, type Summary, summarize } from '../lib/stats.js';
import type { BoundVerify } from './contender.js';
import { Cursor } from './measure.js';

/** One algorithm's pairing of tokenward (no cache) with the limit. */
export interface LimitPairing {
  readonly alg: Alg;
  /** The contender paired with the limit, as named in the tables. */
  readonly contender: string;
  /** Per pair: the limit's CPU time per verification over the contender's, i.e. its rate over the limit's. */
  readonly ratio: PairedEstimate;
  /** CPU microseconds per verification, over the blocks of each lane. */
  readonly limitMicroseconds: Summary;
  readonly contenderMicroseconds: Summary;
  readonly blockVerifications: number;
}

export async function pairWithLimit(
  alg: Alg,
  contender: string,
  lanes: { readonly limit: BoundVerify; readonly contender: BoundVerify; readonly tokens: number },
  budgetMs: number,
): Promise<LimitPairing> {
  const cursor = new Cursor(lanes.tokens);
  const limit = { verify: lanes.limit };
  const own = { verify: lanes.contender };
  collectGarbage();
  await runPairs(limit, own, cursor, budgetMs / 10, Math.random);
  const costs = await runPairs(limit, own, cursor, budgetMs, Math.random);
  return {
    alg,
    contender,
    ratio: estimatePaired(
      costs.b.map((cost, pair) => costs.a[pair]! / cost),
      median,
    ),
    limitMicroseconds: summarize(costs.a),
    contenderMicroseconds: summarize(costs.b),
    blockVerifications: BLOCK_VERIFICATIONS,
  };
}

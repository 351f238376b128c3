import { DEFAULTS } from '@tokenward/core';
import type { Alg, BenchIssuer, TokenSet } from '../lib/fixture.js';
import type { BenchOptions } from '../lib/options.js';
import { collectGarbage, rotate, type Summary, summarize } from '../lib/stats.js';
import type { BoundVerify, Contender, ContenderDefinition } from './contender.js';
import { CONTENDERS, LIMIT, RIVALS, tokenwardOfCell } from './contenders/index.js';
import { CALL_MODES, type CallMode, Cursor, measure } from './measure.js';
import { type LanePairing, type PairedLanes, pairLanes } from './paired-lanes.js';
import { type Proof, prove } from './proof.js';

export type Workload = 'same' | 'distinct';

export interface ThroughputCell {
  readonly alg: Alg;
  readonly workload: Workload;
  readonly mode: CallMode;
}

export interface ThroughputRow {
  readonly cell: ThroughputCell;
  readonly contender: string;
  /** Verifications per second over the rounds. */
  readonly opsPerSecond: Summary;
  /** This contender's rate over the limit's rate in the same round. */
  readonly ratioToLimit: Summary;
}

export interface ThroughputResult {
  readonly rows: readonly ThroughputRow[];
  /**
   * Per algorithm, on distinct tokens (paired-lanes.ts): awaited one at a time, tokenward (no cache)
   * paired with the limit and tokenward (defaults) with tokenward (no cache); in both call modes,
   * tokenward (no cache) paired with each rival.
   */
  readonly pairings: readonly LanePairing[];
  readonly proofs: readonly Proof[];
}

interface Lane {
  readonly definition: ContenderDefinition;
  /** The contender built for this algorithm, to bind to other token lists (the pairings). */
  readonly contender: Contender;
  readonly verify: BoundVerify;
  readonly cursor: Cursor;
  readonly samples: number[];
}

const WORKLOADS: readonly Workload[] = ['same', 'distinct'];

function cellKey(cell: ThroughputCell): string {
  return `${cell.alg}/${cell.workload}/${cell.mode}`;
}

/** Proves and binds every contender that supports `set.alg`; one lane per workload and mode. */
async function prepareLanes(
  bench: BenchIssuer,
  set: TokenSet,
  proofs: Proof[],
): Promise<Map<string, Lane[]>> {
  const lanes = new Map<string, Lane[]>();
  for (const definition of CONTENDERS.filter((candidate) => candidate.algs.includes(set.alg))) {
    const contender = await definition.create(bench.target(set.alg));
    proofs.push(await prove(definition, contender, set));
    for (const workload of WORKLOADS) {
      const tokens = workload === 'same' ? [set.same] : set.distinct;
      const verify = contender.bind(tokens);
      // One cursor for both call modes: they share the verifier and its cache, and a cursor each
      // would let one mode hit what the other just verified.
      const cursor = new Cursor(tokens.length);
      for (const mode of CALL_MODES) {
        const key = cellKey({ alg: set.alg, workload, mode });
        const lane = { definition, contender, verify, cursor, samples: [] };
        lanes.set(key, [...(lanes.get(key) ?? []), lane]);
      }
    }
  }
  return lanes;
}

function rowsOf(cell: ThroughputCell, lanes: readonly Lane[]): ThroughputRow[] {
  const limit = lanes.find((lane) => lane.definition === LIMIT);
  if (!limit) throw new Error(`no limit lane in ${cellKey(cell)}`);
  return lanes.map((lane) => ({
    cell,
    contender: lane.definition.name,
    opsPerSecond: summarize(lane.samples),
    ratioToLimit: summarize(lane.samples.map((rate, round) => rate / limit.samples[round]!)),
  }));
}

/**
 * Every contender runs in every round, in an order rotated per round, one sample per cell, each
 * after a full collection and a warm-up as long as the sample.
 *
 * Nothing of one lane's heap may reach the next. With only young-generation collections between
 * lanes, what a lane promoted (a cache's entries) left old-generation marking that V8 finished
 * during the next lane: tokenward without its cache, which follows tokenward with it, measured
 * 0.77× of the limit where tokenward's synchronous lane measured 0.84× (RS256, distinct). A full
 * collection also shrinks the young generation, so the warm-up must be long enough for each lane
 * to grow it back to its own steady state: after a quarter-sample warm-up fast-jwt measured 0.74×
 * instead of 0.80×, after a full one 0.81×.
 */
export async function runThroughput(
  bench: BenchIssuer,
  sets: readonly TokenSet[],
  options: BenchOptions,
  log: (line: string) => void,
): Promise<ThroughputResult> {
  const proofs: Proof[] = [];
  const cells: ThroughputCell[] = [];
  const lanesByCell = new Map<string, Lane[]>();
  for (const set of sets) {
    for (const [key, lanes] of await prepareLanes(bench, set, proofs)) lanesByCell.set(key, lanes);
    for (const workload of WORKLOADS) {
      for (const mode of CALL_MODES) cells.push({ alg: set.alg, workload, mode });
    }
  }
  log(`  proved ${proofs.length} contender/algorithm pairs`);
  for (let round = 0; round < options.rounds; round++) {
    for (const cell of cells) {
      for (const lane of rotate(lanesByCell.get(cellKey(cell))!, round)) {
        collectGarbage();
        await measure(lane.verify, lane.cursor, cell.mode, options.sampleMs);
        lane.samples.push(await measure(lane.verify, lane.cursor, cell.mode, options.sampleMs));
      }
    }
    log(`  round ${round + 1}/${options.rounds} done`);
  }
  const pairings: LanePairing[] = [];
  const budgetMs = options.rounds * options.sampleMs * 4;
  for (const set of sets) {
    const lanes = lanesByCell.get(cellKey({ alg: set.alg, workload: 'distinct', mode: 'serial' }))!;
    const laneOf = (name: string) => lanes.find((lane) => lane.definition.name === name)!;
    const pair = async (reference: string, contender: string, verify: PairedLanes) => {
      const pairing = await pairLanes(set.alg, { reference, contender }, verify, budgetMs);
      log(`  ${set.alg} ${verify.mode} ${contender} paired with ${reference}: ${pairing.ratio.pairs} pairs`);
      pairings.push(pairing);
    };
    const uncached = tokenwardOfCell('distinct');
    const defaults = tokenwardOfCell('same');
    const against = (reference: string, mode: CallMode): PairedLanes => ({
      reference: laneOf(reference).verify,
      contender: laneOf(uncached).verify,
      tokens: set.distinct.length,
      mode,
    });
    await pair(LIMIT.name, uncached, against(LIMIT.name, 'serial'));
    for (const rival of RIVALS.filter((name) => lanes.some((lane) => lane.definition.name === name))) {
      for (const mode of CALL_MODES) await pair(rival, uncached, against(rival, mode));
    }
    // A full cache admits a token only when it was verified before, so the first tokens the
    // defaults verified stay cached and hit on every pass. The tax on one-shot tokens is measured
    // on the rest of the rotation, which that cache does not hold (none, when the cache holds
    // the whole rotation: then there is no one-shot token, and no cache-tax target).
    const oneShot = set.distinct.slice(DEFAULTS.resultCacheMax);
    if (oneShot.length === 0) continue;
    await pair(uncached, defaults, {
      reference: laneOf(uncached).contender.bind(oneShot),
      contender: laneOf(defaults).contender.bind(oneShot),
      tokens: oneShot.length,
      mode: 'serial',
    });
  }
  return {
    rows: cells.flatMap((cell) => rowsOf(cell, lanesByCell.get(cellKey(cell))!)),
    pairings,
    proofs,
  };
}

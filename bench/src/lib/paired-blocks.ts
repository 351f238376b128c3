/**
 * Two lanes timed in many short back-to-back blocks, in CPU time. A block lasts a few milliseconds,
 * so both blocks of a pair see the same machine; CPU time leaves out the time another process had
 * the core; the order within each pair is drawn at random, so neither lane always runs second (on
 * the first lane's warm caches or its garbage).
 */
import type { Cursor } from '../throughput/measure.js';

export interface Lane {
  /** One verification of the token at `index`; a promise is awaited, a value taken as it is. */
  readonly verify: (index: number) => unknown;
  /** Switches the lane on just before its block (a subscriber) and returns what switches it off. */
  readonly enter?: () => () => void;
  /** A block's verifications all started, then awaited under one `Promise.all` (the batch-64 cells); else one at a time. */
  readonly batch?: boolean;
}

/** Verifications per block: about 2 ms of RS256 here, thousands of times the clock's resolution. */
export const BLOCK_VERIFICATIONS = 64;

/** CPU microseconds per verification over one block: user and system time of the whole process, so the collector's threads count. */
async function block(lane: Lane, cursor: Cursor): Promise<number> {
  const leave = lane.enter?.();
  try {
    const start = process.cpuUsage();
    if (lane.batch === true) {
      await Promise.all(Array.from({ length: BLOCK_VERIFICATIONS }, () => lane.verify(cursor.advance())));
    } else {
      for (let step = 0; step < BLOCK_VERIFICATIONS; step++) await lane.verify(cursor.advance());
    }
    const spent = process.cpuUsage(start);
    return (spent.user + spent.system) / BLOCK_VERIFICATIONS;
  } finally {
    leave?.();
  }
}

/** Per pair, the CPU microseconds per verification of each lane. */
export interface PairedCosts {
  readonly a: number[];
  readonly b: number[];
}

/** Pairs of blocks of `a` and `b`, in random order within each pair, until `budgetMs` has passed. */
export async function runPairs(
  a: Lane,
  b: Lane,
  cursor: Cursor,
  budgetMs: number,
  random: () => number,
): Promise<PairedCosts> {
  const costs: PairedCosts = { a: [], b: [] };
  const start = performance.now();
  do {
    if (random() < 0.5) {
      costs.a.push(await block(a, cursor));
      costs.b.push(await block(b, cursor));
    } else {
      costs.b.push(await block(b, cursor));
      costs.a.push(await block(a, cursor));
    }
    // Awaited verifications never leave the microtask queue: let timers (the span processor's
    // export) run here, between pairs, rather than pile up.
    await new Promise(setImmediate);
  } while (performance.now() - start < budgetMs);
  return costs;
}

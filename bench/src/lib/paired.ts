/**
 * Estimates from paired samples: two lanes measured back to back many times, each pair giving one
 * ratio or difference. Pairing cancels what the machine does on a scale longer than a pair (load,
 * frequency, another process's burst), which independent samples of each lane cannot.
 */

/** A statistic of per-pair values with its 95% bootstrap interval and the pairs' middle half. */
export interface PairedEstimate {
  readonly value: number;
  /** 95% percentile-bootstrap interval of `value`: the run's noise band for it. */
  readonly low: number;
  readonly high: number;
  /** Interquartile range of the single pairs: how much one pair says on its own. */
  readonly q1: number;
  readonly q3: number;
  readonly pairs: number;
}

export type Statistic = (values: readonly number[]) => number;

/** The middle value; a typed array's numeric sort, since the bootstrap takes thousands of medians. */
export const median: Statistic = (values) => {
  const sorted = Float64Array.from(values).sort();
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export const mean: Statistic = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Uniform in [0, 1), from a seed, so the same samples always give the same interval. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32 (Marsaglia 2003): enough for resampling indices and coin flips.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/** Linear interpolation between the closest ranks of an ascending list. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('quantile: no values');
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

const RESAMPLES = 2_000;

/** `statistic` of the per-pair values, with the percentile-bootstrap 95% interval over the pairs. */
export function estimatePaired(
  values: readonly number[],
  statistic: Statistic,
  random: () => number = seededRandom(18),
): PairedEstimate {
  if (values.length === 0) throw new Error('estimatePaired: no pairs');
  const resampled: number[] = new Array(RESAMPLES);
  const draw: number[] = new Array(values.length);
  for (let round = 0; round < RESAMPLES; round++) {
    for (let slot = 0; slot < values.length; slot++) {
      draw[slot] = values[Math.floor(random() * values.length)]!;
    }
    resampled[round] = statistic(draw);
  }
  resampled.sort((a, b) => a - b);
  const sorted = [...values].sort((a, b) => a - b);
  return {
    value: statistic(values),
    low: quantile(resampled, 0.025),
    high: quantile(resampled, 0.975),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    pairs: values.length,
  };
}

/**
 * Whether the whole interval lies within `1 ± tolerance`: the run shows any difference is smaller
 * than the tolerance. A median inside the band with an interval reaching out of it shows nothing.
 */
export function withinTolerance(estimate: PairedEstimate, tolerance: number): boolean {
  return estimate.low >= 1 - tolerance && estimate.high <= 1 + tolerance;
}

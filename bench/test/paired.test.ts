import { describe, expect, it } from 'vitest';
import { estimatePaired, mean, median, quantile, seededRandom, withinTolerance } from '../src/lib/paired.js';

describe('paired estimates', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('interpolates quantiles between the closest ranks', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20], 0.25)).toBe(12.5);
    expect(quantile([7], 0.975)).toBe(7);
  });

  it('draws the same uniform numbers from the same seed', () => {
    const first = seededRandom(7);
    const second = seededRandom(7);
    const draws = Array.from({ length: 1_000 }, () => first());
    expect(draws).toEqual(Array.from({ length: 1_000 }, () => second()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(mean(draws)).toBeCloseTo(0.5, 1);
  });

  it('gives the statistic, a 95% interval around it and the quartiles of the pairs', () => {
    const values = Array.from({ length: 400 }, (_, index) => 0.9 + (index % 21) / 100);
    const estimate = estimatePaired(values, median);
    expect(estimate.value).toBeCloseTo(1, 10);
    expect(estimate.low).toBeLessThanOrEqual(estimate.value);
    expect(estimate.high).toBeGreaterThanOrEqual(estimate.value);
    expect(estimate.high - estimate.low).toBeLessThan(0.03);
    expect(estimate.q1).toBeCloseTo(0.95, 2);
    expect(estimate.q3).toBeCloseTo(1.05, 2);
    expect(estimate.pairs).toBe(400);
  });

  it('narrows the interval as pairs are added', () => {
    const noisy = (count: number) => {
      const random = seededRandom(3);
      return Array.from({ length: count }, () => 1 + (random() - 0.5) / 2);
    };
    const few = estimatePaired(noisy(20), median);
    const many = estimatePaired(noisy(1_000), median);
    expect(many.high - many.low).toBeLessThan((few.high - few.low) / 4);
  });

  it('has no width when every pair agrees', () => {
    expect(estimatePaired([2, 2, 2], mean)).toMatchObject({ value: 2, low: 2, high: 2 });
  });

  it('is within a tolerance only when the whole interval is', () => {
    const around = (low: number, high: number) => ({ value: 1, low, high, q1: low, q3: high, pairs: 100 });
    expect(withinTolerance(around(0.98, 1.02), 0.03)).toBe(true);
    expect(withinTolerance(around(0.97, 1.03), 0.03)).toBe(true);
    expect(withinTolerance(around(0.95, 1.02), 0.03)).toBe(false);
    expect(withinTolerance(around(0.99, 1.04), 0.03)).toBe(false);
  });

  it('refuses to estimate from no pairs', () => {
    expect(() => estimatePaired([], median)).toThrow('no pairs');
  });
});

import { describe, expect, it } from 'vitest';
import { summarize } from '../src/lib/stats.js';
import { type TracingResult, tracingTargets } from '../src/tracing/run-tracing.js';

const blocks = summarize([30]);

function resultWith(low: number, value: number, high: number): TracingResult {
  return {
    untraced: blocks,
    unsubscribed: blocks,
    withOtel: blocks,
    unsubscribedRatio: { value, low, high, q1: low, q3: high, pairs: 900 },
    otelMicroseconds: { value: 4.2, low: 3.9, high: 4.6, q1: 3, q3: 5, pairs: 900 },
    blockVerifications: 64,
  };
}

describe('tracing targets (issue #18)', () => {
  it('meets "no measurable difference" when the whole interval lies within ±3%', () => {
    const [quiet] = tracingTargets(resultWith(0.99, 1.004, 1.02));
    expect(quiet?.met).toBe(true);
    expect(quiet?.measured).toBe('1.004× (95% interval 0.990–1.020, 900 pairs)');
  });

  it('misses it when the interval reaches past the band, even with the median inside', () => {
    expect(tracingTargets(resultWith(0.96, 1.01, 1.04))[0]?.met).toBe(false);
    expect(tracingTargets(resultWith(1.035, 1.04, 1.05))[0]?.met).toBe(false);
  });

  it('reports the subscriber cost per verification with its interval', () => {
    const [, otel] = tracingTargets(resultWith(0.99, 1, 1.01));
    expect(otel).toMatchObject({ met: true });
    expect(otel?.measured).toBe('+4.2 µs CPU per verification (95% interval 3.9–4.6, 900 pairs)');
  });

  it('says when the phase was not run', () => {
    expect(tracingTargets(undefined).map((target) => target.met)).toEqual([undefined, undefined]);
  });
});

/**
 * The decision deadline on its own: work in time gives its outcome and leaves no timer behind,
 * late work gives LATE and is abandoned without an unhandled rejection, and the accepted range.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decisionTimeoutProblem, LATE, startDeadline } from '../src/lib/decision/deadline.js';

describe('startDeadline', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    vi.useFakeTimers();
    unhandled.length = 0;
    process.on('unhandledRejection', record);
  });
  afterEach(() => {
    process.off('unhandledRejection', record);
    vi.useRealTimers();
  });

  it('sets its timer when the decision first waits, once', async () => {
    const deadline = startDeadline(12);
    expect(vi.getTimerCount()).toBe(0);
    const first = deadline.race(Promise.resolve('keys'));
    const second = deadline.race(Promise.resolve('introspection'));
    expect(vi.getTimerCount()).toBe(1);
    await expect(Promise.all([first, second])).resolves.toEqual(['keys', 'introspection']);
    deadline.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives the outcome of work done in time, and stop() leaves no timer', async () => {
    const deadline = startDeadline(12);
    const outcome = deadline.race(new Promise((resolve) => setTimeout(resolve, 11_000, 'decided')));
    await vi.advanceTimersByTimeAsync(11_000);
    await expect(outcome).resolves.toBe('decided');
    expect(vi.getTimerCount()).toBe(1);
    deadline.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives LATE once the deadline passes, and the abandoned work failing later is no unhandled rejection', async () => {
    const deadline = startDeadline(0.5);
    const work = new Promise((_resolve, reject) =>
      setTimeout(() => reject(new Error('the introspection endpoint did not answer')), 5000),
    );
    const outcome = deadline.race(work);
    await vi.advanceTimersByTimeAsync(500);
    await expect(outcome).resolves.toBe(LATE);
    deadline.stop();
    await vi.advanceTimersByTimeAsync(4500);
    expect(vi.getTimerCount()).toBe(0);
    // Node reports an unhandled rejection after the turn it happened in: let one pass for real.
    vi.useRealTimers();
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });
});

describe('decisionTimeoutProblem', () => {
  it.each([0.001, 0.5, 12, 60])('accepts %s seconds', (seconds) => {
    expect(decisionTimeoutProblem(seconds)).toBeUndefined();
  });

  it.each([0, -1, 60.5, Number.NaN, Number.POSITIVE_INFINITY, '12', undefined])('refuses %s', (value) => {
    expect(decisionTimeoutProblem(value)).toBe('must be a number of seconds greater than 0 and at most 60');
  });
});

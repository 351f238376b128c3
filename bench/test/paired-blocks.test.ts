import { describe, expect, it } from 'vitest';
import { BLOCK_VERIFICATIONS, type Lane, runPairs } from '../src/lib/paired-blocks.js';
import { Cursor } from '../src/throughput/measure.js';

/** A lane whose verifications settle a turn of the event loop later, counting how many were in flight at once. */
function countingLane(batch: boolean) {
  const counts = { inFlight: 0, most: 0, calls: 0 };
  const lane: Lane = {
    batch,
    verify: () => {
      counts.calls += 1;
      counts.inFlight += 1;
      counts.most = Math.max(counts.most, counts.inFlight);
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          counts.inFlight -= 1;
          resolve();
        }),
      );
    },
  };
  return { lane, counts };
}

describe('paired blocks', () => {
  it('starts a batch lane’s whole block before awaiting it, and a serial lane’s one call at a time', async () => {
    const batch = countingLane(true);
    const serial = countingLane(false);
    const costs = await runPairs(batch.lane, serial.lane, new Cursor(1_000), 1, Math.random);
    expect(batch.counts.most).toBe(BLOCK_VERIFICATIONS);
    expect(serial.counts.most).toBe(1);
    expect(batch.counts.calls).toBe(costs.a.length * BLOCK_VERIFICATIONS);
    expect(serial.counts.calls).toBe(costs.b.length * BLOCK_VERIFICATIONS);
  });
});

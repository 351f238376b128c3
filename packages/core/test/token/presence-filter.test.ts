import { describe, expect, it } from 'vitest';
import { createPresenceFilter } from '../../src/lib/access-token/presence-filter.js';

describe('presence filter: may the result cache hold this fingerprint?', () => {
  it('says no until an entry is added, and no again once it is removed', () => {
    const filter = createPresenceFilter(16);
    expect(filter.mayHold(7)).toBe(false);
    filter.add(7);
    expect(filter.mayHold(7)).toBe(true);
    filter.remove(7);
    expect(filter.mayHold(7)).toBe(false);
  });

  it('counts entries that share a slot, so removing one keeps the other', () => {
    const filter = createPresenceFilter(16);
    // The smallest filter has 1,024 slots: these two fingerprints land in the same one.
    filter.add(5);
    filter.add(5 + 1024);
    filter.remove(5);
    expect(filter.mayHold(5 + 1024)).toBe(true);
    filter.remove(5 + 1024);
    expect(filter.mayHold(5 + 1024)).toBe(false);
  });

  it('never reaches zero again once a slot has counted past its top', () => {
    const filter = createPresenceFilter(16);
    for (let entry = 0; entry < 300; entry += 1) filter.add(entry * 1024);
    for (let entry = 0; entry < 300; entry += 1) filter.remove(entry * 1024);
    expect(filter.mayHold(0)).toBe(true);
  });

  it('has room for about eight slots per entry, so most fingerprints of a full cache miss it', () => {
    const filter = createPresenceFilter(10_000);
    for (let entry = 0; entry < 10_000; entry += 1) filter.add(Math.imul(entry + 1, 0x9e3779b1));
    let answered = 0;
    for (let other = 0; other < 10_000; other += 1) {
      if (!filter.mayHold(Math.imul(other + 20_001, 0x85ebca6b))) answered += 1;
    }
    // 10,000 entries in 131,072 slots leave about 93% of the slots empty.
    expect(answered).toBeGreaterThan(9_000);
  });
});

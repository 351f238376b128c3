import { describe, expect, expectTypeOf, it } from 'vitest';
import { type CacheStore, createMemoryStore, type ReplayStore, type SharedStore } from '../../src/index.js';
import * as nodeEntry from '../../src/node.js';

function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('createMemoryStore: markOnce', () => {
  it('is exported from both entries and satisfies both store interfaces', () => {
    expect(nodeEntry.createMemoryStore).toBe(createMemoryStore);
    expectTypeOf(createMemoryStore()).toEqualTypeOf<SharedStore>();
    expectTypeOf<SharedStore>().toMatchTypeOf<ReplayStore>();
    expectTypeOf<SharedStore>().toMatchTypeOf<CacheStore>();
  });

  it('answers true the first time and false while the key lives (DP-7)', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock: clock.now });
    expect(await store.markOnce('a', 1000)).toBe(true);
    expect(await store.markOnce('a', 1000)).toBe(false);
    clock.advance(999);
    expect(await store.markOnce('a', 1000)).toBe(false);
    expect(await store.markOnce('b', 1000)).toBe(true);
  });

  it('forgets a key exactly when its TTL has passed, and a repeat does not extend it', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock: clock.now });
    await store.markOnce('a', 1000);
    clock.advance(500);
    expect(await store.markOnce('a', 5000)).toBe(false);
    clock.advance(500);
    expect(await store.markOnce('a', 1000)).toBe(true);
  });

  it('of 100 concurrent calls with one key, exactly one is true', async () => {
    const store = createMemoryStore();
    const answers = await Promise.all(Array.from({ length: 100 }, () => store.markOnce('same', 60_000)));
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it('never evicts an unexpired key to make room: a full store rejects until keys expire (DP-7)', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ max: 3, clock: clock.now });
    for (const key of ['a', 'b', 'c']) expect(await store.markOnce(key, 1000)).toBe(true);
    await expect(store.markOnce('d', 1000)).rejects.toThrow('in-memory replay store is full: all 3 keys');
    // The keys it holds are still refused, not forgotten.
    expect(await store.markOnce('a', 1000)).toBe(false);
    clock.advance(1000);
    expect(await store.markOnce('d', 1000)).toBe(true);
    expect(await store.markOnce('a', 1000)).toBe(true);
  });

  it('makes room from expired keys whatever their order of arrival', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ max: 2, clock: clock.now });
    await store.markOnce('long', 10_000);
    await store.markOnce('short', 100);
    await expect(store.markOnce('x', 1000)).rejects.toThrow('full');
    clock.advance(100);
    expect(await store.markOnce('x', 1000)).toBe(true);
    expect(await store.markOnce('long', 1000)).toBe(false);
  });

  it('rejects (never throws synchronously) for keys and TTLs no caller should pass', async () => {
    const store = createMemoryStore();
    for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(store.markOnce('k', ttl)).rejects.toThrow(RangeError);
    }
    await expect(store.markOnce('', 1000)).rejects.toThrow(TypeError);
    await expect(store.markOnce('k'.repeat(1025), 1000)).rejects.toThrow(TypeError);
    await expect(store.set('k', 42 as unknown as string, 1000)).rejects.toThrow(TypeError);
  });
});

describe('createMemoryStore: get/set cache', () => {
  it('returns what was set until its TTL passes', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock: clock.now });
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', '{"active":true}', 1000);
    expect(await store.get('k')).toBe('{"active":true}');
    clock.advance(999);
    expect(await store.get('k')).toBe('{"active":true}');
    clock.advance(1);
    expect(await store.get('k')).toBeUndefined();
  });

  it('replaces a value and its TTL on set', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock: clock.now });
    await store.set('k', 'one', 100);
    await store.set('k', 'two', 1000);
    clock.advance(500);
    expect(await store.get('k')).toBe('two');
  });

  it('drops the least recently used value when full', async () => {
    const store = createMemoryStore({ max: 2 });
    await store.set('a', '1', 60_000);
    await store.set('b', '2', 60_000);
    await store.get('a');
    await store.set('c', '3', 60_000);
    expect(await store.get('a')).toBe('1');
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('c')).toBe('3');
  });

  it('keeps marks and cached values apart: a full cache does not refuse marks', async () => {
    const store = createMemoryStore({ max: 1 });
    await store.set('a', '1', 60_000);
    expect(await store.markOnce('b', 60_000)).toBe(true);
    await store.set('c', '3', 60_000);
    expect(await store.markOnce('b', 60_000)).toBe(false);
  });
});

describe('createMemoryStore: options', () => {
  it('throws ERR_CONFIG naming the option', () => {
    expect(() => createMemoryStore({ max: 0 })).toThrow(
      '`max` must be an integer from 1 to 1000000; found number 0',
    );
    expect(() => createMemoryStore({ clock: 5 as unknown as () => number })).toThrow(
      '`clock` must be a function',
    );
    expect(() => createMemoryStore({ ttl: 5 } as never)).toThrow('unknown option `ttl`');
    try {
      createMemoryStore({ max: -1 });
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ERR_CONFIG');
    }
    expect.assertions(4);
  });
});

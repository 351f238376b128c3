/**
 * Concurrent requests with the same token share one introspection, but on Workers a promise
 * belongs to the request that created it and never settles if that request is cancelled: a
 * request that joins waits a bounded time, then asks for itself.
 */
import { describe, expect, it } from 'vitest';
import { createVerdictCache, type Verdict } from '../../src/lib/introspection/verdict-cache.js';
import { createMemoryStore } from '../../src/memory-store.js';

const active: Verdict = { active: true, issuer: 'https://issuer.example', response: { active: true } };

describe('the introspection verdict cache: joining an answer another request is asking for', () => {
  const cache = () =>
    createVerdictCache({
      store: createMemoryStore(),
      localMax: 100,
      maxCacheAge: 60,
      negativeCacheAge: 10,
      clock: Date.now,
      joinBoundMs: 20,
    });

  it('joiners share an answer that comes', async () => {
    const verdicts = cache();
    let asked = 0;
    const ask = async () => {
      asked += 1;
      return active;
    };
    const answers = await Promise.all([
      verdicts.resolve('token', () => false, ask),
      verdicts.resolve('token', () => false, ask),
    ]);
    expect(answers).toEqual([active, active]);
    expect(asked).toBe(1);
  });

  it('a joiner stops waiting for an answer that never comes and asks itself', async () => {
    const verdicts = cache();
    const stuck = verdicts.resolve(
      'token',
      () => false,
      () => new Promise<Verdict>(() => undefined),
    );
    await expect(
      verdicts.resolve(
        'token',
        () => false,
        async () => active,
      ),
    ).resolves.toEqual(active);
    void stuck;
  });
});

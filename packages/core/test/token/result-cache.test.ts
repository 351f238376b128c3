import { describe, expect, it } from 'vitest';
import { tokenFingerprint } from '../../src/lib/access-token/admission.js';
import { createResultCache } from '../../src/lib/access-token/result-cache.js';

const keys = () => ({ generation: 1, freshUntil: 10_000 as number | undefined });
const copy = (result: { id: number }) => ({ ...result });

describe('result cache', () => {
  it('returns an entry until its validUntil', () => {
    const cache = createResultCache(10, copy);
    const source = keys();
    cache.offer('t', { result: { id: 1 }, keys: source, generation: 1, validUntil: 5000 });
    expect(cache.get('t', 4999)?.result).toEqual({ id: 1 });
    expect(cache.get('t', 5000)).toBeUndefined();
    expect(cache.get('t', 1)).toBeUndefined();
  });

  it('drops an entry when the key set generation changes (key rotation)', () => {
    const cache = createResultCache(10, copy);
    const source = keys();
    cache.offer('t', { result: { id: 1 }, keys: source, generation: 1, validUntil: 5000 });
    source.generation = 2;
    expect(cache.get('t', 1)).toBeUndefined();
    source.generation = 1;
    expect(cache.get('t', 1)).toBeUndefined();
  });

  it('does not serve while the key set is not fresh', () => {
    const cache = createResultCache(10, copy);
    const source = keys();
    cache.offer('t', { result: { id: 1 }, keys: source, generation: 1, validUntil: 50_000 });
    expect(cache.get('t', 10_000)).toBeUndefined();
    source.freshUntil = undefined;
    cache.offer('u', { result: { id: 2 }, keys: source, generation: 1, validUntil: 50_000 });
    expect(cache.get('u', 1)).toBeUndefined();
  });

  it('keeps at most max entries, a token seen before displacing the least recently used', () => {
    const cache = createResultCache(2, copy);
    const source = keys();
    const entry = (id: number) => ({ result: { id }, keys: source, generation: 1, validUntil: 5000 });
    cache.offer('a', entry(1));
    cache.offer('b', entry(2));
    cache.get('a', 1);
    cache.offer('c', entry(3));
    cache.offer('c', entry(3));
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)?.result.id).toBe(1);
    expect(cache.get('c', 1)?.result.id).toBe(3);
  });

  it('answers only for the exact token, also when two tokens share a fingerprint', () => {
    const cache = createResultCache(10, copy);
    const source = keys();
    // Same length and same last 24 characters: the same fingerprint, different tokens.
    const tail = 'x'.repeat(24);
    const first = `a.b.${tail}`;
    const twin = `c.d.${tail}`;
    expect(tokenFingerprint(twin)).toBe(tokenFingerprint(first));
    cache.offer(first, { result: { id: 1 }, keys: source, generation: 1, validUntil: 5000 });
    expect(cache.get(twin, 1)).toBeUndefined();
    expect(cache.get(first, 1)?.result.id).toBe(1);
    // A fresh string with the same characters is the same token.
    expect(cache.get(['a', 'b', tail].join('.'), 1)?.result.id).toBe(1);
  });

  it('finds a token after another sharing its presence-filter slot was evicted, replaced or dropped stale', () => {
    // A cache this small has the filter's fewest slots, 1,024: find three tokens in one slot.
    const inSlot = (token: string) => tokenFingerprint(token) & 1023;
    const candidates = Array.from({ length: 20_000 }, (_, index) => `h.p.${String(index).padStart(24, '0')}`);
    const [a, b, c] = candidates.filter((token) => inSlot(token) === inSlot(candidates[0]!));
    if (a === undefined || b === undefined || c === undefined)
      throw new Error('no three tokens share a slot');
    const cache = createResultCache(2, copy);
    const source = keys();
    const entry = (id: number, validUntil = 5000) => ({
      result: { id },
      keys: source,
      generation: 1,
      validUntil,
    });
    cache.offer(a, entry(1));
    cache.offer(b, entry(2));
    cache.get(b, 1);
    // Seen twice, c displaces the least recently used, a.
    cache.offer('other', entry(9));
    cache.offer('other', entry(9));
    expect(cache.get(a, 1)).toBeUndefined();
    expect(cache.get(b, 1)?.result.id).toBe(2);
    // Offered again, b replaces its own entry.
    cache.offer(b, entry(3));
    expect(cache.get(b, 1)?.result.id).toBe(3);
    // c goes stale and is dropped; b, in the same slot, stays.
    cache.offer(c, entry(4, 10));
    cache.offer(c, entry(4, 10));
    expect(cache.get(c, 10)).toBeUndefined();
    expect(cache.get(b, 10)?.result.id).toBe(3);
    expect(cache.holds(b)).toBe(true);
  });

  it('once full, keeps a token seen only once out, so one-shot tokens cost no eviction', () => {
    const cache = createResultCache(2, copy);
    const source = keys();
    const entry = (id: number) => ({ result: { id }, keys: source, generation: 1, validUntil: 5000 });
    cache.offer('a', entry(1));
    cache.offer('b', entry(2));
    for (let id = 3; id < 2000; id += 1) cache.offer(`one-shot-${id}`, entry(id));
    expect(cache.get('a', 1)?.result.id).toBe(1);
    expect(cache.get('b', 1)?.result.id).toBe(2);
    expect(cache.get('one-shot-3', 1)).toBeUndefined();
  });

  it('keeps its own copy of a result, never the object offered, and answers that copy on every hit', () => {
    const copies: { id: number }[] = [];
    const cache = createResultCache(10, (result: { id: number }) => {
      const kept = { ...result };
      copies.push(kept);
      return kept;
    });
    const offered = { id: 1 };
    cache.offer('t', { result: offered, keys: keys(), generation: 1, validUntil: 5000 });
    const hit = cache.get('t', 1)?.result;
    expect(hit).toEqual(offered);
    expect(hit).not.toBe(offered);
    expect(copies).toEqual([offered]);
    expect(cache.get('t', 2)?.result).toBe(hit);
  });

  it('copies only what it admits: a one-shot token once the cache is full costs no copy', () => {
    let copied = 0;
    const cache = createResultCache(2, (result: { id: number }) => {
      copied += 1;
      return { ...result };
    });
    const source = keys();
    const entry = (id: number) => ({ result: { id }, keys: source, generation: 1, validUntil: 5000 });
    cache.offer('a', entry(1));
    cache.offer('b', entry(2));
    for (let id = 3; id < 100; id += 1) cache.offer(`one-shot-${id}`, entry(id));
    expect(copied).toBe(2);
  });

  it('holds a token it keeps, even stale, only that exact token, and asking changes no recency', () => {
    const cache = createResultCache(2, copy);
    const source = keys();
    const entry = (id: number) => ({ result: { id }, keys: source, generation: 1, validUntil: 5000 });
    const tail = 'x'.repeat(24);
    cache.offer(`a.b.${tail}`, entry(1));
    expect(cache.holds(`a.b.${tail}`)).toBe(true);
    // Same fingerprint, another token.
    expect(cache.holds(`c.d.${tail}`)).toBe(false);
    // Stale (its keys replaced) but still held: holding says nothing of validity.
    source.generation = 2;
    expect(cache.holds(`a.b.${tail}`)).toBe(true);
    source.generation = 1;
    cache.offer('b', entry(2));
    // `a` is the least recently used whatever `holds` asked; a token seen before displaces it.
    expect(cache.holds(`a.b.${tail}`)).toBe(true);
    cache.offer('c', entry(3));
    cache.offer('c', entry(3));
    expect(cache.holds(`a.b.${tail}`)).toBe(false);
    expect(cache.holds('b')).toBe(true);
    expect(cache.holds('c')).toBe(true);
  });
});

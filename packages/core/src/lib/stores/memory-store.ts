/**
 * The in-memory store: two bounded LRU maps, one of keys marked once and one of cached values,
 * each entry carrying its own expiry read from the injected clock (lru-cache only bounds the
 * count). Everything runs synchronously inside one call, which is what makes `markOnce` atomic
 * within the process.
 */
import { LRUCache } from 'lru-cache';
import type { SharedStore } from '../../store.js';
import { checkStoreKey, checkTtl } from './arguments.js';

interface CachedValue {
  readonly value: string;
  readonly expiresAt: number;
}

export interface LruMemoryStoreSettings {
  readonly max: number;
  readonly clock: () => number;
}

export function createLruMemoryStore({ max, clock }: LruMemoryStoreSettings): SharedStore {
  const marked = new LRUCache<string, number>({ max });
  const cached = new LRUCache<string, CachedValue>({ max });
  // While the marked map is full of unexpired keys, nothing can be freed before this instant.
  let fullUntil = Number.NEGATIVE_INFINITY;

  /** Drops expired marks; true when that made room. */
  function makeRoom(now: number): boolean {
    if (now < fullUntil) return false;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, expiresAt] of marked.entries()) {
      if (expiresAt <= now) marked.delete(key);
      else if (expiresAt < earliest) earliest = expiresAt;
    }
    const room = marked.size < max;
    fullUntil = room ? Number.NEGATIVE_INFINITY : earliest;
    return room;
  }

  function markOnceNow(key: string, ttlMs: number): boolean {
    checkStoreKey(key);
    checkTtl(ttlMs);
    const now = clock();
    const expiresAt = marked.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    // Making room by evicting an unexpired key would let its replay through: refuse instead.
    if (expiresAt === undefined && marked.size >= max && !makeRoom(now)) {
      throw new Error(`in-memory replay store is full: all ${max} keys are unexpired`);
    }
    marked.set(key, now + ttlMs);
    return true;
  }

  function getNow(key: string): string | undefined {
    checkStoreKey(key);
    const entry = cached.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= clock()) {
      cached.delete(key);
      return undefined;
    }
    return entry.value;
  }

  function setNow(key: string, value: string, ttlMs: number): void {
    checkStoreKey(key);
    if (typeof value !== 'string') throw new TypeError(`store values are strings; found ${typeof value}`);
    checkTtl(ttlMs);
    cached.set(key, { value, expiresAt: clock() + ttlMs });
  }

  // Each method turns a throw into a rejection, as the interface promises.
  return Object.freeze({
    kind: 'memory',
    markOnce: (key: string, ttlMs: number) => attempt(() => markOnceNow(key, ttlMs)),
    get: (key: string) => attempt(() => getNow(key)),
    set: (key: string, value: string, ttlMs: number) => attempt(() => setNow(key, value, ttlMs)),
  });
}

function attempt<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Introspection answers, reused: stored under the SHA-256 of the token (the store never sees a
 * token), an active answer for at most `maxCacheAge` and never past the token's `exp` (RFC 7662
 * §4), an inactive one for `negativeCacheAge`; and asked once for any number of concurrent
 * requests with the same token (single-flight, per process). Each entry carries the instant it
 * stops being usable, which also bounds a store that keeps it longer, and this process keeps the
 * entries it used by token too (like the verified-result cache), so a repeat costs neither a
 * digest nor a store round trip. A store that fails is skipped: the server is asked instead. The
 * caller re-checks every answer, `exp` included, on every use.
 */
import { LRUCache } from 'lru-cache';
import type { CacheStore } from '../../store.js';
import { joinShared } from '../keys/shared-flight.js';

export type Verdict =
  /** `issuer`: the server that vouched for the token. */
  | { readonly active: true; readonly issuer: string; readonly response: Readonly<Record<string, unknown>> }
  /** `asked`: every server asked, each of which said `active: false`. */
  | { readonly active: false; readonly asked: readonly string[] };

/** A verdict as stored: usable until `until` (epoch ms). */
interface StoredVerdict {
  readonly verdict: Verdict;
  readonly until: number;
}

export interface VerdictCacheSettings {
  readonly store: CacheStore;
  /** Entries this process keeps by token. */
  readonly localMax: number;
  /** Seconds. */
  readonly maxCacheAge: number;
  /** Seconds. */
  readonly negativeCacheAge: number;
  readonly clock: () => number;
  /**
   * Milliseconds a request waits for an answer another request is asking for; then it asks
   * itself (on Workers, a cancelled request's promise never settles: see keys/shared-flight.ts).
   */
  readonly joinBoundMs: number;
}

export interface VerdictCache {
  /**
   * The verdict on `token`: a stored one that `usable` accepts, the one a concurrent call for the
   * same token is waiting for, or what `ask` answers (then stored). `ask` rejecting is passed on
   * and nothing is stored.
   */
  resolve(
    token: string,
    usable: (verdict: Verdict) => boolean,
    ask: () => Promise<Verdict>,
  ): Promise<Verdict>;
}

const KEY_PREFIX = 'introspection:';
const utf8 = new TextEncoder();

export function createVerdictCache(settings: VerdictCacheSettings): VerdictCache {
  const inFlight = new Map<string, Promise<Verdict>>();
  const local = new LRUCache<string, StoredVerdict>({ max: settings.localMax });

  async function lookUpOrAsk(
    token: string,
    usable: (verdict: Verdict) => boolean,
    ask: () => Promise<Verdict>,
  ): Promise<Verdict> {
    const key = await cacheKey(token);
    const stored = await read(settings.store, key);
    if (stored !== undefined && stored.until > settings.clock() && usable(stored.verdict)) {
      local.set(token, stored);
      return stored.verdict;
    }
    const verdict = await ask();
    const ttlMs = lifetimeMs(verdict, settings);
    if (ttlMs >= 1) {
      const entry: StoredVerdict = { verdict, until: settings.clock() + ttlMs };
      local.set(token, entry);
      await settings.store.set(key, JSON.stringify(entry), ttlMs).catch(ignore);
    }
    return verdict;
  }

  return {
    resolve(token, usable, ask) {
      const known = local.get(token);
      if (known !== undefined) {
        if (known.until > settings.clock() && usable(known.verdict)) return Promise.resolve(known.verdict);
        local.delete(token);
      }
      return resolve(token, usable, ask);
    },
  };

  function resolve(
    token: string,
    usable: (verdict: Verdict) => boolean,
    ask: () => Promise<Verdict>,
  ): Promise<Verdict> {
    const pending = inFlight.get(token);
    if (pending !== undefined) {
      return joinShared(pending, settings.joinBoundMs, () => {
        if (inFlight.get(token) === pending) inFlight.delete(token);
        return resolve(token, usable, ask);
      });
    }
    const asking = lookUpOrAsk(token, usable, ask).finally(() => {
      if (inFlight.get(token) === asking) inFlight.delete(token);
    });
    inFlight.set(token, asking);
    return asking;
  }
}

/**
 * Milliseconds to keep `verdict`: for an active token, the shorter of `maxCacheAge` and its time
 * left. An answer without `exp` is kept for `maxCacheAge`: RFC 7662 §4 bounds caching by an `exp`
 * the answer states, and without one the server's word is at most that old when used (a JWT's
 * own `exp` is checked before its cached answer is looked at; an opaque token's answer is refused
 * without one, and the refusal is kept like any). A malformed `exp` is not kept.
 */
function lifetimeMs(verdict: Verdict, settings: VerdictCacheSettings): number {
  if (!verdict.active) return Math.floor(settings.negativeCacheAge * 1000);
  const { exp } = verdict.response;
  if (exp === undefined) return Math.floor(settings.maxCacheAge * 1000);
  if (typeof exp !== 'number') return 0;
  return Math.floor(Math.min(settings.maxCacheAge * 1000, exp * 1000 - settings.clock()));
}

async function cacheKey(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8.encode(token));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return `${KEY_PREFIX}${hex}`;
}

/** A stored verdict, or `undefined` when there is none, the store failed, or the value is not one. */
async function read(store: CacheStore, key: string): Promise<StoredVerdict | undefined> {
  let text: string | undefined;
  try {
    text = await store.get(key);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<StoredVerdict> | null;
    return typeof value?.until === 'number' && isVerdict(value.verdict)
      ? (value as StoredVerdict)
      : undefined;
  } catch {
    return undefined;
  }
}

function isVerdict(value: unknown): value is Verdict {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  if (candidate.active === true) {
    return (
      typeof candidate.issuer === 'string' &&
      typeof candidate.response === 'object' &&
      candidate.response !== null &&
      !Array.isArray(candidate.response)
    );
  }
  return (
    candidate.active === false &&
    Array.isArray(candidate.asked) &&
    candidate.asked.every((issuer) => typeof issuer === 'string')
  );
}

function ignore(): void {}

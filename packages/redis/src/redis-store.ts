/**
 * `createRedisStore`: tokenward's replay store and cache on the application's own Redis client.
 * A proof is burned with one `SET key 1 NX PX ttl`, which Redis runs atomically, so of any number
 * of instances seeing the same proof at once exactly one is told it is new. Nothing is scanned
 * (no `KEYS`), and every failure, including a Redis that does not answer in time, rejects: core
 * then refuses the request with 503 rather than accepting an unchecked proof.
 */
import { type SharedStore, TokenwardError } from '@tokenward/core';
import {
  type IoRedisClient,
  ioRedisCommands,
  isIoRedisClient,
  isNodeRedisClient,
  type NodeRedisClient,
  nodeRedisCommands,
  type RedisCommands,
} from './clients.js';

interface RedisStoreSettings {
  /**
   * Prepended to every key, so tokenward's keys stay apart from the application's. At most 256
   * characters; `''` for none. Default `'tokenward:'`.
   * @example 'api-orders:tokenward:'
   */
  readonly prefix?: string;
  /**
   * Seconds to wait for Redis to answer before the call rejects (the command may still run
   * later: a proof it records then was refused anyway). Range greater than 0 to 60. Default `1`.
   */
  readonly timeout?: number;
}

/** Options of {@link createRedisStore} with a node-redis client. */
export interface NodeRedisStoreOptions extends RedisStoreSettings {
  /** A connected node-redis 5 or 6 client, cluster or sentinel client (`createClient()` ...). */
  readonly client: NodeRedisClient;
}

/** Options of {@link createRedisStore} with an ioredis client. */
export interface IoRedisStoreOptions extends RedisStoreSettings {
  /** An ioredis 5 or 6 `Redis` or `Cluster`. */
  readonly client: IoRedisClient;
}

export const REDIS_STORE_DEFAULTS = Object.freeze({ prefix: 'tokenward:', timeout: 1 });
const MAX_PREFIX_LENGTH = 256;
const MAX_TIMEOUT = 60;
const MAX_KEY_LENGTH = 1024;

/**
 * A `ReplayStore` and `CacheStore` on Redis, shared by every instance that uses the same Redis.
 * The client stays yours: connect it (TLS, Cluster, Sentinel, credentials as you need) before
 * the first request and close it on shutdown; the store never connects or closes it.
 *
 * @example
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const replayStore = createRedisStore({ client, prefix: 'orders-api:' });
 * @example
 * import { Redis } from 'ioredis';
 * const replayStore = createRedisStore({ client: new Redis(process.env.REDIS_URL) });
 */
export function createRedisStore(options: NodeRedisStoreOptions): SharedStore;
export function createRedisStore(options: IoRedisStoreOptions): SharedStore;
export function createRedisStore(options: NodeRedisStoreOptions | IoRedisStoreOptions): SharedStore {
  if (typeof options !== 'object' || options === null) throw configError('options must be an object');
  for (const name of Object.keys(options)) {
    if (!['client', 'prefix', 'timeout'].includes(name)) {
      throw configError(`unknown option \`${name}\`; known options: client, prefix, timeout`);
    }
  }
  const commands = commandsOf(options.client);
  const prefix = prefixOf(options.prefix);
  const timeoutMs = timeoutOf(options.timeout) * 1000;

  const answer = <T>(run: () => Promise<T>): Promise<T> => withDeadline(run, timeoutMs);
  return Object.freeze({
    kind: 'redis',
    markOnce: (key: string, ttlMs: number) =>
      answer(() => {
        checkArguments(key, ttlMs);
        return commands.setIfAbsent(prefix + key, '1', ttlMs);
      }),
    get: (key: string) =>
      answer(() => {
        checkArguments(key, 1);
        return commands.get(prefix + key);
      }),
    set: (key: string, value: string, ttlMs: number) =>
      answer(() => {
        checkArguments(key, ttlMs);
        if (typeof value !== 'string') throw new TypeError(`store values are strings; found ${typeof value}`);
        return commands.set(prefix + key, value, ttlMs);
      }),
  });
}

function commandsOf(client: unknown): RedisCommands {
  // A node-redis client has `isOpen`; an ioredis client has `status` (and, being an EventEmitter
  // with a different API, no `isOpen`).
  if (isNodeRedisClient(client)) return nodeRedisCommands(client);
  if (isIoRedisClient(client)) return ioRedisCommands(client);
  throw configError(
    '`client` must be a node-redis client (createClient() from "redis") or an ioredis client (new Redis() from "ioredis")',
  );
}

function prefixOf(value: unknown): string {
  if (value === undefined) return REDIS_STORE_DEFAULTS.prefix;
  if (typeof value !== 'string' || value.length > MAX_PREFIX_LENGTH) {
    throw configError(`\`prefix\` must be a string of at most ${MAX_PREFIX_LENGTH} characters`);
  }
  return value;
}

function timeoutOf(value: unknown): number {
  if (value === undefined) return REDIS_STORE_DEFAULTS.timeout;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT) {
    throw configError(
      `\`timeout\` must be a number of seconds greater than 0 to ${MAX_TIMEOUT}; found ${String(value)}`,
    );
  }
  return value;
}

function checkArguments(key: unknown, ttlMs: unknown): void {
  if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH) {
    throw new TypeError(`store keys are non-empty strings of at most ${MAX_KEY_LENGTH} characters`);
  }
  if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`store TTLs are positive integers of milliseconds; found ${String(ttlMs)}`);
  }
}

/**
 * Runs `run` and rejects if it has not settled after `timeoutMs`: a paused or unreachable Redis
 * makes clients queue commands indefinitely, and a request must not wait with them.
 */
function withDeadline<T>(run: () => Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const settle = () => clearTimeout(timer);
    let pending: Promise<T>;
    try {
      pending = run();
    } catch (error) {
      settle();
      reject(error);
      return;
    }
    pending.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', `tokenward: createRedisStore: ${message}`);
}

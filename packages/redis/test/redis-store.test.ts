import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, REDIS_STORE_DEFAULTS } from '../src/index.js';
import { CLIENT_NAMES, type ConnectedClient, connect } from './support/clients.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

let server: RedisServer;
/** A plain connection for looking at what the store wrote. */
let admin: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
});

afterAll(async () => {
  admin?.disconnect();
  await server?.close();
});

/** Waits for a condition Redis reports (e.g. a key expiring), polling; bounded by the test timeout. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

let keyCounter = 0;
function freshKey(label: string): string {
  keyCounter += 1;
  return `${label}:${process.pid}:${keyCounter}`;
}

describe.each(CLIENT_NAMES)('createRedisStore with %s', (name) => {
  let connected: ConnectedClient;

  beforeAll(async () => {
    connected = await connect(name, server.url);
  });

  afterAll(async () => {
    await connected?.close();
  });

  it('markOnce answers true once, then false while the key lives (DP-7)', async () => {
    const store = connected.store();
    const key = freshKey('once');
    expect(await store.markOnce(key, 60_000)).toBe(true);
    expect(await store.markOnce(key, 60_000)).toBe(false);
    // One key under the default prefix, with the TTL asked for.
    expect(await admin.get(`tokenward:${key}`)).toBe('1');
    const ttl = await admin.pttl(`tokenward:${key}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('a key is new again once Redis has expired it', async () => {
    const store = connected.store();
    const key = freshKey('expiry');
    expect(await store.markOnce(key, 30)).toBe(true);
    await until(async () => (await admin.exists(`tokenward:${key}`)) === 0);
    expect(await store.markOnce(key, 60_000)).toBe(true);
    expect(await store.markOnce(key, 60_000)).toBe(false);
  });

  it('of 100 concurrent markOnce calls with one key, exactly one is true (SET NX is atomic)', async () => {
    const store = connected.store();
    const key = freshKey('race');
    const answers = await Promise.all(Array.from({ length: 100 }, () => store.markOnce(key, 60_000)));
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it('keeps stores with different prefixes apart', async () => {
    const key = freshKey('prefix');
    const orders = connected.store({ prefix: 'orders:' });
    const billing = connected.store({ prefix: 'billing:' });
    expect(await orders.markOnce(key, 60_000)).toBe(true);
    expect(await billing.markOnce(key, 60_000)).toBe(true);
    expect(await orders.markOnce(key, 60_000)).toBe(false);
    expect(await admin.exists(`orders:${key}`, `billing:${key}`, `tokenward:${key}`)).toBe(2);
    const bare = connected.store({ prefix: '' });
    expect(await bare.markOnce(key, 60_000)).toBe(true);
    expect(await admin.exists(key)).toBe(1);
  });

  it('get/set caches a string with its TTL and answers undefined when absent', async () => {
    const store = connected.store();
    const key = freshKey('cache');
    expect(await store.get(key)).toBeUndefined();
    await store.set(key, '{"active":true,"scope":"a b"}', 60_000);
    expect(await store.get(key)).toBe('{"active":true,"scope":"a b"}');
    await store.set(key, 'replaced', 5_000);
    expect(await store.get(key)).toBe('replaced');
    const ttl = await admin.pttl(`tokenward:${key}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it('surfaces an error Redis answers with (a key of another type) as a rejection', async () => {
    const store = connected.store();
    const key = freshKey('wrongtype');
    await admin.lpush(`tokenward:${key}`, 'x');
    await expect(store.get(key)).rejects.toThrow(/WRONGTYPE/);
  });

  it('rejects keys and TTLs no caller should pass, without sending anything', async () => {
    const store = connected.store();
    await expect(store.markOnce('k', 0)).rejects.toThrow(RangeError);
    await expect(store.markOnce('k', 1.5)).rejects.toThrow(RangeError);
    await expect(store.markOnce('', 1000)).rejects.toThrow(TypeError);
    await expect(store.set('k', 1 as unknown as string, 1000)).rejects.toThrow(TypeError);
    expect(await admin.exists('tokenward:k')).toBe(0);
  });
});

describe('one Redis shared by node-redis and ioredis clients', () => {
  it('100 concurrent markOnce calls spread over four clients: exactly one is true', async () => {
    const clients = await Promise.all(CLIENT_NAMES.map((name) => connect(name, server.url)));
    try {
      const stores = clients.map((client) => client.store());
      const key = freshKey('shared');
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, index) => stores[index % stores.length]!.markOnce(key, 60_000)),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});

describe('createRedisStore options', () => {
  it('defaults to the tokenward: prefix and a 1 s timeout', () => {
    expect(REDIS_STORE_DEFAULTS).toEqual({ prefix: 'tokenward:', timeout: 1 });
  });

  it('throws ERR_CONFIG naming the problem', () => {
    const client = admin;
    const refusal = (options: unknown) => {
      try {
        createRedisStore(options as Parameters<typeof createRedisStore>[0]);
      } catch (error) {
        expect((error as { code?: string }).code).toBe('ERR_CONFIG');
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refusal({ client: {} })).toContain('`client` must be a node-redis client');
    expect(refusal({ client: undefined })).toContain('`client` must be');
    expect(refusal(null)).toContain('options must be an object');
    expect(refusal({ client, ttl: 5 })).toContain('unknown option `ttl`');
    expect(refusal({ client, prefix: 5 })).toContain('`prefix` must be a string');
    expect(refusal({ client, prefix: 'p'.repeat(257) })).toContain('at most 256');
    expect(refusal({ client, timeout: 0 })).toContain('`timeout` must be a number of seconds');
    expect(refusal({ client, timeout: 61 })).toContain('`timeout` must be a number of seconds');
  });
});

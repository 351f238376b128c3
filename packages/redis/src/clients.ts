/**
 * The two Redis clients tokenward supports, told apart by shape rather than by `instanceof`, so
 * whichever copy and major version (5 or 6) the application installed works: the store never
 * imports either package. Each adapter sends one command per call.
 */

/** What the store uses of a node-redis client (`redis` 5 or 6: `createClient()`, `createCluster()`, ...). */
export interface NodeRedisClient {
  /** node-redis clients say whether they are connected; ioredis ones have `status` instead. */
  readonly isOpen: boolean;
  set(key: string, value: string, options: NodeRedisSetOptions): Promise<unknown>;
  get(key: string): Promise<unknown>;
}

/** The `SET` options the store sends through node-redis (`SET key value [NX] PX ttl`). */
export interface NodeRedisSetOptions {
  readonly condition?: 'NX';
  readonly expiration: { readonly type: 'PX'; readonly value: number };
}

/** What the store uses of an ioredis client (`ioredis` 5 or 6: `new Redis()`, `new Cluster()`, ...). */
export interface IoRedisClient {
  /** ioredis clients report `'connecting'`, `'ready'`, `'end'`, ... */
  readonly status: string;
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number): Promise<unknown>;
  get(key: string): Promise<unknown>;
}

/** The commands the store needs, whichever client carries them. */
export interface RedisCommands {
  /** `SET key value NX PX ttl`: `true` when the key was set, `false` when it existed. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** `SET key value PX ttl`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
}

export function isNodeRedisClient(client: unknown): client is NodeRedisClient {
  return hasCommands(client) && typeof (client as { isOpen?: unknown }).isOpen === 'boolean';
}

export function isIoRedisClient(client: unknown): client is IoRedisClient {
  return hasCommands(client) && typeof (client as { status?: unknown }).status === 'string';
}

function hasCommands(client: unknown): boolean {
  if (typeof client !== 'object' || client === null) return false;
  const { set, get } = client as { set?: unknown; get?: unknown };
  return typeof set === 'function' && typeof get === 'function';
}

export function nodeRedisCommands(client: NodeRedisClient): RedisCommands {
  return {
    setIfAbsent: async (key, value, ttlMs) =>
      isOk(await client.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } })),
    async set(key, value, ttlMs) {
      expectOk(await client.set(key, value, { expiration: { type: 'PX', value: ttlMs } }));
    },
    get: async (key) => stringOrNothing(await client.get(key)),
  };
}

export function ioRedisCommands(client: IoRedisClient): RedisCommands {
  return {
    setIfAbsent: async (key, value, ttlMs) => isOk(await client.set(key, value, 'PX', ttlMs, 'NX')),
    async set(key, value, ttlMs) {
      expectOk(await client.set(key, value, 'PX', ttlMs));
    },
    get: async (key) => stringOrNothing(await client.get(key)),
  };
}

/** `SET ... NX` answers `OK` when it set the key and nil when the key existed. */
function isOk(reply: unknown): boolean {
  if (reply === 'OK') return true;
  if (reply === null || reply === undefined) return false;
  throw new Error(`unexpected reply to SET: ${typeof reply}`);
}

function expectOk(reply: unknown): void {
  if (reply !== 'OK') throw new Error(`unexpected reply to SET: ${typeof reply}`);
}

function stringOrNothing(reply: unknown): string | undefined {
  if (reply === null || reply === undefined) return undefined;
  if (typeof reply === 'string') return reply;
  throw new Error(`unexpected reply to GET: ${typeof reply}`);
}

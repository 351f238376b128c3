/**
 * The four clients the store is tested with: node-redis and ioredis, majors 5 and 6, each
 * connected to a test server the way an application would connect it.
 */
import { Redis as IoRedis5 } from 'ioredis';
import { Redis as IoRedis6 } from 'ioredis6';
import { createClient as createClient5 } from 'redis';
import { createClient as createClient6 } from 'redis6';
import { createRedisStore } from '../../src/index.js';

export interface ConnectedClient {
  /** The store over this client. */
  store(options?: { prefix?: string; timeout?: number }): ReturnType<typeof createRedisStore>;
  /** Resolves when the client is connected again after the server came back. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export type ClientName = 'node-redis 5' | 'node-redis 6' | 'ioredis 5' | 'ioredis 6';

export const CLIENT_NAMES: readonly ClientName[] = ['node-redis 5', 'node-redis 6', 'ioredis 5', 'ioredis 6'];

export async function connect(name: ClientName, url: string): Promise<ConnectedClient> {
  // Reconnect quickly so the recovery test does not wait on the default back-off.
  switch (name) {
    case 'node-redis 5':
      return nodeRedis(createClient5({ url, socket: { reconnectStrategy: () => 50 } }));
    case 'node-redis 6':
      return nodeRedis(createClient6({ url, socket: { reconnectStrategy: () => 50 } }));
    case 'ioredis 5':
      return ioRedis(new IoRedis5(url, { retryStrategy: () => 50 }));
    case 'ioredis 6':
      return ioRedis(new IoRedis6(url, { retryStrategy: () => 50 }));
  }
}

type NodeRedis = ReturnType<typeof createClient5> | ReturnType<typeof createClient6>;

async function nodeRedis(client: NodeRedis): Promise<ConnectedClient> {
  // A node-redis client without an error listener crashes the process when the server goes away.
  client.on('error', () => {});
  await client.connect();
  return {
    store: (options) => createRedisStore({ client, ...options }),
    ready: () => nextReady(client),
    close: async () => {
      client.destroy();
    },
  };
}

async function ioRedis(client: IoRedis5 | IoRedis6): Promise<ConnectedClient> {
  client.on('error', () => {});
  if (client.status !== 'ready') await nextReady(client);
  return {
    store: (options) => createRedisStore({ client, ...options }),
    ready: () => nextReady(client),
    close: async () => {
      client.disconnect();
    },
  };
}

/** The next `ready` event; unlike `events.once`, not ended by the `error` events a reconnecting client emits. */
function nextReady(client: { once(event: 'ready', listener: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => {
    client.once('ready', () => resolve());
  });
}

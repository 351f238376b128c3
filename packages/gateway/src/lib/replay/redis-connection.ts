/**
 * The CLI's shared replay store: an ioredis client for `--replay-redis` and `@tokenward/redis`'s
 * store on it, so every gateway replica given the same Redis accepts a DPoP proof once (RFC 9449
 * section 11.1). While Redis is away the store rejects and core refuses DPoP requests with 503
 * `ERR_REPLAY_STORE_UNAVAILABLE`; the client reconnects on its own.
 */
import type { ReplayStore } from '@tokenward/core';
import { createRedisStore } from '@tokenward/redis';
import { Redis } from 'ioredis';
import { redisAddress } from './redis-url.js';

export interface ReplayRedis {
  readonly store: ReplayStore;
  /** Drops the connection (the gateway has stopped deciding). */
  close(): void;
}

/**
 * Connects to Redis at `url` (checked by `redisUrlProblem`); rejects with a one-line message naming
 * the address and where the URL came from (`source`: the flag or the environment variable), never
 * the credentials, when it cannot connect and authenticate. `log` is told when the connection is
 * lost and when it is back.
 */
export async function connectReplayRedis(
  url: string,
  source: string,
  log: (line: string) => void,
): Promise<ReplayRedis> {
  const address = redisAddress(url);
  const client = new Redis(url, {
    lazyConnect: true,
    // Without a connection a command fails at once (503 now) instead of queueing until the store's
    // timeout: an outage must not pile up every request's command in memory.
    enableOfflineQueue: false,
  });
  let lastError = 'the connection closed';
  // Listening is also what keeps ioredis from printing every failed reconnection itself.
  client.on('error', (error: Error) => {
    lastError = error.message;
  });
  try {
    await client.connect();
  } catch {
    client.disconnect();
    throw new Error(`Redis at ${address} (${source}) could not be reached: ${lastError}`);
  }
  let connected = true;
  // Our own `disconnect()` emits `close` too, after the command has said `draining`.
  let closing = false;
  client.on('close', () => {
    if (!connected || closing) return;
    connected = false;
    log(`lost the connection to Redis at ${address}: DPoP requests are refused (503) until it is back`);
  });
  client.on('ready', () => {
    if (connected) return;
    connected = true;
    log(`connected to Redis at ${address} again`);
  });
  return {
    store: createRedisStore({ client }),
    close() {
      closing = true;
      client.disconnect();
    },
  };
}

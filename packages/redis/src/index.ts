/**
 * `@tokenward/redis`: tokenward's replay store and cache on Redis, for APIs that run as more than
 * one process. Works with the application's own node-redis (`redis`) or `ioredis` client.
 */
export type { CacheStore, ReplayStore, SharedStore } from '@tokenward/core';
export type { IoRedisClient, NodeRedisClient } from './clients.js';
export {
  createRedisStore,
  type IoRedisStoreOptions,
  type NodeRedisStoreOptions,
  REDIS_STORE_DEFAULTS,
} from './redis-store.js';

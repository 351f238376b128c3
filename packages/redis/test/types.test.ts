import type { Cluster as IoCluster5, Redis as IoRedis5 } from 'ioredis';
import type { Cluster as IoCluster6, Redis as IoRedis6 } from 'ioredis6';
import type {
  createClient as createClient5,
  createCluster as createCluster5,
  createSentinel as createSentinel5,
} from 'redis';
import type { createClient as createClient6, createCluster as createCluster6 } from 'redis6';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createRedisStore,
  type IoRedisClient,
  type NodeRedisClient,
  type SharedStore,
} from '../src/index.js';

describe('createRedisStore types', () => {
  it('takes node-redis 5 and 6 clients, clusters and sentinels', () => {
    expectTypeOf<ReturnType<typeof createClient5>>().toMatchTypeOf<NodeRedisClient>();
    expectTypeOf<ReturnType<typeof createCluster5>>().toMatchTypeOf<NodeRedisClient>();
    expectTypeOf<ReturnType<typeof createSentinel5>>().toMatchTypeOf<NodeRedisClient>();
    expectTypeOf<ReturnType<typeof createClient6>>().toMatchTypeOf<NodeRedisClient>();
    expectTypeOf<ReturnType<typeof createCluster6>>().toMatchTypeOf<NodeRedisClient>();
  });

  it('takes ioredis 5 and 6 clients and clusters', () => {
    expectTypeOf<IoRedis5>().toMatchTypeOf<IoRedisClient>();
    expectTypeOf<IoCluster5>().toMatchTypeOf<IoRedisClient>();
    expectTypeOf<IoRedis6>().toMatchTypeOf<IoRedisClient>();
    expectTypeOf<IoCluster6>().toMatchTypeOf<IoRedisClient>();
  });

  it('returns a store with both interfaces, and refuses anything else at compile time', () => {
    expectTypeOf(createRedisStore).returns.toEqualTypeOf<SharedStore>();
    // @ts-expect-error a plain object with get/set is not a Redis client
    expectTypeOf(createRedisStore).toBeCallableWith({ client: { get: async () => null } });
    // @ts-expect-error the client is required
    expectTypeOf(createRedisStore).toBeCallableWith({ prefix: 'p:' });
  });
});

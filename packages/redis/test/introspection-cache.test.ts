/**
 * Introspection answers shared through Redis: instances of an API that share a store ask the
 * authorization server once per token per cache window between them, and Redis holds a digest of
 * the token with an expiry no later than the window, never the token itself.
 */
import { createAccessTokenVerifier } from '@tokenward/core';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_NAMES, type ConnectedClient, connect } from './support/clients.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

let redis: RedisServer;
let admin: Redis;
let issuer: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url);
  issuer = await startIssuer({ port: 0 });
  server = issuer.server('default');
});

afterAll(async () => {
  admin?.disconnect();
  await redis?.close();
  await issuer?.close();
});

const introspections = () => issuer.requestCount({ server: 'default', endpoint: 'introspect' });

describe.each(CLIENT_NAMES)('the introspection cache on Redis with %s (IN-4)', (name) => {
  let first: ConnectedClient;
  let second: ConnectedClient;

  beforeAll(async () => {
    first = await connect(name, redis.url);
    second = await connect(name, redis.url);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  const verifierOn = (client: ConnectedClient) =>
    createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      introspection: {
        mode: 'fallback',
        clientId: 'test-client',
        clientSecret: 'test-secret',
        maxCacheAge: 60,
        store: client.store(),
      },
    });

  it('two instances sharing Redis make one introspection call for a token, and Redis holds only its digest (IN-4)', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' }, { format: 'opaque', expiresIn: 3600 });
    const before = introspections();
    await expect(verifierOn(first).verify(token)).resolves.toMatchObject({ subject: 'alice' });
    await expect(verifierOn(second).verify(token)).resolves.toMatchObject({ subject: 'alice' });
    expect(introspections() - before).toBe(1);
    const keys = await admin.keys('tokenward:introspection:*');
    const stored = await Promise.all(keys.map((key) => admin.get(key)));
    expect(stored.some((value) => value?.includes('"sub":"alice"'))).toBe(true);
    expect(stored.some((value) => value?.includes(token))).toBe(false);
    expect(keys.some((key) => key.includes(token))).toBe(false);
    const ttls = await Promise.all(keys.map((key) => admin.pttl(key)));
    expect(ttls.every((ttl) => ttl > 0 && ttl <= 60_000)).toBe(true);
  });
});

/**
 * A Redis that cannot answer must make the store reject, within its timeout, so that core
 * refuses the request (fail closed); and the same store must work again once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_NAMES, type ConnectedClient, connect } from './support/clients.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

describe.each(CLIENT_NAMES)('Redis outages with %s', (name) => {
  let server: RedisServer;
  let connected: ConnectedClient;

  beforeAll(async () => {
    server = await startRedisServer();
    connected = await connect(name, server.url);
  });

  afterAll(async () => {
    await connected?.close();
    await server?.close();
  });

  it('paused (CLIENT PAUSE WRITE): markOnce rejects after the timeout, then answers once unpaused', async () => {
    // A short timeout for the calls that must fail, a generous one for those that must answer
    // (a loaded machine can take longer than 200 ms to serve a healthy Redis).
    const store = connected.store({ timeout: 0.2 });
    const patient = connected.store({ timeout: 10 });
    expect(await patient.markOnce('before-pause', 60_000)).toBe(true);
    await server.pause();
    try {
      await expect(store.markOnce('during-pause', 60_000)).rejects.toThrow(
        'Redis did not answer within 200 ms',
      );
    } finally {
      await server.unpause();
    }
    expect(await patient.markOnce('after-pause', 60_000)).toBe(true);
    expect(await patient.markOnce('before-pause', 60_000)).toBe(false);
  });

  it('stopped: every call rejects within the timeout; after a restart the same store works again', async () => {
    const store = connected.store({ timeout: 0.2 });
    const patient = connected.store({ timeout: 10 });
    expect(await patient.markOnce('before-stop', 60_000)).toBe(true);
    await server.stop();
    await expect(store.markOnce('during-stop', 60_000)).rejects.toThrow();
    await expect(store.get('during-stop')).rejects.toThrow();
    const back = connected.ready();
    await server.restart();
    await back;
    // The same store objects as before the outage: nothing was recreated.
    expect(await patient.markOnce('after-restart', 60_000)).toBe(true);
    expect(await patient.markOnce('after-restart', 60_000)).toBe(false);
  });
});

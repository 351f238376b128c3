import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '../../src/index.js';
import { joinBoundMs, joinShared } from '../../src/lib/keys/shared-flight.js';

let org: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
});
afterAll(() => org.close());

describe('joining a fetch another request started (Workers tie a promise to its request)', () => {
  it('joiners share a fetch that settles', async () => {
    let retried = false;
    const shared = Promise.resolve('keys');
    await expect(
      joinShared(shared, 1000, () => {
        retried = true;
        return Promise.resolve('own');
      }),
    ).resolves.toBe('keys');
    await expect(
      joinShared(Promise.reject(new Error('down')), 1000, () => Promise.resolve('own')),
    ).rejects.toThrow('down');
    expect(retried).toBe(false);
  });

  it('a joiner stops waiting for a fetch that never settles and fetches itself', async () => {
    const never = new Promise<string>(() => undefined);
    await expect(joinShared(never, 10, () => Promise.resolve('own'))).resolves.toBe('own');
  });

  it('waits at most four exchanges (discovery forms and key set) and a second', () => {
    expect(joinBoundMs(5000)).toBe(21_000);
  });

  it('a verifier whose first fetch never settles (its request cancelled) still answers later requests', async () => {
    let calls = 0;
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      httpTimeout: 0.05,
      // The first exchange never settles, as when the request that started it was cancelled and
      // took its timers along; the others go to the issuer.
      transport: {
        async get(url, request) {
          calls += 1;
          if (calls === 1) return new Promise<never>(() => undefined);
          const response = await fetch(url, { headers: request.headers });
          return {
            status: response.status,
            header: (name) => response.headers.get(name) ?? undefined,
            body: new Uint8Array(await response.arrayBuffer()),
          };
        },
      },
    });
    const token = await server.mintAccessToken({ sub: 'alice' });
    const stuck = verifier.verify(token);
    const auth = await verifier.verify(token);
    expect(auth.subject).toBe('alice');
    expect(calls).toBeGreaterThan(1);
    void stuck;
  });
});

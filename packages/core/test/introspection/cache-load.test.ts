/**
 * The introspection cache under load, against the reference issuer's call counter: concurrent
 * identical tokens share one call, and a minute of traffic (injected clock) costs one call per
 * token per TTL window. A shared store whose entry outlives `exp` still cannot vouch past it.
 */
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier, createMemoryStore } from '../../src/node.js';
import { manualClock } from '../integration/support.js';

let issuer: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0 });
  server = issuer.server('default');
});
afterAll(() => issuer.close());

const introspections = () => issuer.requestCount({ server: 'default', endpoint: 'introspect' });

function verifierWith(clock: { now: () => number }, extra: Record<string, unknown> = {}) {
  return createAccessTokenVerifier({
    issuer: server.issuer,
    audience: server.audience,
    clock: clock.now,
    introspection: { mode: 'fallback', clientId: 'test-client', clientSecret: 'test-secret', ...extra },
  });
}

describe('single-flight and the TTL window (IN-4)', () => {
  it('100 concurrent requests with one token make exactly one introspection call', async () => {
    const clock = manualClock();
    const verifier = verifierWith(clock);
    const token = await server.mintAccessToken({ sub: 'alice' }, { format: 'opaque' });
    await verifier.warm();
    const before = introspections();
    const results = await Promise.all(Array.from({ length: 100 }, () => verifier.verify(token)));
    expect(new Set(results.map((result) => result.subject))).toEqual(new Set(['alice']));
    expect(introspections() - before).toBe(1);
  });

  it('1,000 requests over a minute with 10 tokens: at most 10 calls per 60 s window (IN-4)', async () => {
    const clock = manualClock();
    const verifier = verifierWith(clock, { maxCacheAge: 60 });
    const tokens = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        server.mintAccessToken({ sub: `user-${index}` }, { format: 'opaque', expiresIn: 3600 }),
      ),
    );
    const before = introspections();
    const callsPerWindow: number[] = [];
    for (let window = 0; window < 2; window += 1) {
      const windowStart = introspections();
      for (let request = 0; request < 1000; request += 1) {
        const result = await verifier.verify(tokens[request % 10]!);
        expect(result.subject).toBe(`user-${request % 10}`);
        clock.advance(0.06);
      }
      callsPerWindow.push(introspections() - windowStart);
    }
    expect(callsPerWindow.every((calls) => calls <= 10)).toBe(true);
    // The first window asks about each token once; the second asks again only once each expired.
    expect(callsPerWindow[0]).toBe(10);
    expect(introspections() - before).toBe(20);
  });

  it('the cached answer never outlives exp: a store that still holds it cannot vouch past exp (IN-4)', async () => {
    const clock = manualClock();
    // A store on the real clock: from the verifier's moved clock, its entries outlive the token.
    const store = createMemoryStore();
    const verifier = verifierWith(clock, { store, maxCacheAge: 3600 });
    const token = await server.mintAccessToken({}, { format: 'opaque', expiresIn: 120 });
    await verifier.verify(token);
    clock.advance(200);
    // The entry is past the instant it was stored for (exp): the server is asked again, and its
    // answer too is held to exp on this verifier's clock.
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });

  it('exp is checked again on every hit: a stored answer still in its window cannot vouch past exp (IN-4)', async () => {
    const clock = manualClock();
    const expired = {
      until: clock.now() + 3_600_000,
      verdict: {
        active: true,
        issuer: server.issuer,
        response: {
          active: true,
          iss: server.issuer,
          sub: 'alice',
          aud: 'api://default',
          exp: clock.seconds() - 60,
        },
      },
    };
    const store = { get: async () => JSON.stringify(expired), set: async () => undefined };
    const verifier = verifierWith(clock, { store });
    const before = introspections();
    await expect(verifier.verify('c3RvcmVkLWFuc3dlci1wYXN0LWl0cy1leHA')).rejects.toMatchObject({
      code: 'ERR_TOKEN_EXPIRED',
    });
    expect(introspections()).toBe(before);
  });

  it('the store holds a digest of the token, never the token', async () => {
    const clock = manualClock();
    const keys: string[] = [];
    const values: string[] = [];
    const inner = createMemoryStore();
    const store = {
      get: (key: string) => inner.get(key),
      set: (key: string, value: string, ttlMs: number) => {
        keys.push(key);
        values.push(value);
        return inner.set(key, value, ttlMs);
      },
    };
    const verifier = verifierWith(clock, { store });
    const token = await server.mintAccessToken({}, { format: 'opaque' });
    await verifier.verify(token);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^introspection:[0-9a-f]{64}$/);
    expect(keys[0]).not.toContain(token);
    expect(values[0]).not.toContain(token);
  });

  it('two verifiers sharing a store ask once between them', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock: clock.now });
    const first = verifierWith(clock, { store });
    const second = verifierWith(clock, { store });
    const token = await server.mintAccessToken({}, { format: 'opaque' });
    const before = introspections();
    await first.verify(token);
    await second.verify(token);
    expect(introspections() - before).toBe(1);
  });
});

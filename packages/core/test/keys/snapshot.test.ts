import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifierOptions,
  createAccessTokenVerifier,
  type KeySetSnapshot,
  type TokenwardEvent,
} from '../../src/index.js';
import { manualClock } from '../integration/support.js';

let org: ReferenceIssuer;
let server: AuthServer;
let fetched: string[];
let events: TokenwardEvent[];

const countingFetch: typeof fetch = (input, init) => {
  fetched.push(String(input instanceof Request ? input.url : input));
  return fetch(input, init);
};

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
});
afterAll(() => org.close());
beforeEach(() => {
  fetched = [];
  events = [];
});

const trust = () => ({ issuer: server.issuer, audience: server.audience });
const collect = (event: TokenwardEvent) => {
  events.push(event);
};

/** A snapshot of a verifier that fetched its keys at `clock`'s time, through JSON as a store keeps it. */
async function takeSnapshot(options: Partial<AccessTokenVerifierOptions> = {}): Promise<KeySetSnapshot> {
  const source = createAccessTokenVerifier({ ...trust(), ...options } as AccessTokenVerifierOptions);
  await source.warm();
  return JSON.parse(JSON.stringify(source.snapshot())) as KeySetSnapshot;
}

function restoredVerifier(snapshot: unknown, options: Partial<AccessTokenVerifierOptions> = {}) {
  return createAccessTokenVerifier({
    ...trust(),
    fetch: countingFetch,
    onEvent: collect,
    snapshot: snapshot as KeySetSnapshot,
    ...options,
  } as AccessTokenVerifierOptions);
}

describe('key-set snapshots (isolates that start cold)', () => {
  it('holds the discovered jwks_uri, the public keys, and when they were fetched', async () => {
    const clock = manualClock();
    const snapshot = await takeSnapshot({ clock: clock.now });
    expect(snapshot).toEqual({
      version: 1,
      issuers: [
        {
          issuer: server.issuer,
          jwksUri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
          discoveredAt: clock.now(),
          // Kept so that an introspecting verifier restored from it still knows where to ask.
          introspectionEndpoint: `${server.issuer}/v1/introspect`,
          fetchedAt: clock.now(),
          maxAge: 300,
          keys: [
            expect.objectContaining({
              kty: 'RSA',
              kid: expect.any(String),
              n: expect.any(String),
              e: 'AQAB',
            }),
          ],
        },
      ],
    });
    expect(JSON.stringify(snapshot)).not.toMatch(/"(d|p|q|dp|dq|qi)"/);
  });

  it('a verifier started from a snapshot verifies without a single fetch', async () => {
    const verifier = restoredVerifier(await takeSnapshot());
    const auth = await verifier.verify(await server.mintAccessToken({ sub: 'alice' }));
    expect(auth.subject).toBe('alice');
    expect(fetched).toEqual([]);
    expect(events).toContainEqual({
      type: 'snapshot_restored',
      issuer: server.issuer,
      keys: 1,
      ageSeconds: 0,
    });
  });

  it('§4.13: freshness counts from the original fetch: a snapshot past its max-age is refreshed on use', async () => {
    const clock = manualClock();
    const snapshot = await takeSnapshot({ clock: clock.now });
    clock.advance(301);
    const verifier = restoredVerifier(snapshot, { clock: clock.now });
    await verifier.verify(await server.mintAccessToken({ sub: 'alice' }));
    expect(fetched.filter((url) => url.includes('/keys'))).toHaveLength(1);
  });

  it('§4.13: stale-if-error applies to a restored set: known keys keep working while the key set is down', async () => {
    const clock = manualClock();
    const snapshot = await takeSnapshot({ clock: clock.now });
    clock.advance(400);
    org.setFault({ server: 'default', endpoint: 'jwks', status: 503 });
    try {
      const verifier = restoredVerifier(snapshot, { clock: clock.now });
      const auth = await verifier.verify(await server.mintAccessToken({ sub: 'alice' }));
      expect(auth.subject).toBe('alice');
      expect(events.map((event) => event.type)).toContain('jwks_stale_served');
    } finally {
      org.clearFaults();
    }
  });

  it.each([
    [
      'another version',
      (s: KeySetSnapshot) => ({ ...s, version: 2 }),
      undefined,
      /version 2; this tokenward reads version 1/,
    ],
    ['no issuers list', (s: KeySetSnapshot) => ({ version: s.version }), undefined, /no "issuers" list/],
  ])('a snapshot with %s is reported and the keys are fetched', async (_name, change, issuer, reason) => {
    const verifier = restoredVerifier(change(await takeSnapshot()));
    await verifier.verify(await server.mintAccessToken({ sub: 'alice' }));
    expect(events).toContainEqual({
      type: 'snapshot_rejected',
      issuer,
      reason: expect.stringMatching(reason),
    });
    expect(fetched.length).toBeGreaterThan(0);
  });

  it.each([
    [
      'MD-6: a private key member',
      (entry: Record<string, unknown>) => ({
        ...entry,
        keys: (entry.keys as object[]).map((key) => ({ ...key, d: 'AQAB' })),
      }),
      /holds no key usable/,
    ],
    [
      'a symmetric key',
      (entry: Record<string, unknown>) => ({ ...entry, keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }),
      /holds no key usable/,
    ],
    [
      'keys that are not a list',
      (entry: Record<string, unknown>) => ({ ...entry, keys: 'none' }),
      /no "keys" array/,
    ],
    [
      'a jwks_uri on another origin',
      (entry: Record<string, unknown>) => ({ ...entry, jwksUri: 'https://evil.example/keys' }),
      /is on origin https:\/\/evil\.example/,
    ],
    [
      'a fetch time in the future',
      (entry: Record<string, unknown>) => ({ ...entry, fetchedAt: Date.now() + 60_000 }),
      /"fetchedAt" is not a past time/,
    ],
    [
      'a fetch time beyond the stale-if-error window',
      (entry: Record<string, unknown>) => ({ ...entry, fetchedAt: Date.now() - 2 * 3600_000 }),
      /past its lifetime of 300 s and the stale-if-error window of 3600 s/,
    ],
    [
      'a lifetime beyond a day',
      (entry: Record<string, unknown>) => ({ ...entry, maxAge: 90_000 }),
      /"maxAge" is not a number of seconds from 0 to 86400/,
    ],
  ])(
    'an entry with %s is refused: reported, and the keys are fetched as if there were none',
    async (_name, change, reason) => {
      const snapshot = await takeSnapshot();
      const tampered = { ...snapshot, issuers: snapshot.issuers.map((entry) => change({ ...entry })) };
      const verifier = restoredVerifier(tampered);
      const auth = await verifier.verify(await server.mintAccessToken({ sub: 'alice' }));
      expect(auth.subject).toBe('alice');
      expect(events).toContainEqual({
        type: 'snapshot_rejected',
        issuer: server.issuer,
        reason: expect.stringMatching(reason),
      });
      expect(fetched.length).toBeGreaterThan(0);
    },
  );

  it('an issuer listed twice is refused; an issuer the snapshot lacks is fetched as usual', async () => {
    const snapshot = await takeSnapshot();
    restoredVerifier({ ...snapshot, issuers: [...snapshot.issuers, ...snapshot.issuers] });
    expect(events).toEqual([
      { type: 'snapshot_rejected', issuer: server.issuer, reason: expect.stringMatching(/more than once/) },
    ]);
    events = [];
    const verifier = restoredVerifier({ ...snapshot, issuers: [] });
    expect(events).toEqual([]);
    await verifier.verify(await server.mintAccessToken({ sub: 'alice' }));
    expect(fetched.length).toBeGreaterThan(0);
  });

  it('a snapshot taken with a configured jwksUri restores only into that jwksUri', async () => {
    const jwksUri = (await takeSnapshot()).issuers[0]!.jwksUri;
    const snapshot = await takeSnapshot({ jwksUri });
    expect(snapshot.issuers[0]).not.toHaveProperty('discoveredAt');
    await restoredVerifier(snapshot, { jwksUri }).verify(await server.mintAccessToken({ sub: 'alice' }));
    expect(fetched).toEqual([]);
    restoredVerifier(snapshot, { jwksUri: `${jwksUri}?other` });
    expect(events).toContainEqual({
      type: 'snapshot_rejected',
      issuer: server.issuer,
      reason: expect.stringMatching(/not the configured jwksUri/),
    });
  });

  it('ERR_CONFIG for a snapshot that is not an object (stored JSON not parsed); null means none', () => {
    expect(() => restoredVerifier('{"version":1}')).toThrow(
      /`snapshot` must be the object verifier.snapshot\(\) returned/,
    );
    expect(() => restoredVerifier(null)).not.toThrow();
  });

  it('a verifier that has loaded nothing has an empty snapshot', () => {
    expect(createAccessTokenVerifier(trust()).snapshot()).toEqual({ version: 1, issuers: [] });
  });
});

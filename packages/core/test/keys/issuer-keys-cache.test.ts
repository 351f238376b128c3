import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIssuerKeys } from '../../src/lib/keys/issuer-keys.js';
import { ISSUER, MockIdp, ORIGIN } from './mock-idp.js';
import { eventsOfType, keysConfig, manualClock, rejection, rsaKey, signsWith } from './support.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const first = rsaKey('k1');
const second = rsaKey('k2');

function setup() {
  const idp = new MockIdp(server, [first]);
  const clock = manualClock();
  const config = keysConfig({ issuer: ISSUER, clock: clock.now });
  return { idp, clock, config, keys: createIssuerKeys(config) };
}

describe('issuer keys: loading and caching', () => {
  it('discovers, fetches once, and returns the published key; peekKey then answers synchronously', async () => {
    const { idp, keys } = setup();
    expect(keys.peekKey('k1', 'RS256')).toBeUndefined();
    expect(keys.freshUntil).toBeUndefined();
    const resolved = await keys.getKey('k1', 'RS256');
    expect(resolved.kid).toBe('k1');
    expect(resolved.alg).toBe('RS256');
    expect(signsWith(first, resolved.key)).toBe(true);
    expect(signsWith(second, resolved.key)).toBe(false);
    // The same object every time: the fast path allocates nothing.
    expect(keys.peekKey('k1', 'RS256')).toBe(resolved);
    expect(await keys.getKey('k1', 'RS256')).toBe(resolved);
    expect(idp.discoveryHits).toBe(1);
    expect(idp.jwksHits).toBe(1);
    expect(keys.generation).toBe(1);
  });

  it('shares one discovery and one JWKS request among concurrent cold callers (single-flight)', async () => {
    const { idp, keys } = setup();
    const resolved = await Promise.all(Array.from({ length: 100 }, () => keys.getKey('k1', 'RS256')));
    expect(new Set(resolved).size).toBe(1);
    expect(idp.discoveryHits).toBe(1);
    expect(idp.jwksHits).toBe(1);
  });

  it('keeps the set for Cache-Control max-age and refetches after it (OK-3)', async () => {
    const { idp, clock, keys, config } = setup();
    idp.cacheControl = 'public, max-age=120';
    await keys.warm();
    clock.advanceSeconds(119);
    // Installing a set imports its keys, so the synchronous path finds them without a first getKey.
    expect(keys.peekKey('k1', 'RS256')).toBeDefined();
    expect(idp.jwksHits).toBe(1);
    clock.advanceSeconds(1);
    expect(keys.peekKey('k1', 'RS256')).toBeUndefined();
    await keys.getKey('k1', 'RS256');
    expect(idp.jwksHits).toBe(2);
    expect(eventsOfType(config.events, 'jwks_fetched').map((event) => event.reason)).toEqual([
      'warm',
      'expired',
    ]);
    // Discovery metadata is younger than an hour: not fetched again.
    expect(idp.discoveryHits).toBe(1);
  });

  it.each([
    ['max-age=5', 60],
    ['max-age=999999', 86_400],
    ['no-store', 60],
    ['no-cache, max-age=3000', 60],
    [undefined, 600],
    ['max-age=300', 300],
  ])(
    'gives Cache-Control %s a lifetime of %i s, clamped to [60 s, 24 h] (§4.13)',
    async (header, seconds) => {
      const { idp, clock, keys } = setup();
      idp.cacheControl = header;
      await keys.warm();
      expect(keys.freshUntil).toBe(clock.now() + seconds * 1000);
    },
  );

  it('does nothing on warm() while the set is fresh', async () => {
    const { idp, keys } = setup();
    await keys.warm();
    await keys.warm();
    expect(idp.jwksHits).toBe(1);
  });

  it('keeps generation and imported keys when a refresh serves the same keys', async () => {
    const { idp, clock, keys } = setup();
    const before = await keys.getKey('k1', 'RS256');
    clock.advanceSeconds(600);
    const after = await keys.getKey('k1', 'RS256');
    expect(idp.jwksHits).toBe(2);
    expect(after).toBe(before);
    expect(keys.generation).toBe(1);
  });
});

describe('issuer keys: one cache per issuer (BCP-8, DESIGN rule 2)', () => {
  it('never answers one issuer with a key of the same kid published by a sibling', async () => {
    const sibling = `${ORIGIN}/oauth2/payments`;
    const defaultKey = rsaKey('shared');
    const paymentsKey = rsaKey('shared');
    const idp = new MockIdp(server, [defaultKey]);
    server.use(
      http.get(`${ORIGIN}/.well-known/oauth-authorization-server/oauth2/payments`, () =>
        HttpResponse.json({ issuer: sibling, jwks_uri: `${sibling}/v1/keys` }),
      ),
      http.get(`${sibling}/v1/keys`, () => HttpResponse.json({ keys: [paymentsKey.jwk] })),
    );
    const clock = manualClock();
    const defaults = createIssuerKeys(keysConfig({ issuer: ISSUER, clock: clock.now }));
    const payments = createIssuerKeys(keysConfig({ issuer: sibling, clock: clock.now }));
    const fromDefault = await defaults.getKey('shared', 'RS256');
    const fromPayments = await payments.getKey('shared', 'RS256');
    expect(signsWith(defaultKey, fromDefault.key)).toBe(true);
    expect(signsWith(paymentsKey, fromDefault.key)).toBe(false);
    expect(signsWith(paymentsKey, fromPayments.key)).toBe(true);
    expect(signsWith(defaultKey, fromPayments.key)).toBe(false);
    expect(idp.jwksHits).toBe(1);
  });
});

describe('issuer keys: unknown kid, rotation and cooldown (§4.13 unknown-kid refetch)', () => {
  it('picks up a rotated key after exactly one refetch, sent with cache-control: no-cache (IDT-13, OK-6)', async () => {
    const { idp, keys, config } = setup();
    await keys.getKey('k1', 'RS256');
    idp.publish(first, second);
    const resolved = await keys.getKey('k2', 'RS256');
    expect(signsWith(second, resolved.key)).toBe(true);
    expect(idp.jwksHits).toBe(2);
    // Said with the fetch cache mode, not a header: a header would cost a CORS preflight.
    expect(idp.jwksRequests[1]?.cache).toBe('no-cache');
    expect(idp.jwksRequests[0]?.cache).toBe('default');
    expect(idp.jwksRequests[1]?.headers.get('cache-control')).toBeNull();
    expect(keys.generation).toBe(2);
    expect(eventsOfType(config.events, 'jwks_fetched').at(-1)?.reason).toBe('unknown_kid');
  });

  it('refuses further unknown kids without fetching during the cooldown, then allows one refetch', async () => {
    const { idp, clock, keys, config } = setup();
    await keys.getKey('k1', 'RS256');
    const refetched = await rejection(keys.getKey('made-up-1', 'RS256'));
    expect(refetched.code).toBe('ERR_KEY_NOT_FOUND');
    expect(refetched.status).toBe(401);
    expect(refetched.message).toContain('even after refetching');
    expect(refetched.message).toContain('kids: "k1"');
    expect(idp.jwksHits).toBe(2);

    clock.advanceSeconds(10);
    const held = await Promise.all(
      Array.from({ length: 50 }, (_, index) => rejection(keys.getKey(`made-up-${index + 2}`, 'RS256'))),
    );
    expect(idp.jwksHits).toBe(2);
    expect(held[0]?.code).toBe('ERR_KEY_NOT_FOUND');
    expect(held[0]?.message).toContain('held back');
    expect(held[0]?.message).toContain('next is allowed in 20 s');
    expect(eventsOfType(config.events, 'jwks_cooldown')[0]).toEqual({
      type: 'jwks_cooldown',
      issuer: ISSUER,
      kid: 'made-up-2',
      retryInSeconds: 20,
    });
    // Known kids are unaffected by the cooldown.
    expect((await keys.getKey('k1', 'RS256')).kid).toBe('k1');

    clock.advanceSeconds(20);
    idp.publish(first, second);
    expect((await keys.getKey('k2', 'RS256')).kid).toBe('k2');
    expect(idp.jwksHits).toBe(3);
  });

  it('answers 503, not 401, for unknown kids while the refetch for them failed', async () => {
    const { idp, clock, keys } = setup();
    await keys.getKey('k1', 'RS256');
    idp.jwksFailure = () => HttpResponse.json({}, { status: 503 });
    const failed = await rejection(keys.getKey('k2', 'RS256'));
    expect(failed.code).toBe('ERR_JWKS_FETCH_FAILED');
    clock.advanceSeconds(5);
    const held = await rejection(keys.getKey('k3', 'RS256'));
    expect(held.code).toBe('ERR_JWKS_FETCH_FAILED');
    expect(held.message).toContain('kid "k3" is not in the key set');
    expect(held.headers['Retry-After']).toBe('25');
    expect(idp.jwksHits).toBe(2);
    // The set itself is still fresh: known kids are served as usual.
    expect((await keys.getKey('k1', 'RS256')).kid).toBe('k1');
  });

  it('counts a first fetch that lacks the kid as the refetch: a cold flood of made-up kids costs one request', async () => {
    const { idp, keys } = setup();
    const errors = await Promise.all(
      Array.from({ length: 20 }, (_, index) => rejection(keys.getKey(`random-${index}`, 'RS256'))),
    );
    expect(errors.every((error) => error.code === 'ERR_KEY_NOT_FOUND')).toBe(true);
    await rejection(keys.getKey('random-late', 'RS256'));
    expect(idp.jwksHits).toBe(1);
  });

  it('accepts a token without kid only when exactly one key serves its alg (IDT-13)', async () => {
    const { idp, clock, keys } = setup();
    expect((await keys.getKey(undefined, 'RS256')).kid).toBe('k1');
    idp.publish(first, second);
    clock.advanceSeconds(600);
    const error = await rejection(keys.getKey(undefined, 'RS256'));
    expect(error.code).toBe('ERR_KEY_NOT_FOUND');
    expect(error.message).toContain('no "kid" and several keys could verify RS256');
    expect(idp.jwksHits).toBe(2);
  });

  it('never tries another key when the kid names a key that cannot serve the alg (BCP-1)', async () => {
    const { idp, clock } = setup();
    const config = keysConfig({ issuer: ISSUER, clock: clock.now, algorithms: ['RS256', 'ES256'] });
    const keys = createIssuerKeys(config);
    const error = await rejection(keys.getKey('k1', 'ES256'));
    expect(error.code).toBe('ERR_KEY_NOT_FOUND');
    expect(error.message).toContain('kid "k1" is an RSA key for RS256 only, which cannot verify ES256');
    expect(idp.jwksHits).toBe(1);
  });

  it('does not look up an algorithm outside the allow-list, even for a known kid', async () => {
    const { keys } = setup();
    await keys.getKey('k1', 'RS256');
    expect(keys.peekKey('k1', 'RS384')).toBeUndefined();
    expect((await rejection(keys.getKey('k1', 'RS384'))).code).toBe('ERR_KEY_NOT_FOUND');
  });
});

describe('issuer keys: stale-if-error (§4.13)', () => {
  async function loadedThenFailing(failure: () => Response) {
    const context = setup();
    await context.keys.getKey('k1', 'RS256');
    context.idp.jwksFailure = failure;
    context.clock.advanceSeconds(600); // the set just expired
    return context;
  }

  it('serves known kids from the last good set while refreshes answer 503, and reports it', async () => {
    const { idp, keys, config, clock } = await loadedThenFailing(() =>
      HttpResponse.json({}, { status: 503 }),
    );
    clock.advanceSeconds(5);
    expect((await keys.getKey('k1', 'RS256')).kid).toBe('k1');
    expect(idp.jwksHits).toBe(2);
    expect(eventsOfType(config.events, 'jwks_refresh_failed')[0]).toMatchObject({
      code: 'ERR_JWKS_FETCH_FAILED',
      issuer: ISSUER,
    });
    expect(eventsOfType(config.events, 'jwks_stale_served')[0]).toMatchObject({ staleForSeconds: 5 });
  });

  it('answers 503 for unknown kids while refreshes fail: the token may be fine', async () => {
    const { keys } = await loadedThenFailing(() => HttpResponse.json({}, { status: 503 }));
    const error = await rejection(keys.getKey('k-new', 'RS256'));
    expect(error.code).toBe('ERR_JWKS_FETCH_FAILED');
    expect(error.status).toBe(503);
    expect(error.headers['Retry-After']).toBeDefined();
  });

  it('retries a failing upstream at most once per cooldown', async () => {
    const { idp, keys, clock } = await loadedThenFailing(() => HttpResponse.json({}, { status: 500 }));
    for (let request = 0; request < 10; request += 1) await keys.getKey('k1', 'RS256');
    expect(idp.jwksHits).toBe(2);
    clock.advanceSeconds(29);
    await keys.getKey('k1', 'RS256');
    expect(idp.jwksHits).toBe(2);
    clock.advanceSeconds(1);
    await keys.getKey('k1', 'RS256');
    expect(idp.jwksHits).toBe(3);
  });

  it('stops serving stale keys one hour past expiry', async () => {
    const { keys, clock } = await loadedThenFailing(() => HttpResponse.json({}, { status: 503 }));
    clock.advanceSeconds(3599);
    expect((await keys.getKey('k1', 'RS256')).kid).toBe('k1');
    clock.advanceSeconds(1);
    const error = await rejection(keys.getKey('k1', 'RS256'));
    expect(error.code).toBe('ERR_JWKS_FETCH_FAILED');
    expect(error.status).toBe(503);
    expect(error.message).toContain('beyond the stale-if-error window of 3600 s');
  });

  it.each([
    ['an empty key set', () => HttpResponse.json({ keys: [] })],
    [
      'a body that is not JSON',
      () => new HttpResponse('{"keys": [', { headers: { 'content-type': 'application/json' } }),
    ],
  ])('treats %s as a failed refresh and keeps the last good keys', async (_, failure) => {
    const { keys, config } = await loadedThenFailing(failure);
    expect((await keys.getKey('k1', 'RS256')).kid).toBe('k1');
    expect(eventsOfType(config.events, 'jwks_refresh_failed')[0]?.code).toBe('ERR_JWKS_INVALID');
    expect(keys.generation).toBe(1);
  });

  it('recovers when the upstream does', async () => {
    const { idp, keys, clock } = await loadedThenFailing(() => HttpResponse.json({}, { status: 503 }));
    await keys.getKey('k1', 'RS256');
    idp.jwksFailure = undefined;
    clock.advanceSeconds(30);
    await keys.getKey('k1', 'RS256');
    expect(keys.peekKey('k1', 'RS256')).toBeDefined();
    expect(idp.jwksHits).toBe(3);
  });

  it('backs off after a failed cold start instead of fetching on every request', async () => {
    const idp = new MockIdp(server, [first]);
    idp.jwksFailure = () => HttpResponse.json({}, { status: 503 });
    const clock = manualClock();
    const keys = createIssuerKeys(keysConfig({ issuer: ISSUER, clock: clock.now }));
    expect((await rejection(keys.getKey('k1', 'RS256'))).code).toBe('ERR_JWKS_FETCH_FAILED');
    clock.advanceSeconds(12);
    const held = await rejection(keys.getKey('k1', 'RS256'));
    expect(held.message).toMatch(/^Next attempt in 18 s: JWKS .* answered 503$/);
    expect(held.headers['Retry-After']).toBe('18');
    expect(idp.jwksHits).toBe(1);
    idp.jwksFailure = undefined;
    clock.advanceSeconds(18);
    expect((await keys.getKey('k1', 'RS256')).kid).toBe('k1');
  });
});

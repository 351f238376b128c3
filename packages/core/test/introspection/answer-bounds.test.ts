/**
 * In `mode: 'always'` the issuer's introspection answer about a JWT this API verified may only
 * restrict it (RFC 7662 §2.2), against the reference issuer on loopback: scopes the issuer
 * withdrew (its `withdrawScopes` hook, as when a user takes back consent) are gone from the
 * route's checks and the result, an answer that contradicts the JWT is refused, an earlier `exp`
 * ends the result sooner, and a cached answer is held to the same rules on every use.
 *
 * Contradicting answers are the issuer's real answer with one member changed, served once by its
 * fault hook: its own endpoint never contradicts a token it minted.
 */
import { describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifierOptions,
  createAccessTokenVerifier,
  type IntrospectionOptions,
} from '../../src/node.js';
import { manualClock, rejectionOf } from '../integration/support.js';
import { INTROSPECTION_CLIENT as CLIENT, useIntrospectingIssuer } from './support.js';

const reference = useIntrospectingIssuer();

function verifierFor(
  introspection: Partial<IntrospectionOptions> = {},
  extra: Partial<AccessTokenVerifierOptions> = {},
) {
  const clock = manualClock();
  const verifier = createAccessTokenVerifier({
    issuer: reference.server.issuer,
    audience: reference.server.audience,
    clock: clock.now,
    introspection: { mode: 'always', ...CLIENT, maxCacheAge: 0, ...introspection },
    ...extra,
  } as AccessTokenVerifierOptions);
  return { verifier, clock };
}

/** The issuer's next answer about `token`: its real one with `changes` in it (`undefined` removes a member). */
async function answerOnceWith(token: string, changes: Record<string, unknown>): Promise<void> {
  const response = await fetch(reference.server.introspectionEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
  });
  const answer: Record<string, unknown> = { ...((await response.json()) as object), ...changes };
  expect(answer.active).toBe(true);
  for (const [name, value] of Object.entries(answer)) if (value === undefined) delete answer[name];
  reference.issuer.setFault({
    server: 'default',
    endpoint: 'introspect',
    body: JSON.stringify(answer),
    times: 1,
  });
}

describe("mode 'always': scopes the issuer's answer withdrew are gone (IN-8)", () => {
  it('IN-8: a scope withdrawn at the issuer fails the route that needs it, by scope and by claim, and leaves the result', async () => {
    const { verifier } = verifierFor();
    const jwt = await reference.server.mintAccessToken({ scp: ['orders:read', 'orders:write'] });
    expect((await verifier.verify(jwt, { scopes: ['orders:write'] })).scopes).toEqual([
      'orders:read',
      'orders:write',
    ]);
    expect(reference.server.withdrawScopes(jwt, ['orders:write'])).toBe(true);

    const result = await verifier.verify(jwt, { scopes: ['orders:read'] });
    expect(result.scopes).toEqual(['orders:read']);
    expect(result.claims.scp).toEqual(['orders:read']);
    expect(Object.isFrozen(result) && Object.isFrozen(result.claims.scp)).toBe(true);
    for (const requirements of [
      { scopes: ['orders:write'] },
      { scopes: ['orders:write', 'orders:admin'], scopeMatch: 'any' as const },
    ]) {
      const refused = await rejectionOf(verifier.verify(jwt, requirements));
      expect(refused).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', status: 403 });
      expect(refused.headers['WWW-Authenticate']).toMatch(/error="insufficient_scope"/);
    }
    const byClaim = await rejectionOf(
      verifier.verify(jwt, { claims: { scp: { includes: 'orders:write' } } }),
    );
    expect(byClaim).toMatchObject({ code: 'ERR_CLAIM_INVALID', status: 401 });
  });

  it("IN-8: an RFC 9068 token's scope string is narrowed to what both grant; scopes only the answer lists grant nothing", async () => {
    const { verifier } = verifierFor();
    const jwt = await reference.server.mintAccessToken(
      { scope: 'orders:read orders:write', client_id: 'test-client' },
      { omit: ['scp', 'cid'], typ: 'at+jwt' },
    );
    await answerOnceWith(jwt, { scope: 'orders:read orders:admin' });
    const result = await verifier.verify(jwt, { scopes: ['orders:read'] });
    expect(result.scopes).toEqual(['orders:read']);
    expect(result.claims.scope).toBe('orders:read');
    for (const scope of ['orders:write', 'orders:admin']) {
      await answerOnceWith(jwt, { scope: 'orders:read orders:admin' });
      const refused = await rejectionOf(verifier.verify(jwt, { scopes: [scope] }));
      expect(refused).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', status: 403 });
    }
  });

  it('IN-8, IN-4: a narrowed answer, cached, narrows every result it serves', async () => {
    const { verifier } = verifierFor({ maxCacheAge: 60 });
    const jwt = await reference.server.mintAccessToken({ scp: ['orders:read', 'orders:write'] });
    reference.server.withdrawScopes(jwt, ['orders:write']);
    const before = reference.introspections();
    for (let use = 0; use < 3; use += 1) {
      expect((await verifier.verify(jwt)).scopes).toEqual(['orders:read']);
      await expect(verifier.verify(jwt, { scopes: ['orders:write'] })).rejects.toMatchObject({
        code: 'ERR_INSUFFICIENT_SCOPE',
      });
    }
    expect(reference.introspections()).toBe(before + 1);
  });
});

describe("mode 'always': an answer that contradicts the JWT is refused (IN-8)", () => {
  const contradictions = [
    {
      name: 'another subject',
      mint: async () => reference.server.mintAccessToken({ sub: 'alice@example.com' }),
      changes: { sub: 'mallory@example.com' },
      code: 'ERR_CLAIM_INVALID',
      message:
        /^expected the authorization server's introspection response to name the token's subject "alice@example\.com"; found "sub" "mallory@example\.com"$/,
    },
    {
      name: 'another client than cid',
      mint: async () => reference.server.mintAccessToken({ cid: 'orders-app' }),
      changes: { client_id: 'other-app' },
      code: 'ERR_CLAIM_INVALID',
      message:
        /^expected the authorization server's introspection response to name the client the token was issued to, its "cid" "orders-app"; found "client_id" "other-app"$/,
    },
    {
      name: 'another client than azp',
      mint: async () =>
        reference.server.mintAccessToken({ azp: 'spa-app' }, { omit: ['cid'], typ: 'at+jwt' }),
      changes: { client_id: 'other-app' },
      code: 'ERR_CLAIM_INVALID',
      message: /its "azp" "spa-app"; found "client_id" "other-app"$/,
    },
    {
      name: "an audience list without the token's audience for this API",
      mint: async () => reference.server.mintAccessToken({}, { audience: 'api://default' }),
      changes: { aud: ['api://reports'] },
      code: 'ERR_AUDIENCE_MISMATCH',
      message:
        /^expected the authorization server's introspection response to keep the token's audience for this API, "api:\/\/default"; found aud "api:\/\/reports"$/,
    },
  ];

  it.each(contradictions)(
    'IN-8: an answer naming $name is 401 invalid_token, cached and refused on every use',
    async ({ mint, changes, code, message }) => {
      // Both audiences are this API's: the answer's alone would pass, but not for this token.
      const { verifier } = verifierFor({ maxCacheAge: 60 }, {
        audience: [reference.server.audience, 'api://reports'],
      } as Partial<AccessTokenVerifierOptions>);
      const jwt = await mint();
      await answerOnceWith(jwt, changes);
      const before = reference.introspections();
      for (let use = 0; use < 2; use += 1) {
        const refused = await rejectionOf(verifier.verify(jwt));
        expect(refused).toMatchObject({ code, status: 401 });
        expect(refused.message).toMatch(message);
        expect(refused.message).not.toContain(jwt);
        expect(refused.headers['WWW-Authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
      }
      expect(reference.introspections()).toBe(before + 1);
    },
  );

  it('IN-8: only a subject the answer states is compared: one filled in from its client_id is no contradiction', async () => {
    const { verifier } = verifierFor();
    const user = await reference.server.mintAccessToken({ sub: 'alice@example.com' });
    await answerOnceWith(user, { sub: undefined, client_id: 'test-client' });
    expect((await verifier.verify(user)).subject).toBe('alice@example.com');
    await answerOnceWith(user, { sub: 'test-client', client_id: 'test-client' });
    const refused = await rejectionOf(verifier.verify(user));
    expect(refused).toMatchObject({ code: 'ERR_CLAIM_INVALID', status: 401 });
    expect(refused.message).toMatch(/found "sub" "test-client"$/);
  });
});

describe("mode 'always': an answer that ends the token sooner (IN-8, IN-4)", () => {
  it("IN-8: the result expires at the answer's exp, and the answer is not used past it", async () => {
    const { verifier, clock } = verifierFor({ maxCacheAge: 600 });
    const jwt = await reference.server.mintAccessToken({}, { expiresIn: 3600, now: clock.seconds() });
    const soon = clock.seconds() + 120;
    await answerOnceWith(jwt, { exp: soon });
    const before = reference.introspections();
    const result = await verifier.verify(jwt);
    expect(result.expiresAt.getTime()).toBe(soon * 1000);
    expect(result.claims.exp).toBe(soon);
    expect((await verifier.verify(jwt)).expiresAt.getTime()).toBe(soon * 1000);
    expect(reference.introspections()).toBe(before + 1);
    clock.advance(121);
    expect((await verifier.verify(jwt)).expiresAt.getTime()).toBeGreaterThan(soon * 1000);
    expect(reference.introspections()).toBe(before + 2);
  });
});

describe("mode 'always': an answer describing a weaker or older sign-in narrows step-up (IN-8, SU-1, SU-2)", () => {
  const LEVELS = ['urn:loa:1', 'urn:loa:2'];
  const stepUpRefusal = async (promise: Promise<unknown>) => {
    const refused = await rejectionOf(promise);
    expect(refused).toMatchObject({ code: 'ERR_INSUFFICIENT_USER_AUTHENTICATION', status: 401 });
    expect(refused.headers['WWW-Authenticate']).toMatch(
      /^Bearer realm="api", error="insufficient_user_authentication"/,
    );
    return refused;
  };

  it("IN-8, SU-1: with acrLevels, step-up sees the weaker of the JWT's acr and the answer's, whichever states it", async () => {
    const { verifier } = verifierFor({}, { acrLevels: LEVELS } as Partial<AccessTokenVerifierOptions>);
    const strong = await reference.server.mintAccessToken({ acr: 'urn:loa:2' });
    expect(reference.server.reshapeIntrospection(strong, { set: { acr: 'urn:loa:1' } })).toBe(true);
    const refused = await stepUpRefusal(verifier.verify(strong, { acrValues: ['urn:loa:2'] }));
    expect(refused.message).toMatch(
      /the token's acr "urn:loa:2" and its authorization server's introspection answer's acr "urn:loa:1" differ, and the weaker of the two, "urn:loa:1", was compared$/,
    );
    expect(refused.headers['WWW-Authenticate']).toMatch(/acr_values="urn:loa:2"/);
    expect((await verifier.verify(strong, { acrValues: ['urn:loa:1'] })).claims.acr).toBe('urn:loa:1');

    const weak = await reference.server.mintAccessToken({ acr: 'urn:loa:1' });
    reference.server.reshapeIntrospection(weak, { set: { acr: 'urn:loa:2' } });
    await stepUpRefusal(verifier.verify(weak, { acrValues: ['urn:loa:2'] }));
    expect((await verifier.verify(weak)).claims.acr).toBe('urn:loa:1');
  });

  it('IN-8, SU-1: without a ranking, acr values that differ leave the result without acr; one only the answer states is not added', async () => {
    const { verifier } = verifierFor();
    const jwt = await reference.server.mintAccessToken({ acr: 'urn:loa:2' });
    reference.server.reshapeIntrospection(jwt, { set: { acr: 'urn:loa:1' } });
    for (const acrValues of [['urn:loa:2'], ['urn:loa:1'], ['urn:loa:1', 'urn:loa:2']]) {
      await stepUpRefusal(verifier.verify(jwt, { acrValues }));
    }
    const result = await verifier.verify(jwt);
    expect(result.claims).not.toHaveProperty('acr');

    const silent = await reference.server.mintAccessToken();
    reference.server.reshapeIntrospection(silent, {
      set: { acr: 'urn:loa:2', auth_time: Math.floor(Date.now() / 1000) },
    });
    await stepUpRefusal(verifier.verify(silent, { acrValues: ['urn:loa:2'] }));
    await stepUpRefusal(verifier.verify(silent, { maxAge: 300 }));
  });

  it('IN-8, SU-1: a refusal for acr values no ranking orders names both, not a token without acr', async () => {
    const { verifier } = verifierFor();
    const jwt = await reference.server.mintAccessToken({ acr: 'urn:loa:2' });
    reference.server.reshapeIntrospection(jwt, { set: { acr: 'urn:loa:1' } });
    const unranked = await stepUpRefusal(verifier.verify(jwt, { acrValues: ['urn:loa:2'] }));
    expect(unranked.message).toBe(
      'this route needs a sign-in at "urn:loa:2"; the token\'s acr "urn:loa:2" and its authorization ' +
        'server\'s introspection answer\'s acr "urn:loa:1" differ and no acrLevels ranks them, so neither ' +
        'stands for the sign-in',
    );
    expect(unranked.message).not.toContain(jwt);

    const ranked = verifierFor({}, { acrLevels: LEVELS } as Partial<AccessTokenVerifierOptions>).verifier;
    reference.server.reshapeIntrospection(jwt, { set: { acr: 'urn:vendor:mfa' } });
    expect((await stepUpRefusal(ranked.verify(jwt, { acrValues: ['urn:loa:1'] }))).message).toMatch(
      /; the token's acr "urn:loa:2" and its authorization server's introspection answer's acr "urn:vendor:mfa" differ and acrLevels does not rank both, so neither stands for the sign-in$/,
    );

    // The answer ends the token sooner, so the result is narrowed, and its acr is still not added.
    const silent = await reference.server.mintAccessToken();
    reference.server.reshapeIntrospection(silent, {
      set: { acr: 'urn:loa:2', exp: Math.floor(Date.now() / 1000) + 120 },
    });
    expect((await stepUpRefusal(verifier.verify(silent, { acrValues: ['urn:loa:2'] }))).message).toMatch(
      /; the token carries no acr claim, and its authorization server's introspection answer's acr "urn:loa:2" is set aside: an answer can narrow the token's sign-in, not add one$/,
    );
  });

  it('IN-8, SU-2: maxAge sees the earlier of the two auth_time values, whichever states it', async () => {
    const { verifier, clock } = verifierFor();
    const now = clock.seconds();
    const recent = await reference.server.mintAccessToken({ auth_time: now - 10 }, { now });
    reference.server.reshapeIntrospection(recent, { set: { auth_time: now - 3600 } });
    const refused = await stepUpRefusal(verifier.verify(recent, { maxAge: 300 }));
    expect(refused.headers['WWW-Authenticate']).toMatch(/max_age="300"/);
    expect((await verifier.verify(recent)).claims.auth_time).toBe(now - 3600);

    const old = await reference.server.mintAccessToken({ auth_time: now - 3600 }, { now });
    reference.server.reshapeIntrospection(old, { set: { auth_time: now - 10 } });
    await stepUpRefusal(verifier.verify(old, { maxAge: 300 }));
    expect((await verifier.verify(old)).claims.auth_time).toBe(now - 3600);
  });
});

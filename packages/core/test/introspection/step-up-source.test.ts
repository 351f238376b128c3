/**
 * Which `acr` a step-up route (RFC 9470) compares for a token its issuer introspects, and that a
 * refusal says exactly that, against the reference issuer on loopback with answers reshaped by
 * its `reshapeIntrospection` hook. A JWT checked locally is described by its own `acr`; in
 * `mode: 'always'` by what is left of its own and its answer's (the weaker, neither, or its own
 * absence: an answer never adds one); a token known only through introspection (an opaque token,
 * a JWT of an introspection-only verifier) by its answer's alone, the JWT's own claims unread.
 */
import { describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifierOptions,
  checkAuthRequirements,
  createAccessTokenVerifier,
  createIntrospectionVerifier,
} from '../../src/node.js';
import { manualClock, rejectionOf } from '../integration/support.js';
import { INTROSPECTION_CLIENT as CLIENT, useIntrospectingIssuer } from './support.js';

const reference = useIntrospectingIssuer();
const LEVELS = ['urn:loa:1', 'urn:loa:2'];
const NEEDS = 'this route needs a sign-in at "urn:loa:2"';

function verifierFor(mode: 'always' | 'fallback', acrLevels?: readonly string[]) {
  return createAccessTokenVerifier({
    issuer: reference.server.issuer,
    audience: reference.server.audience,
    clock: manualClock().now,
    introspection: { mode, ...CLIENT, maxCacheAge: 0 },
    ...(acrLevels === undefined ? {} : { acrLevels }),
  } as AccessTokenVerifierOptions);
}

/** The message of the step-up refusal `promise` ends in. */
async function stepUpMessage(promise: Promise<unknown>): Promise<string> {
  const refused = await rejectionOf(promise);
  expect(refused).toMatchObject({ code: 'ERR_INSUFFICIENT_USER_AUTHENTICATION', status: 401 });
  expect(refused.headers['WWW-Authenticate']).toMatch(
    /^Bearer realm="api", error="insufficient_user_authentication", .*acr_values="urn:loa:2"/,
  );
  return refused.message;
}

/** A JWT for alice with `claims`, whose introspection answer the issuer then reshapes as `set` says. */
async function jwtAnswered(
  claims: Record<string, unknown>,
  set: Record<string, unknown>,
  omit: string[] = [],
) {
  const token = await reference.server.mintAccessToken({ sub: 'alice', ...claims });
  expect(reference.server.reshapeIntrospection(token, { omit, set })).toBe(true);
  return token;
}

describe("mode 'always': the refusal names the JWT's acr and the answer's, and which one was compared (SU-1, IN-8)", () => {
  it("SU-1, IN-8: a JWT without acr whose answer states one is refused saying the answer's acr was set aside", async () => {
    const token = await jwtAnswered({}, { acr: 'urn:loa:2' });
    for (const [verifier, needs] of [
      [verifierFor('always'), NEEDS],
      [verifierFor('always', LEVELS), `${NEEDS} or stronger`],
    ] as const) {
      expect(await stepUpMessage(verifier.verify(token, { acrValues: ['urn:loa:2'] }))).toBe(
        `${needs}; the token carries no acr claim, and its authorization server's ` +
          `introspection answer's acr "urn:loa:2" is set aside: an answer can narrow the token's sign-in, not add one`,
      );
    }
  });

  it('SU-1, IN-8: with acrLevels, the refusal says the weaker of the two acr values was compared, whichever stated it', async () => {
    const verifier = verifierFor('always', LEVELS);
    const weakerAnswer = await jwtAnswered({ acr: 'urn:loa:2' }, { acr: 'urn:loa:1' });
    expect(await stepUpMessage(verifier.verify(weakerAnswer, { acrValues: ['urn:loa:2'] }))).toBe(
      `${NEEDS} or stronger; the token's acr "urn:loa:2" and its authorization server's introspection answer's ` +
        'acr "urn:loa:1" differ, and the weaker of the two, "urn:loa:1", was compared',
    );
    const weakerToken = await jwtAnswered({ acr: 'urn:loa:1' }, { acr: 'urn:loa:2' });
    expect(await stepUpMessage(verifier.verify(weakerToken, { acrValues: ['urn:loa:2'] }))).toBe(
      `${NEEDS} or stronger; the token's acr "urn:loa:1" and its authorization server's introspection answer's ` +
        'acr "urn:loa:2" differ, and the weaker of the two, "urn:loa:1", was compared',
    );
  });

  it("SU-1, IN-8: an answer that states the JWT's acr, or none, leaves the refusal about the token's own", async () => {
    const verifier = verifierFor('always', LEVELS);
    for (const token of [
      await jwtAnswered({ acr: 'urn:loa:1' }, {}),
      await jwtAnswered({ acr: 'urn:loa:1' }, {}, ['acr']),
    ]) {
      expect(await stepUpMessage(verifier.verify(token, { acrValues: ['urn:loa:2'] }))).toBe(
        `${NEEDS} or stronger; the token's sign-in was at "urn:loa:1"`,
      );
    }
    const silent = await jwtAnswered({}, {}, ['acr']);
    expect(await stepUpMessage(verifier.verify(silent, { acrValues: ['urn:loa:2'] }))).toBe(
      `${NEEDS} or stronger; the token carries no acr claim`,
    );
  });
});

describe("a token known only through introspection: the refusal names the answer's acr, the only one read (SU-1, SU-3, IN-2)", () => {
  const opaque = async (set: Record<string, unknown>, omit: string[] = []) => {
    const token = await reference.server.mintAccessToken({ sub: 'alice' }, { format: 'opaque' });
    reference.server.reshapeIntrospection(token, { omit, set });
    return token;
  };

  it("SU-1, IN-2: an opaque token's refusal says its answer gave no acr, or which one", async () => {
    const verifier = verifierFor('fallback');
    expect(
      await stepUpMessage(verifier.verify(await opaque({}, ['acr']), { acrValues: ['urn:loa:2'] })),
    ).toBe(
      `${NEEDS}; its authorization server's introspection answer, the only word on the token, gives no acr`,
    );
    expect(
      await stepUpMessage(verifier.verify(await opaque({ acr: 'urn:loa:1' }), { acrValues: ['urn:loa:2'] })),
    ).toBe(
      `${NEEDS}; its authorization server's introspection answer, the only word on the token, gives acr "urn:loa:1"`,
    );
  });

  it("SU-3, IN-7: an introspection-only verifier compares the answer's acr, not the JWT's own unverified one", async () => {
    const verifier = createIntrospectionVerifier({
      issuer: reference.server.issuer,
      audience: reference.server.audience,
      introspection: { ...CLIENT, maxCacheAge: 0 },
    });
    const strongJwt = await jwtAnswered({ acr: 'urn:loa:2' }, {}, ['acr']);
    expect(await stepUpMessage(verifier.verify(strongJwt, { acrValues: ['urn:loa:2'] }))).toMatch(
      /; its authorization server's introspection answer, the only word on the token, gives no acr$/,
    );
    const weakAnswer = await jwtAnswered({ acr: 'urn:loa:2' }, { acr: 'urn:loa:1' });
    expect(await stepUpMessage(verifier.verify(weakAnswer, { acrValues: ['urn:loa:2'] }))).toMatch(
      /; its authorization server's introspection answer, the only word on the token, gives acr "urn:loa:1"$/,
    );
  });

  it('SU-1: a route check after verification (checkAuthRequirements) words the refusal the same way', async () => {
    const result = await verifierFor('fallback').verify(await opaque({ acr: 'urn:loa:1' }));
    expect(() => checkAuthRequirements(result, { acrValues: ['urn:loa:2'] })).toThrow(
      `${NEEDS}; its authorization server's introspection answer, the only word on the token, gives acr "urn:loa:1"`,
    );
  });
});

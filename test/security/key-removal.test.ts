/**
 * Key rotation against the reference issuer over loopback HTTP: a key the issuer removed from its
 * key set stops verifying the tokens it signed, including ones the verifier already verified and
 * cached, once the verifier next reads the set, whether a new kid or the set's expiry makes it
 * read (OIDC Core section 10.1.1, RFC 8725 section 3.8). The clock is the verifier's own.
 */
import { createAccessTokenVerifier as createNodeVerifier } from '@tokenward/core';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier as createWebVerifier } from '../../packages/core/src/index.js';

let issuer: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  // A rotated key leaves the key set at once; key sets are fresh for 60 s.
  issuer = await startIssuer({ port: 0, rotationOverlap: 0, jwksMaxAge: 60 });
  server = issuer.server('default');
});
afterAll(() => issuer.close());

/** A verifier on a clock the test moves, and a token minted at that clock's now. */
function setUp(create: typeof createNodeVerifier) {
  let now = Date.now();
  const verifier = create({ issuer: server.issuer, audience: server.audience, clock: () => now });
  return {
    verifier,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
    mint: () => server.mintAccessToken({ sub: 'alice' }, { now: Math.floor(now / 1000), expiresIn: 3600 }),
  };
}

const refusal = (outcome: Promise<unknown>) =>
  outcome.then(
    () => 'accepted',
    (error: { code: string }) => error.code,
  );

const kidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;

describe.each([
  ['Node entry', createNodeVerifier],
  ['web entry', createWebVerifier],
] as const)('a removed key, %s', (_entry, create) => {
  it('[IDT-13, BCP-8] OIDC Core section 10.1.1: a rotation seen through a new kid ends the old key, cached tokens included', async () => {
    const { verifier, advance, mint } = setUp(create);
    const before = await mint();
    await verifier.verify(before);
    expect(await refusal(verifier.verify(before))).toBe('accepted'); // now from the result cache
    server.rotateKeys();
    advance(31); // past the unknown-kid cooldown
    expect(await refusal(verifier.verify(await mint()))).toBe('accepted');
    expect(await refusal(verifier.verify(before))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('[IDT-13, BCP-8] OIDC Core section 10.1.1: a key retired from the set ends with the set it was cached from', async () => {
    const { verifier, advance, mint } = setUp(create);
    const before = await mint();
    await verifier.verify(before);
    server.addKey('RS256');
    server.retireKey(kidOf(before));
    advance(30); // the key set is still fresh: the token verified before still does
    expect(await refusal(verifier.verify(before))).toBe('accepted');
    advance(31); // past the key set's 60 s: it is read again, without the key
    expect(await refusal(verifier.verify(before))).toBe('ERR_KEY_NOT_FOUND');
  });
});

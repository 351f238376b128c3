import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '../../src/node.js';
import { rejectionOf, SERVERS } from './support.js';

let org: ReferenceIssuer;
let def: AuthServer;
let payments: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: SERVERS });
  def = org.server('default');
  payments = org.server('payments');
});
afterAll(() => org.close());
beforeEach(() => org.resetCounts());

const defaultVerifier = () => createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });

describe('issuer boundaries, decided without fetching anything (DESIGN rules 1–3)', () => {
  it('refuses a token of the sibling custom server, naming it but not the trusted one, with no request', async () => {
    const token = await payments.mintAccessToken({}, { audience: 'api://default' });
    const failure = await rejectionOf(defaultVerifier().verify(token));
    expect(failure.code).toBe('ERR_ISSUER_MISMATCH');
    expect(failure.message).toMatch(
      /custom authorization server "payments" .* which is not the issuer this API trusts/,
    );
    expect(failure.message).not.toContain('/oauth2/default');
    expect(org.requestCount()).toBe(0);
  });

  it('refuses an org-server access token with ERR_ORG_SERVER_TOKEN and advice, with no request (OK-1)', async () => {
    const token = await org.orgServer.mintAccessToken({}, { audience: 'api://default' });
    const failure = await rejectionOf(defaultVerifier().verify(token));
    expect(failure.code).toBe('ERR_ORG_SERVER_TOKEN');
    expect(failure.status).toBe(401);
    expect(failure.message).toMatch(
      /vendor's own APIs only; obtain tokens from the custom authorization server/,
    );
    expect(org.requestCount()).toBe(0);
  });

  it('refuses a token of an unknown issuer with no request at all (AT-4)', async () => {
    const stranger = await startIssuer({ port: 0 });
    try {
      const token = await stranger.server('default').mintAccessToken();
      expect((await rejectionOf(defaultVerifier().verify(token))).code).toBe('ERR_ISSUER_MISMATCH');
      expect(org.requestCount()).toBe(0);
      expect(stranger.requestCount()).toBe(0);
    } finally {
      await stranger.close();
    }
  });

  it('refuses alg none and HS256 tokens before any request (BCP-3, JOSE-14)', async () => {
    for (const alg of ['none', 'HS256', 'RS256 ']) {
      const token = await def.mintAccessToken({}, { header: { alg } });
      expect((await rejectionOf(defaultVerifier().verify(token))).code).toBe('ERR_ALG_NOT_ALLOWED');
    }
    expect(org.requestCount()).toBe(0);
  });

  it('refuses a token with crit (JOSE-5) and with b64:false (JOSE-7)', async () => {
    const crit = await def.mintAccessToken({}, { header: { crit: ['exp'], exp: 1 } });
    const b64 = await def.mintAccessToken({}, { header: { crit: ['b64'], b64: false } });
    expect((await rejectionOf(defaultVerifier().verify(crit))).code).toBe('ERR_CRIT_UNSUPPORTED');
    expect((await rejectionOf(defaultVerifier().verify(b64))).code).toBe('ERR_CRIT_UNSUPPORTED');
    expect(org.requestCount()).toBe(0);
  });

  it('refuses a configuration naming the org server itself (DESIGN rule 3)', () => {
    expect(() => createAccessTokenVerifier({ issuer: org.orgServer.issuer, audience: org.origin })).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG',
        message: expect.stringContaining(`${org.origin}/oauth2/default`),
      }),
    );
  });

  it('verifies org-server tokens as a generic issuer with orgServerRules: false', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: org.orgServer.issuer,
      audience: org.orgServer.audience,
      orgServerRules: false,
    });
    const result = await verifier.verify(await org.orgServer.mintAccessToken());
    expect(result.server).toEqual({ kind: 'other', issuer: org.orgServer.issuer });
  });
});

describe('keys belong to one issuer (BCP-8, DESIGN rule 2)', () => {
  it("does not find a sibling server's kid in this issuer's key set", async () => {
    const token = await def.mintAccessToken({}, { signWith: payments });
    const failure = await rejectionOf(defaultVerifier().verify(token));
    expect(failure.code).toBe('ERR_KEY_NOT_FOUND');
    expect(failure.message).toContain(payments.activeKid);
    expect(org.requestCount({ server: 'payments' })).toBe(0);
  });

  it("refuses a sibling's signature under this issuer's kid", async () => {
    const token = await def.mintAccessToken({}, { signWith: payments, header: { kid: def.activeKid } });
    expect((await rejectionOf(defaultVerifier().verify(token))).code).toBe('ERR_SIGNATURE_INVALID');
  });

  it('refuses a token signed with a key the issuer never published', async () => {
    const token = await def.mintAccessToken({}, { signWith: 'unpublished' });
    expect((await rejectionOf(defaultVerifier().verify(token))).code).toBe('ERR_KEY_NOT_FOUND');
  });

  it('ignores a key embedded in the header: a self-signed token carrying its own jwk fails (JOSE-8, BCP-10)', async () => {
    const attacker = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(attacker.publicKey);
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'mallory', aud: def.audience, cid: 'test-client', iat: now, exp: now + 300 };
    const forge = (kid: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, jwk })
        .setIssuer(def.issuer)
        .sign(attacker.privateKey);
    expect((await rejectionOf(defaultVerifier().verify(await forge(def.activeKid)))).code).toBe(
      'ERR_SIGNATURE_INVALID',
    );
    expect((await rejectionOf(defaultVerifier().verify(await forge('attacker')))).code).toBe(
      'ERR_KEY_NOT_FOUND',
    );
  });

  it('still verifies a genuine token whose header carries an unrelated jwk, jku and x5u (JOSE-8)', async () => {
    const token = await def.mintAccessToken(
      {},
      {
        header: {
          jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' },
          jku: 'https://evil.example/jwks',
          x5u: 'https://evil.example/c',
        },
      },
    );
    await expect(defaultVerifier().verify(token)).resolves.toMatchObject({ issuer: def.issuer });
    expect(org.requestCount({ endpoint: 'jwks' })).toBe(1);
  });
});

describe('several issuers in one verifier', () => {
  const verifier = () =>
    createAccessTokenVerifier({
      issuers: [
        { issuer: def.issuer, audience: def.audience },
        { issuer: payments.issuer, audience: [payments.audience] },
      ],
    });

  it('verifies each issuer with its own audience and keys', async () => {
    const both = verifier();
    const fromDefault = await both.verify(await def.mintAccessToken());
    const fromPayments = await both.verify(await payments.mintAccessToken());
    expect(fromDefault.server).toEqual({ kind: 'custom', id: 'default', issuer: def.issuer });
    expect(fromPayments.server).toEqual({ kind: 'custom', id: 'payments', issuer: payments.issuer });
  });

  it("does not accept one issuer's audience from the other (BCP-12)", async () => {
    const token = await payments.mintAccessToken({}, { audience: def.audience });
    expect((await rejectionOf(verifier().verify(token))).code).toBe('ERR_AUDIENCE_MISMATCH');
  });

  it('warm() loads every issuer before traffic, so verification needs no request', async () => {
    const both = verifier();
    await both.hydrate();
    const loaded = org.requestCount();
    expect(org.requestCount({ server: 'default', endpoint: 'jwks' })).toBe(1);
    expect(org.requestCount({ server: 'payments', endpoint: 'jwks' })).toBe(1);
    await both.verify(await def.mintAccessToken());
    await both.verify(await payments.mintAccessToken());
    expect(org.requestCount()).toBe(loaded);
  });
});

import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, type SigningAlg, startIssuer, TEST_USER } from '../src/index.js';
import { payloadOf } from './support.js';

/** OIDC Core §3.1.3.6: left half of the alg's hash, base64url (SHA-512 for Ed25519). */
function expectedHalfHash(value: string, hash: 'sha256' | 'sha512'): string {
  const digest = createHash(hash).update(value).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

describe('minting', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer({ servers: ['payments'] });
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('builds vendor-shaped access tokens without typ by default', async () => {
    const server = issuer.server('default');
    const token = await server.mintAccessToken({}, { now: 1_700_000_000 });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: server.activeKid });
    const claims = payloadOf(token);
    expect(claims).toMatchObject({
      ver: 1,
      iss: server.issuer,
      aud: 'api://default',
      iat: 1_700_000_000,
      exp: 1_700_003_600,
      cid: 'test-client',
      uid: TEST_USER.id,
      sub: TEST_USER.login,
      scp: [],
    });
    expect(claims.jti).toMatch(/^AT\./);
    expect(claims.nbf).toBeUndefined();
  });

  it('lets claims override defaults and drops uid for an explicit subject', async () => {
    const claims = payloadOf(
      await issuer.server('default').mintAccessToken({ sub: 'svc', cid: 'other', scp: ['x'], extra: true }),
    );
    expect(claims).toMatchObject({ sub: 'svc', cid: 'other', scp: ['x'], extra: true });
    expect(claims.uid).toBeUndefined();
  });

  it('applies time options: expiresIn, notBefore, issuedAt', async () => {
    const server = issuer.server('default');
    const claims = payloadOf(
      await server.mintAccessToken({}, { now: 1000, expiresIn: 60, notBefore: 30, issuedAt: 900 }),
    );
    expect(claims).toMatchObject({ iat: 900, exp: 1060, nbf: 1030 });
    const expired = await server.mintAccessToken({}, { expiresIn: -10 });
    await expect(jwtVerify(expired, createLocalJWKSet(server.jwks()))).rejects.toBeInstanceOf(
      errors.JWTExpired,
    );
  });

  it('overrides the audience and omits claims', async () => {
    const claims = payloadOf(
      await issuer.server('default').mintAccessToken({}, { audience: ['a', 'b'], omit: ['exp', 'jti'] }),
    );
    expect(claims.aud).toEqual(['a', 'b']);
    expect(claims).not.toHaveProperty('exp');
    expect(claims).not.toHaveProperty('jti');
  });

  it('merges header overrides after the defaults and removes members set to null', async () => {
    const server = issuer.server('default');
    const noKid = await server.mintAccessToken({}, { header: { kid: null } });
    expect(decodeProtectedHeader(noKid)).toEqual({ alg: 'RS256' });
    const odd = await server.mintAccessToken(
      {},
      { header: { crit: ['exp-ext'], 'exp-ext': 1, jku: 'http://evil.example/keys', alg: 'RS512' } },
    );
    expect(decodeProtectedHeader(odd)).toEqual({
      alg: 'RS512',
      kid: server.activeKid,
      crit: ['exp-ext'],
      'exp-ext': 1,
      jku: 'http://evil.example/keys',
    });
    const typed = await server.mintAccessToken({}, { typ: 'at+jwt' });
    expect(decodeProtectedHeader(typed).typ).toBe('at+jwt');
    const idWithoutTyp = await server.mintIdToken({}, { typ: null });
    expect(decodeProtectedHeader(idWithoutTyp).typ).toBeUndefined();
  });

  it("signs with another server's key while keeping this server's iss (BCP-8)", async () => {
    const def = issuer.server('default');
    const payments = issuer.server('payments');
    const token = await def.mintAccessToken({}, { signWith: payments });
    expect(decodeProtectedHeader(token).kid).toBe(payments.activeKid);
    expect(payloadOf(token).iss).toBe(def.issuer);
    await expect(jwtVerify(token, createLocalJWKSet(def.jwks()))).rejects.toThrow();
    await jwtVerify(token, createLocalJWKSet(payments.jwks()));
  });

  it('signs with an unpublished key that no JWKS serves', async () => {
    const token = await issuer.server('default').mintAccessToken({}, { signWith: 'unpublished' });
    const kid = decodeProtectedHeader(token).kid;
    const published = [issuer.orgServer, ...issuer.servers].flatMap((s) => s.jwks().keys.map((k) => k.kid));
    expect(published).not.toContain(kid);
  });

  it('builds ID tokens for the test user with OIDC claims', async () => {
    const server = issuer.server('default');
    const token = await server.mintIdToken({ nonce: 'n-1' }, { clientId: '0oaclient', now: 5000 });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: server.activeKid, typ: 'JWT' });
    const claims = payloadOf(token);
    expect(claims).toMatchObject({
      ver: 1,
      iss: server.issuer,
      aud: '0oaclient',
      sub: TEST_USER.id,
      iat: 5000,
      exp: 8600,
      auth_time: 5000,
      amr: ['pwd'],
      idp: TEST_USER.idp,
      nonce: 'n-1',
      name: 'Alice Example',
      preferred_username: 'alice@example.com',
      email: 'alice@example.com',
      email_verified: true,
    });
    expect(claims.jti).toMatch(/^ID\./);
    expect(payloadOf(await server.mintIdToken()).aud).toBe('spa-client');
    expect(payloadOf(await server.mintIdToken({ sub: 'someone' })).name).toBeUndefined();
  });

  it.each<[SigningAlg, 'sha256' | 'sha512']>([
    ['RS256', 'sha256'],
    ['PS256', 'sha256'],
    ['ES256', 'sha256'],
    ['EdDSA', 'sha512'],
  ])('computes at_hash and c_hash for %s with %s (IDT-10, IDT-11)', async (alg, hash) => {
    const server = issuer.addServer();
    if (alg !== 'RS256') server.addKey(alg);
    const accessToken = await server.mintAccessToken({}, { alg });
    const token = await server.mintIdToken({}, { alg, accessToken, code: 'the-code' });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(server.jwks()), {
      algorithms: [alg],
      issuer: server.issuer,
      audience: 'spa-client',
    });
    expect(protectedHeader.alg).toBe(alg);
    expect(payload.at_hash).toBe(expectedHalfHash(accessToken, hash));
    expect(payload.c_hash).toBe(expectedHalfHash('the-code', hash));
  });

  it('starts every server with the configured algorithm', async () => {
    const es = await startIssuer({ alg: 'ES256' });
    try {
      const server = es.server('default');
      expect(server.jwks().keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256' });
      const token = await server.mintAccessToken();
      await jwtVerify(token, createLocalJWKSet(server.jwks()), { algorithms: ['ES256'] });
    } finally {
      await es.close();
    }
  });
});

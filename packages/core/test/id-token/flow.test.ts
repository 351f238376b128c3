import { type ReferenceIssuer, startIssuer, TEST_USER } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRIES, rejectionOf, SPA_CLIENT, signIn } from './support.js';

let org: ReferenceIssuer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default', 'payments'] });
});
afterAll(() => org.close());

describe.each(ENTRIES)('ID tokens of a real code + PKCE sign-in, %s', (_entry, createIdTokenVerifier) => {
  const verifierFor = (server = org.server('default')) =>
    createIdTokenVerifier({ issuer: server.issuer, clientId: SPA_CLIENT });

  it('verifies the ID token with its nonce and access token and describes the user (IDT-2..IDT-12)', async () => {
    const server = org.server('default');
    const { idToken, accessToken, nonce } = await signIn(server);
    const result = await verifierFor().verify(idToken, { nonce, accessToken, maxAge: 60 });
    expect(result).toMatchObject({
      token: idToken,
      issuer: server.issuer,
      subject: TEST_USER.id,
      audience: [SPA_CLIENT],
      nonce,
      amr: ['pwd'],
      profile: {
        name: TEST_USER.name,
        email: TEST_USER.email,
        emailVerified: true,
        preferredUsername: TEST_USER.login,
      },
      server: { kind: 'custom', id: 'default', issuer: server.issuer },
    });
    expect(result.header).toMatchObject({ alg: 'RS256', kid: server.activeKid, typ: 'JWT' });
    expect(result.authTime).toBeInstanceOf(Date);
    expect(result.expiresAt.getTime()).toBe(result.claims.exp * 1000);
    expect(result.issuedAt.getTime()).toBe(result.claims.iat * 1000);
    expect(result.claims.at_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const part of [result, result.claims, result.profile, result.header, result.audience]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
  });

  it('gives an empty profile when only openid was granted (OIDC Core §5.4)', async () => {
    const { idToken, nonce } = await signIn(org.server('default'), 'openid');
    const result = await verifierFor().verify(idToken, { nonce });
    expect(result.profile).toEqual({});
    expect(result.subject).toBe(TEST_USER.id);
  });

  it('accepts SSO ID tokens of the org server, which is what the org server is for (DESIGN rule 3)', async () => {
    const { idToken, accessToken, nonce } = await signIn(org.orgServer);
    const result = await verifierFor(org.orgServer).verify(idToken, { nonce, accessToken });
    expect(result.server).toEqual({ kind: 'org', issuer: org.orgServer.issuer });
    expect(result.issuer).toBe(org.origin);
  });

  it('refuses the access token of another sign-in given with this ID token (at_hash, IDT-10)', async () => {
    const first = await signIn(org.server('default'));
    const second = await signIn(org.server('default'));
    expect(
      await rejectionOf(
        verifierFor().verify(first.idToken, { nonce: first.nonce, accessToken: second.accessToken }),
      ),
    ).toMatchObject({ code: 'ERR_AT_HASH_MISMATCH', status: 401 });
  });

  it('refuses the ID token of another sign-in: it carries that sign-in’s nonce (IDT-8)', async () => {
    const first = await signIn(org.server('default'));
    const second = await signIn(org.server('default'));
    expect(await rejectionOf(verifierFor().verify(first.idToken, { nonce: second.nonce }))).toMatchObject({
      code: 'ERR_NONCE_MISMATCH',
      message:
        'the token\'s "nonce" differs from the one sent in the authentication request: it answers another request',
    });
  });

  it('refuses the access token of the same response presented as the ID token (AT-10, OK-2)', async () => {
    const { accessToken, nonce } = await signIn(org.server('default'));
    const failure = await rejectionOf(verifierFor().verify(accessToken, { nonce }));
    expect(failure).toMatchObject({ code: 'ERR_TYPE_INVALID', status: 401 });
    expect(failure.message).toContain('"cid", a claim of access tokens');
  });

  it('refuses an ID token the payments server issued to the same client (DESIGN rule 1)', async () => {
    const { idToken, nonce } = await signIn(org.server('payments'));
    const failure = await rejectionOf(verifierFor().verify(idToken, { nonce }));
    expect(failure.code).toBe('ERR_ISSUER_MISMATCH');
    expect(failure.message).toContain('custom authorization server "payments"');
  });

  it('fetches discovery and keys once, from warm(), not on each verify', async () => {
    const verifier = verifierFor(org.server('payments'));
    await verifier.warm();
    const { idToken, nonce } = await signIn(org.server('payments'));
    org.resetCounts();
    await verifier.verify(idToken, { nonce });
    expect(org.requestCount({ server: 'payments', endpoint: 'jwks' })).toBe(0);
    expect(org.requestCount({ server: 'payments', endpoint: 'discovery' })).toBe(0);
  });
});

import { calculateJwkThumbprint } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer, TEST_USER } from '../src/index.js';
import { clientAssertion, dpopProof, JWT_BEARER, type ProofKey, proofKey } from './keys-support.js';
import { basicAuth, payloadOf, postForm } from './support.js';

const RS_AUTH = { authorization: basicAuth('resource-server', 'rs-secret') };

describe('introspection (RFC 7662) at org and custom servers', () => {
  let issuer: ReferenceIssuer;
  let signer: ProofKey;

  beforeAll(async () => {
    signer = await proofKey('ES256');
    issuer = await startIssuer({
      servers: ['payments'],
      clients: [
        { clientId: 'resource-server', clientSecret: 'rs-secret' },
        { clientId: 'jwt-client', jwks: { keys: [{ ...signer.publicJwk, kid: 'k1' }] } },
        { clientId: 'opaque-client', clientSecret: 'o-secret', accessTokenFormat: 'opaque' },
      ],
    });
  });
  afterAll(async () => {
    await issuer.close();
  });

  async function introspect(token: string, server = 'default', params: Record<string, string> = {}) {
    const response = await postForm(
      issuer.server(server).introspectionEndpoint,
      { token, ...params },
      RS_AUTH,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return response.json();
  }

  it('answers every RFC 7662 §2.2 member for a live user token (IN-2)', async () => {
    const server = issuer.server('default');
    const token = await server.mintAccessToken({ scp: ['orders:read', 'openid'] }, { notBefore: -5 });
    const claims = payloadOf(token);
    expect(await introspect(token)).toEqual({
      active: true,
      token_type: 'Bearer',
      scope: 'orders:read openid',
      client_id: 'test-client',
      username: TEST_USER.login,
      sub: TEST_USER.login,
      uid: TEST_USER.id,
      exp: claims.exp,
      iat: claims.iat,
      nbf: claims.nbf,
      aud: 'api://default',
      iss: server.issuer,
      jti: claims.jti,
    });
  });

  it('leaves username out for a client_credentials token', async () => {
    const response = await postForm(
      issuer.server('default').tokenEndpoint,
      { grant_type: 'client_credentials', scope: 'a' },
      RS_AUTH,
    );
    const body = await introspect((await response.json()).access_token);
    expect(body).toMatchObject({
      active: true,
      client_id: 'resource-server',
      sub: 'resource-server',
      scope: 'a',
    });
    expect(body.username).toBeUndefined();
  });

  it('reports a DPoP-bound token with token_type DPoP and its cnf (DP-3)', async () => {
    const key = await proofKey('ES256');
    const tokenUrl = issuer.server('payments').tokenEndpoint;
    const response = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials' },
      { ...RS_AUTH, dpop: await dpopProof(key, tokenUrl) },
    );
    const body = await introspect((await response.json()).access_token, 'payments');
    expect(body).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: await calculateJwkThumbprint(key.publicJwk) },
    });
  });

  it('introspects org-server tokens at the org server (IN-Okta)', async () => {
    const token = await issuer.orgServer.mintAccessToken({ scp: ['okta.users.read'] });
    expect(await introspect(token, 'org')).toMatchObject({
      active: true,
      iss: issuer.origin,
      aud: issuer.origin,
    });
  });

  it('answers active:false, and nothing else, for tokens it must not vouch for (IN-2)', async () => {
    const server = issuer.server('default');
    const inactive = [
      await issuer.server('payments').mintAccessToken(),
      await issuer.orgServer.mintAccessToken(),
      await server.mintAccessToken({}, { expiresIn: -1 }),
      await server.mintAccessToken({}, { notBefore: 60 }),
      await server.mintAccessToken({}, { signWith: 'unpublished' }),
      await server.mintAccessToken({}, { signWith: issuer.server('payments') }),
      await issuer.server('payments').mintAccessToken({}, { format: 'opaque' }),
      'not-a-token',
      'a.b.c',
      'x'.repeat(2000),
    ];
    for (const token of inactive) expect(await introspect(token)).toEqual({ active: false });
    const customToken = await server.mintAccessToken();
    expect(await introspect(customToken, 'org')).toEqual({ active: false });
  });

  it('withdrawScopes() takes scopes back from a live JWT or opaque token: its answer lists the rest (IN-8)', async () => {
    const server = issuer.server('default');
    const jwt = await server.mintAccessToken({ scp: ['orders:read', 'orders:write', 'openid'] });
    const opaque = await server.mintAccessToken(
      { scp: ['orders:read', 'orders:write'] },
      { format: 'opaque' },
    );
    expect(issuer.server('payments').withdrawScopes(jwt, ['orders:write'])).toBe(false);
    for (const token of [jwt, opaque]) {
      expect(server.withdrawScopes(token, ['orders:write'])).toBe(true);
      expect(await introspect(token)).toMatchObject({
        active: true,
        scope: expect.not.stringContaining('write'),
      });
    }
    expect((await introspect(jwt)).scope).toBe('orders:read openid');
    expect(server.withdrawScopes(jwt, ['openid'])).toBe(true);
    expect((await introspect(jwt)).scope).toBe('orders:read');
    expect((await introspect(opaque)).scope).toBe('orders:read');
    server.revokeToken(jwt);
    expect(server.withdrawScopes(jwt, ['orders:read'])).toBe(false);
  });

  it('reshapeIntrospection() answers about a live token with members left out or stated otherwise, until it is revoked (IN-2)', async () => {
    const server = issuer.server('default');
    const jwt = await server.mintAccessToken({
      scp: ['orders:read'],
      acr: 'urn:mfa',
      auth_time: 1_700_000_000,
    });
    const opaque = await server.mintAccessToken({ scp: ['orders:read'] }, { format: 'opaque' });
    expect(issuer.server('payments').reshapeIntrospection(jwt, { omit: 'all' })).toBe(false);
    for (const token of [jwt, opaque]) {
      expect(server.reshapeIntrospection(token, { omit: 'all' })).toBe(true);
      expect(await introspect(token)).toEqual({ active: true });
    }
    expect(
      server.reshapeIntrospection(jwt, {
        omit: ['sub', 'aud', 'active'],
        set: { acr: 'urn:pwd', active: false },
      }),
    ).toBe(true);
    const answer = await introspect(jwt);
    expect(answer).toMatchObject({
      active: true,
      acr: 'urn:pwd',
      auth_time: 1_700_000_000,
      iss: server.issuer,
    });
    expect(answer).not.toHaveProperty('sub');
    expect(answer).not.toHaveProperty('aud');
    expect(await introspect(jwt, 'payments')).toEqual({ active: false });
    server.revokeToken(jwt);
    expect(await introspect(jwt)).toEqual({ active: false });
    expect(server.reshapeIntrospection(jwt, { omit: 'all' })).toBe(false);
    expect(await introspect(await server.mintAccessToken())).toHaveProperty('sub');
  });

  it('accepts token_type_hint of any kind and still finds the token (RFC 7662 §2.1)', async () => {
    const token = await issuer.server('default').mintAccessToken();
    for (const hint of ['access_token', 'refresh_token', 'id_token', 'something_else']) {
      expect((await introspect(token, 'default', { token_type_hint: hint })).active).toBe(true);
    }
  });

  describe('opaque access tokens', () => {
    it('mints opaque tokens that only introspection at the same server resolves', async () => {
      const server = issuer.server('default');
      const token = await server.mintAccessToken(
        { scp: ['orders:read'] },
        { format: 'opaque', expiresIn: 120 },
      );
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const body = await introspect(token);
      expect(body).toMatchObject({
        active: true,
        scope: 'orders:read',
        client_id: 'test-client',
        iss: server.issuer,
      });
      expect(body.exp - body.iat).toBe(120);
      expect(await introspect(token, 'payments')).toEqual({ active: false });
      expect(await introspect(token, 'org')).toEqual({ active: false });
    });

    it('reports an expired or not-yet-valid opaque token as inactive', async () => {
      const server = issuer.server('default');
      expect(await introspect(await server.mintAccessToken({}, { format: 'opaque', expiresIn: -1 }))).toEqual(
        {
          active: false,
        },
      );
      expect(await introspect(await server.mintAccessToken({}, { format: 'opaque', notBefore: 30 }))).toEqual(
        {
          active: false,
        },
      );
    });

    it('issues opaque tokens from the token endpoint to a client registered for them, DPoP-bound too', async () => {
      const tokenUrl = issuer.server('default').tokenEndpoint;
      const auth = { authorization: basicAuth('opaque-client', 'o-secret') };
      const plain = await (
        await postForm(tokenUrl, { grant_type: 'client_credentials', scope: 's' }, auth)
      ).json();
      expect(plain.access_token).not.toContain('.');
      expect(await introspect(plain.access_token)).toMatchObject({
        active: true,
        client_id: 'opaque-client',
        scope: 's',
      });

      const key = await proofKey('ES256');
      const bound = await postForm(
        tokenUrl,
        { grant_type: 'client_credentials' },
        { ...auth, dpop: await dpopProof(key, tokenUrl) },
      );
      const body = await bound.json();
      expect(body.token_type).toBe('DPoP');
      expect(await introspect(body.access_token)).toMatchObject({
        token_type: 'DPoP',
        cnf: { jkt: await calculateJwkThumbprint(key.publicJwk) },
      });
    });
  });

  describe('client authentication (IN-1, IN-3)', () => {
    const token = () => issuer.server('default').mintAccessToken();

    it('accepts client_secret_post', async () => {
      const response = await postForm(issuer.server('default').introspectionEndpoint, {
        token: await token(),
        client_id: 'resource-server',
        client_secret: 'rs-secret',
      });
      expect((await response.json()).active).toBe(true);
    });

    it('accepts private_key_jwt with aud = the endpoint, the issuer or the token endpoint (RFC 7523 §3)', async () => {
      const server = issuer.server('default');
      for (const aud of [
        server.introspectionEndpoint,
        server.issuer,
        server.tokenEndpoint,
        ['x', server.issuer],
      ]) {
        const response = await postForm(server.introspectionEndpoint, {
          token: await token(),
          client_assertion_type: JWT_BEARER,
          client_assertion: await clientAssertion(signer, 'jwt-client', aud, { header: { kid: 'k1' } }),
        });
        expect(response.status).toBe(200);
        expect((await response.json()).active).toBe(true);
      }
    });

    it('refuses bad client assertions with 401 invalid_client', async () => {
      const server = issuer.server('default');
      const other = await proofKey('ES256');
      const now = Math.floor(Date.now() / 1000);
      const aud = server.introspectionEndpoint;
      const cases: Array<[Promise<string>, RegExp]> = [
        [clientAssertion(signer, 'jwt-client', issuer.server('payments').issuer), /aud must name/],
        [clientAssertion(signer, 'jwt-client', aud, { claims: { exp: now - 5 } }), /expired/],
        [
          clientAssertion(signer, 'jwt-client', aud, { claims: { exp: now + 7200 } }),
          /more than 3600 s ahead/,
        ],
        [clientAssertion(signer, 'jwt-client', aud, { claims: { nbf: now + 60 } }), /not valid yet/],
        [clientAssertion(signer, 'jwt-client', aud, { claims: { jti: undefined } }), /needs a jti/],
        [clientAssertion(signer, 'jwt-client', aud, { claims: { sub: 'someone-else' } }), /iss and sub/],
        [clientAssertion(other, 'jwt-client', aud), /Client authentication failed/],
        [
          clientAssertion(signer, 'jwt-client', aud, { header: { kid: 'unknown' } }),
          /Client authentication failed/,
        ],
        [clientAssertion(signer, 'resource-server', aud), /Client authentication failed/],
      ];
      for (const [assertion, description] of cases) {
        const response = await postForm(server.introspectionEndpoint, {
          token: await token(),
          client_assertion_type: JWT_BEARER,
          client_assertion: await assertion,
        });
        expect(response.status).toBe(401);
        const body = await response.json();
        expect(body.error).toBe('invalid_client');
        expect(body.error_description).toMatch(description);
      }
    });

    it('refuses a replayed client assertion (RFC 7523 §3 item 7)', async () => {
      const server = issuer.server('default');
      const assertion = await clientAssertion(signer, 'jwt-client', server.introspectionEndpoint);
      const send = async () =>
        postForm(server.introspectionEndpoint, {
          token: await token(),
          client_assertion_type: JWT_BEARER,
          client_assertion: assertion,
        });
      expect((await send()).status).toBe(200);
      const replayed = await send();
      expect(replayed.status).toBe(401);
      expect((await replayed.json()).error_description).toMatch(/already used/);
    });

    it('refuses an assertion without its type, with a mismatching client_id, or beside a secret', async () => {
      const server = issuer.server('default');
      const assertion = () => clientAssertion(signer, 'jwt-client', server.introspectionEndpoint);
      const noType = await postForm(server.introspectionEndpoint, {
        token: await token(),
        client_assertion: await assertion(),
      });
      expect(noType.status).toBe(400);
      const otherId = await postForm(server.introspectionEndpoint, {
        token: await token(),
        client_id: 'resource-server',
        client_assertion_type: JWT_BEARER,
        client_assertion: await assertion(),
      });
      expect(otherId.status).toBe(401);
      const twoMethods = await postForm(
        server.introspectionEndpoint,
        { token: await token(), client_assertion_type: JWT_BEARER, client_assertion: await assertion() },
        RS_AUTH,
      );
      expect(twoMethods.status).toBe(400);
      expect((await twoMethods.json()).error).toBe('invalid_request');
    });

    it('lets a private_key_jwt client get tokens too, and never as a public client', async () => {
      const server = issuer.server('default');
      const response = await postForm(server.tokenEndpoint, {
        grant_type: 'client_credentials',
        client_assertion_type: JWT_BEARER,
        client_assertion: await clientAssertion(signer, 'jwt-client', server.tokenEndpoint),
      });
      expect(response.status).toBe(200);
      expect(payloadOf((await response.json()).access_token).cid).toBe('jwt-client');
      const asPublic = await postForm(server.tokenEndpoint, {
        grant_type: 'client_credentials',
        client_id: 'jwt-client',
      });
      expect(asPublic.status).toBe(401);
    });

    it('refuses anonymous callers, public clients and wrong secrets', async () => {
      const url = issuer.server('default').introspectionEndpoint;
      expect((await postForm(url, { token: await token() })).status).toBe(401);
      expect((await postForm(url, { token: await token(), client_id: 'spa-client' })).status).toBe(401);
      const wrong = await postForm(
        url,
        { token: await token() },
        { authorization: basicAuth('resource-server', 'nope') },
      );
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
    });
  });
});

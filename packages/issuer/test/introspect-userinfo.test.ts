import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer, TEST_USER } from '../src/index.js';
import { basicAuth, postForm } from './support.js';

describe('introspection (RFC 7662) and userinfo (OIDC Core §5.3)', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer({ servers: ['payments'] });
  });
  afterAll(async () => {
    await issuer.close();
  });

  const introspect = (server: string, token: string) =>
    postForm(
      `${issuer.server(server).introspectionEndpoint}`,
      { token },
      { authorization: basicAuth('test-client', 'test-secret') },
    );

  it('reports an active token of the same server with its claims (IN-2)', async () => {
    const token = await issuer.server('default').mintAccessToken({ scp: ['a', 'b'] });
    const response = await introspect('default', token);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({
      active: true,
      scope: 'a b',
      client_id: 'test-client',
      sub: TEST_USER.login,
      uid: TEST_USER.id,
      iss: issuer.server('default').issuer,
      aud: 'api://default',
      token_type: 'Bearer',
    });
  });

  it('reports tokens of other servers, expired, unpublished or garbage as inactive (IN-2)', async () => {
    const server = issuer.server('default');
    for (const token of [
      await issuer.server('payments').mintAccessToken(),
      await server.mintAccessToken({}, { expiresIn: -60 }),
      await server.mintAccessToken({}, { signWith: 'unpublished' }),
      'not-a-token',
    ]) {
      expect(await (await introspect('default', token)).json()).toEqual({ active: false });
    }
  });

  it('introspects org-server tokens at the org server (IN-Okta)', async () => {
    const token = await issuer.orgServer.mintAccessToken();
    expect((await (await introspect('org', token)).json()).active).toBe(true);
  });

  it('requires confidential client authentication (IN-1, IN-3)', async () => {
    const token = await issuer.server('default').mintAccessToken();
    const anonymous = await postForm(issuer.server('default').introspectionEndpoint, { token });
    expect(anonymous.status).toBe(401);
    const publicClient = await postForm(issuer.server('default').introspectionEndpoint, {
      token,
      client_id: 'spa-client',
    });
    expect(publicClient.status).toBe(401);
    const noToken = await postForm(
      issuer.server('default').introspectionEndpoint,
      {},
      { authorization: basicAuth('test-client', 'test-secret') },
    );
    expect(noToken.status).toBe(400);
  });

  it('returns the test user profile for an openid access token', async () => {
    const server = issuer.server('default');
    const token = await server.mintAccessToken({ scp: ['openid', 'profile'] });
    const response = await fetch(server.userinfoEndpoint, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: TEST_USER.id, name: 'Alice Example' });
  });

  it('challenges missing, invalid and under-scoped tokens (RFC 6750 §3)', async () => {
    const server = issuer.server('default');
    const missing = await fetch(server.userinfoEndpoint);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="tokenward-issuer"');

    const invalid = await fetch(server.userinfoEndpoint, {
      headers: { authorization: 'Bearer abc.def.ghi' },
    });
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const token = await server.mintAccessToken({ scp: ['orders:read'] });
    const noOpenid = await fetch(server.userinfoEndpoint, { headers: { authorization: `Bearer ${token}` } });
    expect(noOpenid.status).toBe(403);
    expect(noOpenid.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });
});

import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';
import { basicAuth, payloadOf, postForm } from './support.js';

describe('token endpoint: client_credentials', () => {
  let issuer: ReferenceIssuer;
  let tokenUrl: string;

  beforeAll(async () => {
    issuer = await startIssuer({
      servers: ['payments'],
      clients: [
        { clientId: 'orders-service', clientSecret: 's3cret', scopes: ['orders:read', 'orders:write'] },
        { clientId: 'payments-only', clientSecret: 'p', servers: ['payments'] },
      ],
    });
    tokenUrl = issuer.server('default').tokenEndpoint;
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('issues a vendor-shaped access token with client_secret_basic', async () => {
    const response = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', scope: 'orders:read' },
      { authorization: basicAuth('orders-service', 's3cret') },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'orders:read' });
    const server = issuer.server('default');
    const { payload, protectedHeader } = await jwtVerify(
      body.access_token,
      createLocalJWKSet(server.jwks()),
      {
        issuer: server.issuer,
        audience: 'api://default',
      },
    );
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: server.activeKid });
    expect(payload).toMatchObject({
      ver: 1,
      cid: 'orders-service',
      sub: 'orders-service',
      scp: ['orders:read'],
    });
    expect(payload.jti).toMatch(/^AT\./);
    expect(payload.uid).toBeUndefined();
  });

  it('accepts client_secret_post and defaults scope to the registered scopes', async () => {
    const response = await postForm(tokenUrl, {
      grant_type: 'client_credentials',
      client_id: 'orders-service',
      client_secret: 's3cret',
    });
    const body = await response.json();
    expect(body.scope).toBe('orders:read orders:write');
    expect(payloadOf(body.access_token).scp).toEqual(['orders:read', 'orders:write']);
  });

  it('lets the built-in test-client request any scope', async () => {
    const response = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', scope: 'anything:at-all openid' },
      { authorization: basicAuth('test-client', 'test-secret') },
    );
    expect((await response.json()).scope).toBe('anything:at-all openid');
  });

  it('mints org-server access tokens with aud = origin', async () => {
    const response = await postForm(
      issuer.orgServer.tokenEndpoint,
      { grant_type: 'client_credentials', scope: 'okta.users.read' },
      { authorization: basicAuth('test-client', 'test-secret') },
    );
    const claims = payloadOf((await response.json()).access_token);
    expect(claims).toMatchObject({ iss: issuer.origin, aud: issuer.origin });
  });

  it('answers a wrong secret with 401 invalid_client and a Basic challenge', async () => {
    const response = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('orders-service', 'wrong') },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('answers a wrong posted secret and a missing client with 401 invalid_client', async () => {
    const attempts: Record<string, string>[] = [
      { grant_type: 'client_credentials', client_id: 'orders-service', client_secret: 'wrong' },
      { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' },
      { grant_type: 'client_credentials' },
      { grant_type: 'client_credentials', client_id: 'orders-service' },
    ];
    for (const params of attempts) {
      const response = await postForm(tokenUrl, params);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect((await response.json()).error).toBe('invalid_client');
    }
  });

  it('does not know a client on servers it is not registered for', async () => {
    const params = { grant_type: 'client_credentials', client_id: 'payments-only', client_secret: 'p' };
    expect((await postForm(tokenUrl, params)).status).toBe(401);
    expect((await postForm(issuer.server('payments').tokenEndpoint, params)).status).toBe(200);
  });

  it('rejects both authentication methods at once with invalid_request (RFC 6749 §2.3)', async () => {
    const response = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', client_secret: 's3cret' },
      { authorization: basicAuth('orders-service', 's3cret') },
    );
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe('invalid_request');
  });

  it('rejects scopes the client may not have with invalid_scope', async () => {
    const response = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', scope: 'orders:read admin' },
      { authorization: basicAuth('orders-service', 's3cret') },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('rejects unknown and missing grant types', async () => {
    const auth = { authorization: basicAuth('test-client', 'test-secret') };
    const unknown = await postForm(tokenUrl, { grant_type: 'password' }, auth);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toBe('unsupported_grant_type');
    const missing = await postForm(tokenUrl, {}, auth);
    expect((await missing.json()).error).toBe('invalid_request');
  });

  it('rejects malformed bodies with invalid_request', async () => {
    const auth = basicAuth('test-client', 'test-secret');
    const cases: RequestInit[] = [
      { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: '{}' },
      {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&grant_type=client_credentials',
      },
      {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new Uint8Array([0x67, 0x3d, 0xff, 0xfe]),
      },
    ];
    for (const init of cases) {
      const response = await fetch(tokenUrl, init);
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.error).toBe('invalid_request');
      expect(typeof body.error_description).toBe('string');
    }
  });

  it('answers a body over 16 KiB with 413 invalid_request', async () => {
    const response = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', padding: 'x'.repeat(20 * 1024) },
      { authorization: basicAuth('test-client', 'test-secret') },
    );
    expect(response.status).toBe(413);
    expect((await response.json()).error).toBe('invalid_request');
  });

  it('answers other methods with 405', async () => {
    const response = await fetch(tokenUrl);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('POST');
  });

  it('refuses client_credentials for the public SPA client', async () => {
    const response = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'spa-client' });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe('unauthorized_client');
  });
});

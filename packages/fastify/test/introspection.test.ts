import type { AuthServer, ReferenceIssuer } from '@tokenward/issuer';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildApp, startTestIssuer } from './support.js';

let issuer: ReferenceIssuer;
let server: AuthServer;
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  server = issuer.server('default');
  app = await buildApp({
    issuer: server.issuer,
    audience: server.audience,
    introspection: {
      mode: 'fallback' as const,
      clientId: 'test-client',
      clientSecret: 'test-secret',
      maxCacheAge: 0,
    },
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await issuer.close();
});

describe('introspection through the Fastify plugin', () => {
  it('IN-2: an opaque token is introspected, scopes checked; once revoked it is 401 ERR_TOKEN_INACTIVE', async () => {
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { format: 'opaque' });
    const ok = await fetch(`${url}/orders`, { headers: bearer(token) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ subject: 'alice', scopes: ['orders:read'] });
    const forbidden = await fetch(`${url}/orders/write`, { headers: bearer(token) });
    expect(forbidden.status).toBe(403);
    server.revokeToken(token);
    const refused = await fetch(`${url}/orders`, { headers: bearer(token) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await refused.json()).toMatchObject({ code: 'ERR_TOKEN_INACTIVE' });
  });

  it('IN-5: mode always refuses a revoked JWT 401 ERR_TOKEN_INACTIVE whatever the route requires', async () => {
    const always = await buildApp({
      issuer: server.issuer,
      audience: server.audience,
      introspection: {
        mode: 'always' as const,
        clientId: 'test-client',
        clientSecret: 'test-secret',
        maxCacheAge: 0,
      },
    });
    try {
      const jwt = await server.mintAccessToken({ sub: 'carol', scp: ['orders:read'], tenant_id: 'acme' });
      // Route requirements (hook scopes, config.auth scopes and claims) after the issuer said yes.
      const before = { '/orders/write': 403, '/reports': 403, '/tenants/acme': 200 };
      for (const [path, status] of Object.entries(before)) {
        const response = await always.inject({ url: path, headers: bearer(jwt) });
        expect([path, response.statusCode]).toEqual([path, status]);
      }
      server.revokeToken(jwt);
      for (const path of ['/orders', ...Object.keys(before)]) {
        const response = await always.inject({ url: path, headers: bearer(jwt) });
        expect([path, response.statusCode]).toEqual([path, 401]);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
        expect(response.json()).toMatchObject({ code: 'ERR_TOKEN_INACTIVE', error: 'invalid_token' });
      }
    } finally {
      await always.close();
    }
  });

  it('IN-1: credentials the endpoint refuses are 503 for the caller, never 401', async () => {
    const wrong = await buildApp({
      issuer: server.issuer,
      audience: server.audience,
      introspection: { mode: 'fallback' as const, clientId: 'test-client', clientSecret: 'wrong' },
    });
    try {
      const token = await server.mintAccessToken({}, { format: 'opaque' });
      const response = await wrong.inject({ url: '/orders', headers: bearer(token) });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'ERR_INTROSPECTION_FAILED' });
      expect(response.body).not.toMatch(/127\.0\.0\.1|http/);
    } finally {
      await wrong.close();
    }
  });
});

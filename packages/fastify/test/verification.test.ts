import type { ReferenceIssuer } from '@tokenward/issuer';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildApp, defaultServerOptions, startTestIssuer } from './support.js';

let issuer: ReferenceIssuer;
let app: FastifyInstance;

beforeAll(async () => {
  issuer = await startTestIssuer();
  app = await buildApp(defaultServerOptions(issuer));
});

afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

function mint(claims: Record<string, unknown> = {}, options = {}): Promise<string> {
  return issuer.server('default').mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...claims }, options);
}

describe('valid tokens', () => {
  it('passes a valid token and exposes the verified result as request.auth (AT-4, AT-5)', async () => {
    const response = await app.inject({ url: '/orders', headers: bearer(await mint()) });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      subject: 'alice',
      issuer: issuer.server('default').issuer,
      audience: ['api://default'],
      scopes: ['orders:read'],
      server: { kind: 'custom', id: 'default' },
    });
  });

  it('accepts the scheme name in any case (BT-2)', async () => {
    const response = await app.inject({
      url: '/orders',
      headers: { authorization: `bEaReR ${await mint()}` },
    });

    expect(response.statusCode).toBe(200);
  });

  it('leaves request.auth null on routes that do not authenticate', async () => {
    const response = await app.inject({ url: '/public', headers: bearer(await mint()) });

    expect(response.json()).toEqual({ auth: null });
  });
});

describe('missing and malformed credentials', () => {
  it('answers 401 with a bare challenge when no token is sent (RFC 6750 §3.1, BT-7)', async () => {
    const response = await app.inject({ url: '/orders' });

    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="orders-api"');
    expect(response.json()).toMatchObject({ statusCode: 401, code: 'ERR_TOKEN_MISSING' });
  });

  it('treats another scheme as no bearer credentials (BT-7)', async () => {
    const response = await app.inject({
      url: '/orders',
      headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' },
    });

    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="orders-api"');
  });

  it('answers 400 invalid_request for two Authorization lines (BT-3, BT-9)', async () => {
    const token = await mint();
    const response = await app.inject({
      url: '/orders',
      // One field line per array item; Node types only the capitalised name as a list.
      headers: { Authorization: [`Bearer ${token}`, `Bearer ${token}`] },
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer realm="orders-api", error="invalid_request"/,
    );
    expect(response.json()).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
  });

  it('answers 400 invalid_request for a scheme with no token (BT-1)', async () => {
    const response = await app.inject({ url: '/orders', headers: { authorization: 'Bearer' } });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
  });

  it('ignores a query token unless allowQuery is set (BT-5)', async () => {
    const response = await app.inject({ url: '/orders', query: { access_token: await mint() } });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
  });
});

describe('rejected tokens answer 401 invalid_token with their own code', () => {
  async function expectInvalidToken(token: string, code: string): Promise<void> {
    const response = await app.inject({ url: '/orders', headers: bearer(token) });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="orders-api", error="invalid_token"/);
    expect(response.json()).toMatchObject({ statusCode: 401, code });
  }

  it('an expired token (AT-7, JOSE-15)', async () => {
    await expectInvalidToken(await mint({}, { expiresIn: -3600 }), 'ERR_TOKEN_EXPIRED');
  });

  it('a token whose payload was changed after signing (AT-6, BCP-4)', async () => {
    const [header, payload, signature] = (await mint()).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url');
    await expectInvalidToken(`${header}.${forged}.${signature}`, 'ERR_SIGNATURE_INVALID');
  });

  it("a token from the sibling custom server 'payments' (AT-4, BCP-8)", async () => {
    const token = await issuer
      .server('payments')
      .mintAccessToken({ sub: 'alice' }, { audience: 'api://default' });
    await expectInvalidToken(token, 'ERR_ISSUER_MISMATCH');
  });

  it("a token naming our issuer but signed with the sibling server's key (BCP-8, keys belong to one issuer)", async () => {
    await expectInvalidToken(await mint({}, { signWith: issuer.server('payments') }), 'ERR_KEY_NOT_FOUND');
  });

  it('an org-server access token (OK-1, IN-Okta)', async () => {
    const token = await issuer.orgServer.mintAccessToken({ sub: 'alice' }, { audience: 'api://default' });
    await expectInvalidToken(token, 'ERR_ORG_SERVER_TOKEN');
  });

  it('a token for another API (BCP-9, AT-5)', async () => {
    await expectInvalidToken(await mint({}, { audience: 'api://payments' }), 'ERR_AUDIENCE_MISMATCH');
  });
});

describe('scopes', () => {
  it('answers 403 insufficient_scope naming the scopes when one of "all" is missing (BT-7)', async () => {
    const response = await app.inject({ url: '/orders/write', headers: bearer(await mint()) });

    expect(response.statusCode).toBe(403);
    expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    expect(response.headers['www-authenticate']).toMatch(/scope="orders:read orders:write"/);
    expect(response.json()).toMatchObject({ statusCode: 403, code: 'ERR_INSUFFICIENT_SCOPE' });
  });

  it('passes scopeMatch "any" with one of the scopes', async () => {
    const response = await app.inject({ url: '/orders/any', headers: bearer(await mint()) });

    expect(response.statusCode).toBe(200);
  });

  it('reads scopes from an `scp` array and from a space-separated `scope` (RFC 9068 §2.2.3)', async () => {
    const scpToken = await mint({ scp: ['orders:read', 'orders:write'] });
    const scopeToken = await issuer
      .server('default')
      .mintAccessToken({ sub: 'alice', scope: 'orders:read orders:write' }, { omit: ['scp'] });

    for (const token of [scpToken, scopeToken]) {
      const response = await app.inject({ url: '/orders/write', headers: bearer(token) });
      expect(response.statusCode).toBe(200);
    }
  });

  it('enforces route config.auth scopes without a requireAuth hook', async () => {
    const denied = await app.inject({ url: '/reports', headers: bearer(await mint()) });
    const allowed = await app.inject({
      url: '/reports',
      headers: bearer(await mint({ scp: ['reports:read'] })),
    });
    const missing = await app.inject({ url: '/reports' });

    expect(denied.statusCode).toBe(403);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toEqual({ subject: 'alice' });
    expect(missing.statusCode).toBe(401);
  });
});

describe('claims', () => {
  it('enforces route config.auth claims: missing and wrong values are invalid_token (AT-8)', async () => {
    const missing = await app.inject({ url: '/tenants/acme', headers: bearer(await mint()) });
    const wrong = await app.inject({
      url: '/tenants/acme',
      headers: bearer(await mint({ tenant_id: 'globex' })),
    });
    const right = await app.inject({
      url: '/tenants/acme',
      headers: bearer(await mint({ tenant_id: 'acme' })),
    });

    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'ERR_CLAIM_MISSING' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    expect(wrong.json()).toMatchObject({ code: 'ERR_CLAIM_INVALID' });
    expect(right.statusCode).toBe(200);
    expect(right.json()).toEqual({ tenant: 'acme' });
  });
});

import { createAccessTokenVerifier } from '@tokenward/core';
import { type MintOptions, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import type { Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authErrorHandler, requireAuth } from '../src/index.js';
import { bearer, tamper, trust } from './support/issuer.js';
import { expressVersions, listen, type RunningApp } from './support/listen.js';
import { rawGet } from './support/raw-request.js';

let issuer: ReferenceIssuer;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default', 'payments'] });
});

afterAll(async () => {
  await issuer.close();
});

describe.each(expressVersions)('requireAuth on $label', ({ express }) => {
  let app: RunningApp;
  const mint = (claims?: Record<string, unknown>, options?: MintOptions) =>
    issuer.server('default').mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...claims }, options);

  beforeAll(async () => {
    const server = express();
    server.use(express.urlencoded({ extended: false }));
    server.use('/api', requireAuth({ ...trust(issuer.server('default')), realm: 'orders-api' }));
    server.use(
      '/lenient',
      requireAuth({ ...trust(issuer.server('default')), allowQuery: true, allowBody: true }),
    );
    const shared = createAccessTokenVerifier(trust(issuer.server('default')));
    server.use('/shared', requireAuth(shared, { realm: 'shared-verifier' }));
    const ordersVerifier = createAccessTokenVerifier({ ...trust(issuer.server('default')), realm: 'orders' });
    server.use('/verifier-realm', requireAuth(ordersVerifier));
    server.use('/passing', requireAuth({ ...trust(issuer.server('default')), corsPreflight: 'pass' }));
    for (const path of ['/api/me', '/passing/me']) {
      server.options(path, (_req, res) => {
        res.set('access-control-allow-origin', '*').sendStatus(204);
      });
    }
    const echo = (req: Request, res: Response) => {
      res.json({ auth: req.auth, frozen: Object.isFrozen(req.auth) });
    };
    server.get('/api/me', echo);
    server.get('/lenient/me', echo);
    server.get('/shared/me', echo);
    server.get('/verifier-realm/me', echo);
    server.post('/lenient/me', echo);
    server.use(authErrorHandler({ log: false }));
    app = await listen(server);
  });

  afterAll(async () => {
    await app.close();
  });

  it('lets a valid token through and exposes the frozen result as req.auth', async () => {
    const token = await mint();
    const response = await fetch(`${app.url}/api/me`, { headers: bearer(token) });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.frozen).toBe(true);
    expect(body.auth).toMatchObject({
      subject: 'alice',
      issuer: issuer.server('default').issuer,
      audience: [issuer.server('default').audience],
      scopes: ['orders:read'],
      server: { kind: 'custom', id: 'default' },
    });
  });

  it('BT-2: accepts the scheme name in any letter case', async () => {
    const token = await mint();
    const response = await fetch(`${app.url}/api/me`, { headers: { authorization: `bEaReR ${token}` } });
    expect(response.status).toBe(200);
  });

  it('BT-7: answers a request without credentials with a bare challenge carrying the realm', async () => {
    const response = await fetch(`${app.url}/api/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="orders-api"');
    expect(await response.json()).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
  });

  it('BT-7: treats Basic credentials alone as no bearer credentials (bare challenge)', async () => {
    const response = await fetch(`${app.url}/api/me`, {
      headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="orders-api"');
  });

  it.each([
    ['expired', () => mint({}, { expiresIn: -600 }), 'ERR_TOKEN_EXPIRED'],
    ['tampered', async () => tamper(await mint()), 'ERR_SIGNATURE_INVALID'],
    [
      'sibling-server',
      () => issuer.server('payments').mintAccessToken({ sub: 'alice' }, { audience: 'api://default' }),
      'ERR_ISSUER_MISMATCH',
    ],
    [
      'org-server',
      () => issuer.orgServer.mintAccessToken({ sub: 'alice' }, { audience: 'api://default' }),
      'ERR_ORG_SERVER_TOKEN',
    ],
    ['sibling-key', () => mint({}, { signWith: issuer.server('payments') }), 'ERR_KEY_NOT_FOUND'],
  ])('BT-7: refuses an %s token with 401 invalid_token', async (_name, makeToken, code) => {
    const response = await fetch(`${app.url}/api/me`, { headers: bearer(await makeToken()) });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(
      /^Bearer realm="orders-api", error="invalid_token", error_description="[^"]+"$/,
    );
    expect(await response.json()).toMatchObject({ error: 'invalid_token', code });
  });

  it('BT-1: answers a Bearer scheme without a token with 400 invalid_request', async () => {
    const response = await fetch(`${app.url}/api/me`, { headers: { authorization: 'Bearer' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
    expect(await response.json()).toMatchObject({ error: 'invalid_request', code: 'ERR_INVALID_REQUEST' });
  });

  it('BT-9: refuses two Authorization field lines with 400 invalid_request', async () => {
    const token = await mint();
    const response = await rawGet(`${app.url}/api/me`, {
      authorization: [`Bearer ${token}`, `Bearer ${token}`],
    });
    expect(response.status).toBe(400);
    expect(response.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('BT-5: ignores a query token unless allowQuery is set', async () => {
    const token = await mint();
    const response = await fetch(`${app.url}/api/me?access_token=${token}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="orders-api"');
  });

  it('BT-5: accepts a query token with allowQuery', async () => {
    const token = await mint();
    const response = await fetch(`${app.url}/lenient/me?access_token=${token}`);
    expect(response.status).toBe(200);
    expect((await response.json()).auth.subject).toBe('alice');
  });

  it('BT-4: accepts a form-body token with allowBody', async () => {
    const token = await mint();
    const response = await fetch(`${app.url}/lenient/me`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: token }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).auth.subject).toBe('alice');
  });

  it('BT-3: refuses a token sent both in the header and in the query with 400 invalid_request', async () => {
    const token = await mint();
    const response = await fetch(`${app.url}/lenient/me?access_token=${token}`, { headers: bearer(token) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request', code: 'ERR_INVALID_REQUEST' });
  });

  it('BT-3: refuses a header token beside a form-body token with 400 also where the body is not accepted', async () => {
    const token = await mint();
    const response = await fetch(`${app.url}/api/me`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: token }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request', code: 'ERR_INVALID_REQUEST' });
  });

  it('reuses a verifier built elsewhere and puts the adapter realm on every challenge', async () => {
    const valid = await fetch(`${app.url}/shared/me`, { headers: bearer(await mint()) });
    expect(valid.status).toBe(200);
    const tampered = await fetch(`${app.url}/shared/me`, { headers: bearer(tamper(await mint())) });
    expect(tampered.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="shared-verifier", error="invalid_token"/,
    );
    const missing = await fetch(`${app.url}/shared/me`);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="shared-verifier"');
  });

  it("BT-7: answers the adapter's own errors in the realm of a verifier passed without a realm option", async () => {
    const missing = await fetch(`${app.url}/verifier-realm/me`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    const malformed = await fetch(`${app.url}/verifier-realm/me`, { headers: { authorization: 'Bearer' } });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="orders", error="invalid_request"/,
    );
  });

  const preflight = { origin: 'https://app.example', 'access-control-request-method': 'GET' };

  it('CORS preflight (Fetch standard): answers it itself with 204, never running the handler behind it', async () => {
    const response = await fetch(`${app.url}/api/me`, { method: 'OPTIONS', headers: preflight });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await response.text()).toBe('');
  });

  it("CORS preflight: passes it on to the route with corsPreflight: 'pass'", async () => {
    const response = await fetch(`${app.url}/passing/me`, { method: 'OPTIONS', headers: preflight });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('still challenges an OPTIONS request that is not a preflight', async () => {
    const response = await fetch(`${app.url}/api/me`, { method: 'OPTIONS' });
    expect(response.status).toBe(401);
  });
});

import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import type { Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authErrorHandler, optionalAuth, requireAuth, requireClaims, requireScopes } from '../src/index.js';
import { bearer, trust } from './support/issuer.js';
import { expressVersions, listen, type RunningApp } from './support/listen.js';

let issuer: ReferenceIssuer;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default'] });
});

afterAll(async () => {
  await issuer.close();
});

describe.each(expressVersions)('requireScopes and requireClaims on $label', ({ express }) => {
  let app: RunningApp;
  let handlerRuns = 0;
  const ok = (_req: Request, res: Response) => {
    handlerRuns += 1;
    res.json({ ok: true });
  };
  const tokenWith = (claims: Record<string, unknown>) =>
    issuer.server('default').mintAccessToken({ sub: 'alice', ...claims });

  beforeAll(async () => {
    const server = express();
    const options = { ...trust(issuer.server('default')), realm: 'orders-api' };
    server.get('/orders', requireAuth(options), requireScopes(['orders:read']), ok);
    server.get(
      '/either',
      requireAuth(options),
      requireScopes(['orders:read', 'orders:write'], { scopeMatch: 'any' }),
      ok,
    );
    server.get('/route-level', requireAuth({ ...options, scopes: ['orders:write'] }), ok);
    server.get('/optional', optionalAuth(options), requireScopes(['orders:read']), ok);
    server.get('/gold', requireAuth(options), requireClaims({ tier: 'gold' }), ok);
    server.get('/admins', requireAuth({ ...options, claims: { groups: { includes: 'admins' } } }), ok);
    server.options('/orders', requireAuth(options), requireScopes(['orders:read']), (_req, res) => {
      res.sendStatus(204);
    });
    server.get('/forgotten', requireScopes(['orders:read']), ok);
    server.get('/forgotten-claims', requireClaims({ tier: 'gold' }), ok);
    server.use(authErrorHandler({ log: false }));
    app = await listen(server);
  });

  afterAll(async () => {
    await app.close();
  });

  it('RFC 9068 §2.2.3: grants a scope listed in the scp array', async () => {
    const token = await tokenWith({ scp: ['orders:read'] });
    expect((await fetch(`${app.url}/orders`, { headers: bearer(token) })).status).toBe(200);
  });

  it('RFC 9068 §2.2.3: grants a scope listed in the space-separated scope string', async () => {
    // Without the issuer's default `scp: []`: a token whose scp and scope differ is refused.
    const token = await issuer
      .server('default')
      .mintAccessToken({ sub: 'alice', scope: 'profile orders:read' }, { omit: ['scp'] });
    expect((await fetch(`${app.url}/orders`, { headers: bearer(token) })).status).toBe(200);
  });

  it('BT-7: answers a missing scope with 403 insufficient_scope naming the required scope', async () => {
    const token = await tokenWith({ scp: ['profile'] });
    const response = await fetch(`${app.url}/orders`, { headers: bearer(token) });
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="orders-api", error="insufficient_scope", /);
    expect(challenge).toContain('scope="orders:read"');
    expect(await response.json()).toMatchObject({
      error: 'insufficient_scope',
      code: 'ERR_INSUFFICIENT_SCOPE',
    });
  });

  it("scopeMatch: 'any' grants a token holding one of the listed scopes", async () => {
    const token = await tokenWith({ scp: ['orders:write'] });
    expect((await fetch(`${app.url}/either`, { headers: bearer(token) })).status).toBe(200);
  });

  it("scopeMatch: 'any' refuses a token holding none, listing every acceptable scope", async () => {
    const token = await tokenWith({ scp: ['profile'] });
    const response = await fetch(`${app.url}/either`, { headers: bearer(token) });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="orders:read orders:write"');
  });

  it('checks scopes given to requireAuth itself', async () => {
    const reader = await tokenWith({ scp: ['orders:read'] });
    const writer = await tokenWith({ scp: ['orders:write'] });
    expect((await fetch(`${app.url}/route-level`, { headers: bearer(reader) })).status).toBe(403);
    expect((await fetch(`${app.url}/route-level`, { headers: bearer(writer) })).status).toBe(200);
  });

  it('BT-7: after optionalAuth, answers an anonymous request with a 401 challenge without an error, naming the scope it needs', async () => {
    const response = await fetch(`${app.url}/optional`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="orders-api", scope="orders:read"');
  });

  it('requireClaims lets a token through whose claims meet the requirements', async () => {
    const token = await tokenWith({ tier: 'gold' });
    expect((await fetch(`${app.url}/gold`, { headers: bearer(token) })).status).toBe(200);
  });

  it.each([
    ['a different value', { tier: 'silver' }, 'ERR_CLAIM_INVALID'],
    ['no such claim', {}, 'ERR_CLAIM_MISSING'],
  ])('requireClaims refuses a token with %s with 401 invalid_token', async (_case, claims, code) => {
    const response = await fetch(`${app.url}/gold`, { headers: bearer(await tokenWith(claims)) });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="orders-api", error="invalid_token"/,
    );
    expect(await response.json()).toMatchObject({ error: 'invalid_token', code });
  });

  it('checks claims given to requireAuth itself', async () => {
    const admin = await tokenWith({ groups: ['staff', 'admins'] });
    const staff = await tokenWith({ groups: ['staff'] });
    expect((await fetch(`${app.url}/admins`, { headers: bearer(admin) })).status).toBe(200);
    expect((await fetch(`${app.url}/admins`, { headers: bearer(staff) })).status).toBe(401);
  });

  it('lets a CORS preflight that requireAuth let through pass the scope check too', async () => {
    const response = await fetch(`${app.url}/orders`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    expect(response.status).toBe(204);
  });

  it('answers 500 and never runs the handler when requireAuth was not mounted before it', async () => {
    const before = handlerRuns;
    const token = await tokenWith({ scp: ['orders:read'] });
    const response = await fetch(`${app.url}/forgotten`, { headers: bearer(token) });
    expect(response.status).toBe(500);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.text()).toContain('mount requireAuth() or optionalAuth() before it');
    expect(handlerRuns).toBe(before);
  });

  it('requireClaims without requireAuth before it answers 500 too', async () => {
    const before = handlerRuns;
    const token = await tokenWith({ tier: 'gold' });
    const response = await fetch(`${app.url}/forgotten-claims`, { headers: bearer(token) });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('requireClaims() found no verified token');
    expect(handlerRuns).toBe(before);
  });
});

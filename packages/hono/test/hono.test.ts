import { createAccessTokenVerifier } from '@tokenward/core';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  optionalAuth,
  requireAuth,
  requireClaims,
  requireScopes,
  type TokenwardAuth,
  type TokenwardEnv,
  TokenwardError,
} from '../src/index.js';

let org: ReferenceIssuer;
let server: AuthServer;
let trust: { issuer: string; audience: string };

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
  trust = { issuer: server.issuer, audience: server.audience };
});
afterAll(() => org.close());

const get = (
  app: Hono<never> | Hono<TokenwardEnv> | Hono,
  path: string,
  token?: string,
  init: RequestInit = {},
) =>
  app.request(path, {
    ...init,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...init.headers },
  });

describe('@tokenward/hono', () => {
  it('requireAuth sets c.get("auth"), typed through the variable map', async () => {
    const app = new Hono<TokenwardEnv>();
    app.use('/api/*', requireAuth({ ...trust, realm: 'orders' }));
    app.get('/api/orders', (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<TokenwardAuth>();
      return c.json({ subject: c.get('auth').subject, scopes: c.get('auth').scopes });
    });
    const answer = await get(
      app,
      '/api/orders',
      await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] }),
    );
    expect(await answer.json()).toEqual({ subject: 'alice', scopes: ['orders:read'] });
  });

  it('a route given requireAuth is typed without declaring the Env', async () => {
    const verifier = createAccessTokenVerifier(trust);
    const app = new Hono();
    app.get('/me', requireAuth(verifier, { scopes: ['profile'] }), (c) => c.text(c.get('auth').subject));
    expect(
      await (await get(app, '/me', await server.mintAccessToken({ sub: 'bob', scp: ['profile'] }))).text(),
    ).toBe('bob');
    const refused = await get(app, '/me', await server.mintAccessToken({ sub: 'bob', scp: ['orders:read'] }));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", .*scope="profile"$/);
  });

  it('BT-7: refusals are ready Responses by default: status, challenge and the JSON error body', async () => {
    const app = new Hono<TokenwardEnv>();
    app.use('*', requireAuth(trust));
    app.get('/orders', (c) => c.text('never'));
    const answer = await get(app, '/orders');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(await answer.json()).toEqual({ code: 'ERR_TOKEN_MISSING', error_description: expect.any(String) });
  });

  it("errors: 'throw' raises HTTPException with core's response and the TokenwardError as cause", async () => {
    const app = new Hono<TokenwardEnv>();
    let seen: unknown;
    app.onError((error, c) => {
      seen = error;
      return error instanceof HTTPException ? error.getResponse() : c.text('bug', 500);
    });
    app.use('*', requireAuth(trust, { errors: 'throw' }));
    app.get('/orders', requireScopes(['orders:write']), (c) => c.text('never'));
    const answer = await get(
      app,
      '/orders',
      await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] }),
    );
    expect(answer.status).toBe(403);
    expect(answer.headers.get('www-authenticate')).toContain('scope="orders:write"');
    expect(seen).toBeInstanceOf(HTTPException);
    expect((seen as HTTPException).cause).toBeInstanceOf(TokenwardError);
    expect(((seen as HTTPException).cause as TokenwardError).code).toBe('ERR_INSUFFICIENT_SCOPE');
  });

  it('requireClaims checks a route claim; a route check without requireAuth is a server error, not a 401', async () => {
    const app = new Hono<TokenwardEnv>();
    app.get('/gold', requireAuth(trust), requireClaims({ tier: 'gold' }), (c) => c.text('gold'));
    app.get('/unguarded', requireScopes(['orders:read']), (c) => c.text('never'));
    app.onError((error, c) => c.text(error instanceof TokenwardError ? error.code : 'other', 500));
    expect((await get(app, '/gold', await server.mintAccessToken({ sub: 'a', tier: 'gold' }))).status).toBe(
      200,
    );
    expect((await get(app, '/gold', await server.mintAccessToken({ sub: 'a', tier: 'silver' }))).status).toBe(
      401,
    );
    const unguarded = await get(
      app,
      '/unguarded',
      await server.mintAccessToken({ sub: 'a', scp: ['orders:read'] }),
    );
    expect(unguarded.status).toBe(500);
    expect(await unguarded.text()).toBe('ERR_CONFIG');
  });

  it('optionalAuth lets anonymous requests through and still refuses a bad token', async () => {
    const app = new Hono();
    app.get('/feed', optionalAuth(trust), (c) => c.text(c.get('auth')?.subject ?? 'anonymous'));
    expect(await (await get(app, '/feed')).text()).toBe('anonymous');
    expect((await get(app, '/feed', 'not-a-jwt')).status).toBe(401);
  });

  it('CORS preflight (Fetch standard): 204 without running the handler, or passed on', async () => {
    const preflight = {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    };
    const app = new Hono();
    app.options('/answer', requireAuth(trust), (c) => c.text('never'));
    app.options('/pass', requireAuth(trust, { corsPreflight: 'pass' }), (c) => c.text('cors'));
    expect((await get(app, '/answer', undefined, preflight)).status).toBe(204);
    expect(await (await get(app, '/pass', undefined, preflight)).text()).toBe('cors');
  });

  it('BT-4: a form body token only with allowBody, leaving the body to the handler', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const app = new Hono<TokenwardEnv>();
    app.post('/form', requireAuth(trust, { allowBody: true }), async (c) =>
      c.json({ subject: c.get('auth').subject, body: await c.req.parseBody() }),
    );
    app.post('/header-only', requireAuth(trust), (c) => c.text('never'));
    const form = () => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `access_token=${token}&note=hi`,
    });
    expect(await (await get(app, '/form', undefined, form())).json()).toEqual({
      subject: 'alice',
      body: { access_token: token, note: 'hi' },
    });
    expect((await get(app, '/header-only', undefined, form())).status).toBe(401);
  });

  it('BT-3: an access_token form field beside the header token is refused without allowBody; the handler keeps its body', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const app = new Hono<TokenwardEnv>();
    // The raw request's own body: the middleware must not have consumed it.
    app.post('/notes', requireAuth(trust, { realm: 'notes' }), async (c) => c.text(await c.req.raw.text()));
    const post = (body: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const refused = await get(app, '/notes', token, post(`note=hi&access_token=${token}`));
    expect(refused.status).toBe(400);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="notes", error="invalid_request"/);
    const text = await refused.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'ERR_INVALID_REQUEST', error: 'invalid_request' });
    expect(text).not.toContain(token);
    expect(await (await get(app, '/notes', token, post('note=hi'))).text()).toBe('note=hi');
  });

  it("a route check after optionalAuth challenges in the verifier's schemes, DPoP too (RFC 9449 section 7.1), as requireAuth does", async () => {
    const verifier = createAccessTokenVerifier({
      ...trust,
      dpop: { mode: 'allowed', origins: ['http://localhost'] },
    });
    const app = new Hono();
    app.get('/checked', optionalAuth(verifier), requireScopes(['orders:read']), (c) => c.text('never'));
    app.get('/direct', requireAuth(verifier, { scopes: ['orders:read'] }), (c) => c.text('never'));
    const checked = await get(app, '/checked');
    const direct = await get(app, '/direct');
    expect(checked.status).toBe(401);
    expect(checked.headers.get('www-authenticate')).toMatch(/DPoP /);
    expect(checked.headers.get('www-authenticate')).toBe(direct.headers.get('www-authenticate'));
  });

  it('errors may come with verifier options or beside a verifier; the second argument wins', async () => {
    const verifier = createAccessTokenVerifier(trust);
    const app = new Hono();
    app.onError((error, c) => c.text(error instanceof HTTPException ? 'thrown' : 'bug', 500));
    app.get('/first', requireAuth({ ...trust, errors: 'throw' }), (c) => c.text('never'));
    app.get('/beside', requireAuth(verifier, { errors: 'throw' }), (c) => c.text('never'));
    app.get('/second', requireAuth({ ...trust, errors: 'throw' }, { errors: 'response' }), (c) =>
      c.text('never'),
    );
    expect(await (await get(app, '/first')).text()).toBe('thrown');
    expect(await (await get(app, '/beside')).text()).toBe('thrown');
    expect((await get(app, '/second')).status).toBe(401);
  });

  it('ERR_CONFIG when the middleware is built, not per request', () => {
    expect(() => requireAuth({ ...trust, scopes: [] })).toThrow(/requireAuth: `scopes`/);
    expect(() => requireAuth(trust, { errors: 'log' as never })).toThrow(
      /`errors` must be 'response' or 'throw'/,
    );
    expect(() => requireAuth({ ...trust, errors: 'log' as never })).toThrow(/`errors` must be/);
    // Beside a verifier, verifier options would go unused: refused as in every adapter.
    const verifier = createAccessTokenVerifier(trust);
    expect(() => optionalAuth(verifier, { issuer: trust.issuer } as never)).toThrow(
      /^tokenward: optionalAuth: verifier options beside a verifier would go unused \(issuer\); give them to createAccessTokenVerifier$/,
    );
    expect(() => requireAuth(undefined as never)).toThrow(TokenwardError);
    expect(() => requireScopes(undefined as never)).toThrow(/`scopes` is required/);
  });
});

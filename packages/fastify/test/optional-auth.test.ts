import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import tokenward from '../src/index.js';
import { bearer, defaultServerOptions, useIssuerAndApp } from './support.js';

// optionalAuth() and config.auth 'optional' against a listening server: a request without
// credentials goes on with request.auth null; one with credentials is decided exactly as
// requireAuth() decides it.

// The two forms of an optional route of optionalApp().
const OPTIONAL_ROUTES = ['/feed', '/feed/config'];

const suite = useIssuerAndApp();

/** Starts `app` on loopback and returns a fetch of one of its paths. */
async function listening(app: FastifyInstance) {
  suite.app = app;
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { headers });
}

/** The answer's status, challenge and body, without the clock reading an expiry message carries. */
async function answerOf(response: Response) {
  const clockless = (text: string | null) => text?.replace(/now is \S+/g, 'now is (then)');
  return {
    status: response.status,
    challenge: clockless(response.headers.get('www-authenticate')),
    body: JSON.parse(clockless(await response.text()) ?? ''),
  };
}

async function optionalApp() {
  const app = Fastify();
  await app.register(tokenward, defaultServerOptions(suite.issuer));
  const echo = async (request: { auth: unknown }) => ({ auth: request.auth });
  app.get('/feed', { onRequest: app.optionalAuth() }, echo);
  app.get('/feed/config', { config: { auth: 'optional' } }, echo);
  app.get('/feed/required', { onRequest: app.requireAuth() }, echo);
  app.get('/orders', { onRequest: app.optionalAuth({ scopes: ['orders:read'] }) }, echo);
  // optionalAuth() then the route's own requirements: Express's optionalAuth + requireScopes.
  app.get(
    '/drafts',
    { preHandler: [app.optionalAuth(), app.requireAuth({ scopes: ['drafts:write'] })] },
    echo,
  );
  return listening(app);
}

describe.each(OPTIONAL_ROUTES)('an optional route (%s)', (path) => {
  it('lets a request without credentials through with request.auth null', async () => {
    const get = await optionalApp();

    const response = await get(path);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ auth: null });
  });

  it('sets request.auth for a valid token', async () => {
    const get = await optionalApp();

    const response = await get(path, bearer(await suite.mint()));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ auth: { subject: 'alice', scopes: ['orders:read'] } });
  });

  it('BT-7: refuses a sent token that is not valid exactly as requireAuth() does', async () => {
    const get = await optionalApp();
    const server = suite.issuer.server('default');
    const token = await suite.mint();
    const cases: [string, Record<string, string>, number, string][] = [
      ['a tampered signature', bearer(`${token.slice(0, -4)}AAAA`), 401, 'ERR_SIGNATURE_INVALID'],
      ['a malformed token', bearer('not.a.jwt'), 401, 'ERR_TOKEN_MALFORMED'],
      [
        'an expired token',
        bearer(await server.mintAccessToken({ sub: 'alice' }, { expiresIn: -600 })),
        401,
        'ERR_TOKEN_EXPIRED',
      ],
      [
        'a DPoP-bound token sent as Bearer',
        bearer(await server.mintAccessToken({ sub: 'alice', cnf: { jkt: 'x'.repeat(43) } })),
        401,
        'ERR_DPOP_BINDING_MISMATCH',
      ],
      [
        'a token bound to a client certificate (RFC 8705 §3) sent as Bearer',
        bearer(await server.mintAccessToken({ sub: 'alice', cnf: { 'x5t#S256': 'x'.repeat(43) } })),
        401,
        'ERR_DPOP_BINDING_MISMATCH',
      ],
      ['the Bearer scheme without a token (BT-1)', { authorization: 'Bearer' }, 400, 'ERR_INVALID_REQUEST'],
    ];
    for (const [name, headers, status, code] of cases) {
      const optional = await answerOf(await get(path, headers));
      const required = await answerOf(await get('/feed/required', headers));

      expect(optional, name).toEqual(required);
      expect(optional, name).toMatchObject({ status, body: { code } });
    }
    expect((await answerOf(await get(path, bearer('not.a.jwt')))).challenge).toMatch(
      /^Bearer realm="orders-api", error="invalid_token"/,
    );
  });
});

describe('optionalAuth()', () => {
  it('refuses a DPoP token without a valid proof exactly as requireAuth() does (RFC 9449 section 7.1)', async () => {
    const app = Fastify();
    const dpop = { mode: 'allowed' as const, origins: ['http://127.0.0.1'] };
    const { issuer, audience } = suite.issuer.server('default');
    await app.register(tokenward, { issuer, audience, realm: 'orders-api', dpop });
    app.get('/feed', { onRequest: app.optionalAuth() }, async () => ({ ok: true }));
    app.get('/feed/config', { config: { auth: 'optional' } }, async () => ({ ok: true }));
    app.get('/feed/required', { onRequest: app.requireAuth() }, async () => ({ ok: true }));
    const get = await listening(app);
    const token = await suite.mint();

    const requests: Record<string, string>[] = [
      { authorization: `DPoP ${token}` },
      { authorization: `DPoP ${token}`, dpop: 'x.y.z' },
    ];
    for (const [path, headers] of OPTIONAL_ROUTES.flatMap((path) =>
      requests.map((headers) => [path, headers] as const),
    )) {
      const optional = await answerOf(await get(path, headers));

      expect(optional).toEqual(await answerOf(await get('/feed/required', headers)));
      expect(optional.status).toBeGreaterThanOrEqual(400);
      expect(optional.challenge).toMatch(/^DPoP /);
    }
    expect((await get('/feed/config')).status).toBe(200);
  });

  it('with requirements: lets a request without credentials through, refuses a token without the scope', async () => {
    const get = await optionalApp();

    const anonymous = await get('/orders');
    const withoutScope = await get('/orders', bearer(await suite.mint(['orders:write'])));

    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ auth: null });
    expect(withoutScope.status).toBe(403);
    expect(withoutScope.headers.get('www-authenticate')).toMatch(
      /error="insufficient_scope".*scope="orders:read"/,
    );
  });

  it('BT-7: a request without credentials on a route that then requires a scope gets the 401 challenge naming it', async () => {
    const get = await optionalApp();

    const response = await get('/drafts');
    const granted = await get('/drafts', bearer(await suite.mint(['drafts:write'])));

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="orders-api", scope="drafts:write"');
    expect(await response.json()).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
    expect(granted.status).toBe(200);
  });

  it("makes one route of a global context optional with config.auth 'optional'", async () => {
    const app = Fastify();
    await app.register(tokenward, { ...defaultServerOptions(suite.issuer), global: true });
    app.get('/orders', async (request) => ({ auth: request.auth }));
    app.get('/feed', { config: { auth: 'optional' } }, async (request) => ({
      subject: request.auth?.subject ?? null,
    }));
    const get = await listening(app);

    expect((await get('/orders')).status).toBe(401);
    expect(await (await get('/feed')).json()).toEqual({ subject: null });
    expect(await (await get('/feed', bearer(await suite.mint()))).json()).toEqual({ subject: 'alice' });
    expect((await get('/feed', bearer('not.a.jwt'))).status).toBe(401);
  });

  it('checks its requirements where it is called, as requireAuth() does', async () => {
    suite.app = Fastify();
    await suite.app.register(tokenward, defaultServerOptions(suite.issuer));

    expect(() => suite.app.optionalAuth({ scopes: ['orders read'] })).toThrow(
      /^tokenward: optionalAuth: `scopes\[0\]` must be a scope token/,
    );
  });
});

import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authErrorHandler, requireAuth } from '../src/index.js';
import { bearer, trust } from './support/issuer.js';
import { expressVersions, listen, type RunningApp } from './support/listen.js';

let issuer: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default'] });
  server = issuer.server('default');
});

afterAll(async () => {
  await issuer.close();
});

const INTROSPECTION = { clientId: 'test-client', clientSecret: 'test-secret', maxCacheAge: 0 } as const;

describe.each(expressVersions)('introspection through requireAuth on $label', ({ express }) => {
  let app: RunningApp;

  beforeAll(async () => {
    const routes = express();
    routes.get(
      '/orders',
      requireAuth({
        ...trust(server),
        introspection: { mode: 'fallback', ...INTROSPECTION },
        scopes: ['orders:read'],
      }),
      (req, res) => {
        res.json({ subject: req.auth?.subject, scopes: req.auth?.scopes });
      },
    );
    routes.get(
      '/payouts',
      requireAuth({ ...trust(server), introspection: { mode: 'always', ...INTROSPECTION } }),
      (req, res) => {
        res.json({ subject: req.auth?.subject });
      },
    );
    routes.get(
      '/refunds',
      requireAuth({
        ...trust(server),
        introspection: { mode: 'always', ...INTROSPECTION },
        scopes: ['orders:refund'],
      }),
      (req, res) => {
        res.json({ subject: req.auth?.subject });
      },
    );
    const always = { ...trust(server), introspection: { mode: 'always' as const, ...INTROSPECTION } };
    routes.get('/ledger', requireAuth(always), (req, res) => {
      res.json({ subject: req.auth?.subject, scopes: req.auth?.scopes, scp: req.auth?.claims.scp });
    });
    routes.get('/ledger/entries', requireAuth({ ...always, scopes: ['ledger:write'] }), (req, res) => {
      res.json({ subject: req.auth?.subject });
    });
    routes.use(authErrorHandler({ log: () => undefined }));
    app = await listen(routes);
  });

  afterAll(async () => {
    await app.close();
  });

  it('IN-2: an opaque token is introspected and its scopes checked; once revoked it is 401 invalid_token', async () => {
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { format: 'opaque' });
    const ok = await fetch(`${app.url}/orders`, { headers: bearer(token) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ subject: 'alice', scopes: ['orders:read'] });
    server.revokeToken(token);
    const refused = await fetch(`${app.url}/orders`, { headers: bearer(token) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await refused.json()).toMatchObject({ code: 'ERR_TOKEN_INACTIVE', error: 'invalid_token' });
  });

  it('IN-4: mode always refuses a revoked JWT that still verifies locally', async () => {
    const jwt = await server.mintAccessToken({ sub: 'bob' });
    expect((await fetch(`${app.url}/payouts`, { headers: bearer(jwt) })).status).toBe(200);
    server.revokeToken(jwt);
    const refused = await fetch(`${app.url}/payouts`, { headers: bearer(jwt) });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'ERR_TOKEN_INACTIVE' });
  });

  it('IN-5: mode always refuses a revoked JWT lacking the route scope 401 ERR_TOKEN_INACTIVE, not 403', async () => {
    const jwt = await server.mintAccessToken({ sub: 'dave', scp: ['orders:read'] });
    const lacking = await fetch(`${app.url}/refunds`, { headers: bearer(jwt) });
    expect(lacking.status).toBe(403);
    expect(await lacking.json()).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE' });
    server.revokeToken(jwt);
    const refused = await fetch(`${app.url}/refunds`, { headers: bearer(jwt) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token"/);
    expect(await refused.json()).toMatchObject({ code: 'ERR_TOKEN_INACTIVE', error: 'invalid_token' });
  });

  it('IN-8: mode always: a scope withdrawn at the issuer is gone from req.auth and fails the route that needs it', async () => {
    const jwt = await server.mintAccessToken({ sub: 'erin', scp: ['ledger:read', 'ledger:write'] });
    expect((await fetch(`${app.url}/ledger/entries`, { headers: bearer(jwt) })).status).toBe(200);
    server.withdrawScopes(jwt, ['ledger:write']);
    const narrowed = await fetch(`${app.url}/ledger`, { headers: bearer(jwt) });
    expect(await narrowed.json()).toEqual({ subject: 'erin', scopes: ['ledger:read'], scp: ['ledger:read'] });
    const refused = await fetch(`${app.url}/ledger/entries`, { headers: bearer(jwt) });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="api", error="insufficient_scope", .*scope="ledger:write"/,
    );
    expect(await refused.json()).toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
      error: 'insufficient_scope',
    });
  });

  it("IN-8: mode always: an answer naming another subject than the JWT's is 401 invalid_token", async () => {
    const jwt = await server.mintAccessToken({ sub: 'frank' });
    const answer = await fetch(server.introspectionEndpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa('test-client:test-secret')}` },
      body: new URLSearchParams({ token: jwt }),
    });
    const body = JSON.stringify({ ...(await answer.json()), sub: 'mallory' });
    issuer.setFault({ server: 'default', endpoint: 'introspect', body, times: 1 });
    const refused = await fetch(`${app.url}/ledger`, { headers: bearer(jwt) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token"/);
    const error = await refused.json();
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', error: 'invalid_token' });
    expect(error.error_description).toMatch(/subject "frank"; found "sub" "mallory"$/);
    expect(JSON.stringify(error)).not.toContain(jwt);
  });

  it('IN-3: a throttled endpoint is 503 with its Retry-After and no internals in the body', async () => {
    issuer.setFault({
      server: 'default',
      endpoint: 'introspect',
      status: 429,
      headers: { 'Retry-After': '9' },
    });
    try {
      const token = await server.mintAccessToken({ scp: ['orders:read'] }, { format: 'opaque' });
      const response = await fetch(`${app.url}/orders`, { headers: bearer(token) });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('9');
      const body = await response.json();
      expect(body).toMatchObject({ code: 'ERR_INTROSPECTION_FAILED', error: 'temporarily_unavailable' });
      expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|http|introspect/);
    } finally {
      issuer.clearFaults();
    }
  });
});

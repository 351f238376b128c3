import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authErrorHandler, requireAuth } from '../src/index.js';
import { bearer, trust } from './support/issuer.js';
import { expressVersions, listen, type RunningApp } from './support/listen.js';

let issuer: ReferenceIssuer;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default'] });
});

afterAll(async () => {
  await issuer.close();
});

describe.each(expressVersions)('an unreachable key set on $label', ({ express }) => {
  const logged: string[] = [];
  let server: AuthServer;
  let withHandler: RunningApp;
  let withoutHandler: RunningApp;

  beforeAll(async () => {
    // A server of its own, faulted before any verifier has fetched its keys: nothing stale to fall back on.
    server = issuer.addServer();
    issuer.setFault({ server: server.id, endpoint: 'jwks', status: 500 });
    const rendered = express();
    rendered.get('/orders', requireAuth(trust(server)), (_req, res) => {
      res.json({ ok: true });
    });
    rendered.use(authErrorHandler({ log: (line) => logged.push(line) }));
    const bare = express();
    bare.get('/orders', requireAuth(trust(server)), (_req, res) => {
      res.json({ ok: true });
    });
    withHandler = await listen(rendered);
    withoutHandler = await listen(bare);
  });

  afterAll(async () => {
    await withHandler.close();
    await withoutHandler.close();
  });

  it('answers 503 with Retry-After: the token may be fine, the API cannot check it now', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const response = await fetch(`${withHandler.url}/orders`, { headers: bearer(token) });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(response.headers.get('www-authenticate')).not.toContain('invalid_token');
    const body = await response.json();
    expect(body).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.any(String),
      code: 'ERR_JWKS_FETCH_FAILED',
    });
    // 5xx answers carry no internals: no URL, host or port of the authorization server.
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|http|keys/);
  });

  it('logs the outage once, with the detail the answer leaves out', async () => {
    logged.length = 0;
    const token = await server.mintAccessToken({ sub: 'alice' });
    await fetch(`${withHandler.url}/orders`, { headers: bearer(token) });
    expect(logged).toEqual([
      expect.stringMatching(/^tokenward: GET \/orders 503 ERR_JWKS_FETCH_FAILED: .*127\.0\.0\.1/),
    ]);
  });

  it("answers 503 with Retry-After through Express's own final handler too", async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const response = await fetch(`${withoutHandler.url}/orders`, { headers: bearer(token) });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifier,
  authenticate,
  createAccessTokenVerifier,
  withAuth,
} from '../../src/index.js';

let org: ReferenceIssuer;
let server: AuthServer;
let verifier: AccessTokenVerifier;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
  verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience, realm: 'orders' });
});
afterAll(() => org.close());

const request = (headers: Record<string, string> = {}, init: RequestInit = {}) =>
  new Request('https://api.example/orders', { headers, ...init });

describe('the Fetch adapter (default entry: fetch and WebCrypto)', () => {
  it('authenticate resolves to the verified result', async () => {
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const auth = await authenticate(verifier, request({ authorization: `Bearer ${token}` }), {
      scopes: ['orders:read'],
    });
    expect(auth).not.toBeInstanceOf(Response);
    expect(auth).toMatchObject({ subject: 'alice' });
  });

  it('BT-7: authenticate answers no credentials with a ready 401 Response: bare challenge, JSON body', async () => {
    const answer = await authenticate(verifier, request());
    if (!(answer instanceof Response)) throw new Error('expected a Response');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answer.json()).toEqual({ error_description: expect.any(String), code: 'ERR_TOKEN_MISSING' });
  });

  it('withAuth calls the handler with the request, the result and the extra arguments', async () => {
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const handler = withAuth(
      verifier,
      (_request, auth, env: { name: string }) => Response.json({ subject: auth.subject, env: env.name }),
      { scopes: ['orders:read'] },
    );
    const answer = await handler(request({ authorization: `Bearer ${token}` }), { name: 'worker' });
    expect(await answer.json()).toEqual({ subject: 'alice', env: 'worker' });
  });

  it('withAuth answers a missing scope with 403 and the scope in the challenge, without running the handler', async () => {
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['profile'] });
    let ran = false;
    const handler = withAuth(
      verifier,
      () => {
        ran = true;
        return new Response('ok');
      },
      { scopes: ['orders:write'] },
    );
    const answer = await handler(request({ authorization: `Bearer ${token}` }));
    expect(answer.status).toBe(403);
    expect(answer.headers.get('www-authenticate')).toContain('scope="orders:write"');
    expect(ran).toBe(false);
  });

  it('CORS preflight (Fetch standard): answered 204 without running the handler', async () => {
    let ran = false;
    const handler = withAuth(verifier, () => {
      ran = true;
      return new Response('ok');
    });
    const answer = await handler(
      request(
        { origin: 'https://app.example', 'access-control-request-method': 'GET' },
        { method: 'OPTIONS' },
      ),
    );
    expect(answer.status).toBe(204);
    expect(ran).toBe(false);
  });

  it('BT-4: reads a form body token from a clone, only with allowBody, leaving the body for the handler', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const handler = withAuth(
      verifier,
      async (req, auth) => Response.json({ subject: auth.subject, body: await req.text() }),
      undefined,
      {
        allowBody: true,
      },
    );
    const post = () =>
      request(
        { 'content-type': 'application/x-www-form-urlencoded' },
        { method: 'POST', body: `access_token=${token}` },
      );
    expect(await (await handler(post())).json()).toEqual({ subject: 'alice', body: `access_token=${token}` });
    expect((await withAuth(verifier, () => new Response('ok'))(post())).status).toBe(401);
  });

  it('refuses bad options and requirements when the handler is built, not per request', () => {
    expect(() => withAuth(verifier, () => new Response(), { scopes: [] })).toThrow(/withAuth: `scopes`/);
    expect(() => withAuth(verifier, () => new Response(), undefined, { realm: 'a"b' } as never)).toThrow(
      /withAuth: `realm`/,
    );
  });

  it('BT-4: refuses a form body over 64 KiB with 400 instead of reading it whole', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const body = `padding=${'x'.repeat(70 * 1024)}&access_token=${token}`;
    const answer = await withAuth(verifier, () => new Response('ok'), undefined, { allowBody: true })(
      request({ 'content-type': 'application/x-www-form-urlencoded' }, { method: 'POST', body }),
    );
    expect(answer.status).toBe(400);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error="invalid_request"/);
    expect(await answer.json()).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
  });

  it('BT-9: Authorization lines that Headers joined are refused as several credentials (400)', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const headers = new Headers();
    headers.append('authorization', `Bearer ${token}`);
    headers.append('authorization', `Bearer ${token}`);
    const answer = await authenticate(verifier, new Request('https://api.example/orders', { headers }));
    if (!(answer instanceof Response)) throw new Error('expected a Response');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      code: 'ERR_INVALID_REQUEST',
      error_description: expect.stringContaining('found more than one'),
    });
  });

  it('an unreachable key set is a 503 with Retry-After and no internals in the body', async () => {
    const down = createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      fetch: () => Promise.reject(new TypeError('connect ECONNREFUSED 127.0.0.1:1')),
    });
    const token = await server.mintAccessToken({ sub: 'alice' });
    const answer = await authenticate(down, request({ authorization: `Bearer ${token}` }));
    if (!(answer instanceof Response)) throw new Error('expected a Response');
    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await answer.text()).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|https?:/);
  });

  it('rejects (does not answer) what is not a refusal: bad options, a throwing claim predicate', async () => {
    await expect(authenticate(verifier, request(), undefined, { realm: 'a"b' })).rejects.toMatchObject({
      code: 'ERR_CONFIG',
    });
    const token = await server.mintAccessToken({ sub: 'alice', tier: 'gold' });
    const broken = withAuth(verifier, () => new Response('ok'), {
      claims: {
        tier: () => {
          throw new Error('predicate bug');
        },
      },
    });
    await expect(broken(request({ authorization: `Bearer ${token}` }))).rejects.toThrow('predicate bug');
  });
});

import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AccessTokenResult,
  type AccessTokenVerifier,
  authenticate,
  createAccessTokenVerifier,
  withAuth,
  withOptionalAuth,
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

  it('BT-3: refuses an access_token form field beside the header token without allowBody, leaving other forms to the handler', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const handler = withAuth(verifier, async (req) => new Response(await req.text()));
    const post = (body: string) =>
      request(
        {
          authorization: `Bearer ${token}`,
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        },
        { method: 'POST', body },
      );
    const refused = await handler(post(`note=hi&access_token=${token}`));
    expect(refused.status).toBe(400);
    expect(refused.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="orders", error="invalid_request"/,
    );
    const text = await refused.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'ERR_INVALID_REQUEST', error: 'invalid_request' });
    expect(text).not.toContain(token);
    expect(await (await handler(post('note=hi'))).text()).toBe('note=hi');
  });

  it('BT-3: reads no body without a header token or of another type, and refuses a form over 64 KiB beside one', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    let pulls = 0;
    // Counts every read of the body: the adapter must not read what it cannot find a token in.
    const watched = (contentType: string, headers: Record<string, string> = {}) =>
      request({ 'content-type': contentType, ...headers }, {
        method: 'POST',
        body: new ReadableStream(
          {
            pull(controller) {
              pulls += 1;
              controller.close();
            },
          },
          { highWaterMark: 0 },
        ),
        duplex: 'half',
      } as RequestInit);
    const handler = withAuth(verifier, () => new Response('ok'));
    expect((await handler(watched('application/x-www-form-urlencoded'))).status).toBe(401);
    expect((await handler(watched('application/json', { authorization: `Bearer ${token}` }))).status).toBe(
      200,
    );
    expect(pulls).toBe(0);
    const body = `padding=${'x'.repeat(70 * 1024)}&access_token=x`;
    const answer = await handler(
      request(
        { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        { method: 'POST', body },
      ),
    );
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      code: 'ERR_INVALID_REQUEST',
      error_description: expect.stringMatching(/at most 65536 bytes.*found more.*multipart\/form-data/),
    });
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

/** A greeting for everyone, named for a signed-in caller; `seen` records what the handler got. */
function greeting() {
  const seen: Array<AccessTokenResult | undefined> = [];
  const handler = withOptionalAuth(verifier, (_request, auth, env: { name: string }) => {
    seen.push(auth);
    return Response.json({ subject: auth?.subject ?? 'anonymous', env: env.name });
  });
  return { handler, seen };
}

describe('the Fetch adapter with optional credentials', () => {
  it('withOptionalAuth runs the handler without auth for a request without credentials', async () => {
    const { handler, seen } = greeting();
    const answer = await handler(request(), { name: 'worker' });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ subject: 'anonymous', env: 'worker' });
    expect(seen).toEqual([undefined]);
  });

  it('withOptionalAuth runs the handler with the result for a valid token', async () => {
    const { handler } = greeting();
    const token = await server.mintAccessToken({ sub: 'alice' });
    const answer = await handler(request({ authorization: `Bearer ${token}` }), { name: 'worker' });
    expect(await answer.json()).toEqual({ subject: 'alice', env: 'worker' });
  });

  it('withOptionalAuth refuses a token that is sent but not valid, without running the handler', async () => {
    const { handler, seen } = greeting();
    const token = await server.mintAccessToken({ sub: 'alice' }, { expiresIn: -600 });
    const answer = await handler(request({ authorization: `Bearer ${token}` }), { name: 'worker' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error="invalid_token"/);
    expect(await answer.json()).toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
    expect(seen).toEqual([]);
  });

  it('BT-1: withOptionalAuth answers a malformed Authorization with 400, not as anonymous', async () => {
    const { handler, seen } = greeting();
    const answer = await handler(request({ authorization: 'Bearer' }), { name: 'worker' });
    expect(answer.status).toBe(400);
    expect(seen).toEqual([]);
  });

  it('CORS preflight (Fetch standard): withOptionalAuth answers 204 without running the handler', async () => {
    const { handler, seen } = greeting();
    const preflight = request(
      { origin: 'https://app.example', 'access-control-request-method': 'GET' },
      { method: 'OPTIONS' },
    );
    const answer = await handler(preflight, { name: 'worker' });
    expect(answer.status).toBe(204);
    expect(seen).toEqual([]);
  });

  it("authenticate with credentials: 'optional' resolves to undefined without credentials, a Response for a bad token", async () => {
    expect(await authenticate(verifier, request(), undefined, { credentials: 'optional' })).toBeUndefined();
    const bad = await authenticate(verifier, request({ authorization: 'Bearer not-a-jwt' }), undefined, {
      credentials: 'optional',
    });
    expect(bad).toBeInstanceOf(Response);
    expect((bad as Response).status).toBe(401);
  });

  it('withAuth and withOptionalAuth take no credentials option: ERR_CONFIG when the handler is built', () => {
    const handler = () => new Response('ok');
    const options = { credentials: 'optional' } as never;
    expect(() => withAuth(verifier, handler, undefined, options)).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG',
        message: expect.stringMatching(/^tokenward: withAuth: `credentials`/),
      }),
    );
    expect(() => withOptionalAuth(verifier, handler, undefined, options)).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG',
        message: expect.stringMatching(/^tokenward: withOptionalAuth: /),
      }),
    );
  });

  it('a missing verifier or handler is ERR_CONFIG when the handler is built, not a 500 per request', () => {
    const handler = () => new Response('ok');
    for (const [where, build] of [
      ['withAuth', withAuth],
      ['withOptionalAuth', withOptionalAuth],
    ] as const) {
      for (const [wrong, found] of [
        [{}, 'an object'],
        [undefined, 'nothing'],
        [null, 'null'],
      ] as const) {
        expect(() => build(wrong as never, handler)).toThrow(
          expect.objectContaining({
            code: 'ERR_CONFIG',
            message: `tokenward: ${where}: expected a verifier (createAccessTokenVerifier) first; found ${found}`,
          }),
        );
      }
      expect(() => build(verifier, 'handler' as never)).toThrow(
        expect.objectContaining({
          code: 'ERR_CONFIG',
          message: `tokenward: ${where}: expected the handler second, a function; found "handler"`,
        }),
      );
    }
  });

  it('corsPreflight, which no Fetch handler can honour, is ERR_CONFIG rather than ignored', async () => {
    const handler = () => new Response('ok');
    const options = { corsPreflight: 'pass' } as never;
    for (const [where, build] of [
      ['withAuth', () => withAuth(verifier, handler, undefined, options)],
      ['withOptionalAuth', () => withOptionalAuth(verifier, handler, undefined, options)],
    ] as const) {
      expect(build).toThrow(
        expect.objectContaining({
          code: 'ERR_CONFIG',
          message: expect.stringMatching(new RegExp(`^tokenward: ${where}: \`corsPreflight\``)),
        }),
      );
    }
    await expect(authenticate(verifier, request(), undefined, options)).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message: expect.stringMatching(/^tokenward: authenticate: `corsPreflight`/),
    });
  });

  it('types: optional auth may be undefined; required auth may not', () => {
    withOptionalAuth(verifier, (_request, auth) => {
      expectTypeOf(auth).toEqualTypeOf<AccessTokenResult | undefined>();
      return new Response();
    });
    withAuth(verifier, (_request, auth) => {
      expectTypeOf(auth).toEqualTypeOf<AccessTokenResult>();
      return new Response();
    });
    expectTypeOf(authenticate(verifier, request())).resolves.toEqualTypeOf<AccessTokenResult | Response>();
    expectTypeOf(
      authenticate(verifier, request(), undefined, { credentials: 'optional' }),
    ).resolves.toEqualTypeOf<AccessTokenResult | Response | undefined>();
    expect(() =>
      // @ts-expect-error withAuth decides credentials itself
      withAuth(verifier, () => new Response(), undefined, { credentials: 'optional' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
  });
});

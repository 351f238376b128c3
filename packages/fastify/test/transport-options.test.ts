import type { ReferenceIssuer } from '@tokenward/issuer';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import tokenward from '../src/index.js';
import { bearer, buildApp, defaultServerOptions, startTestIssuer } from './support.js';

let issuer: ReferenceIssuer;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
});

afterEach(async () => {
  issuer.clearFaults();
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

afterAll(async () => {
  await issuer?.close();
});

async function appWith(options: object = {}): Promise<FastifyInstance> {
  const app = await buildApp({ ...defaultServerOptions(issuer), ...options });
  apps.push(app);
  return app;
}

function mint(): Promise<string> {
  return issuer.server('default').mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
}

/** POST /orders with `access_token` in a form body (RFC 6750 §2.2), plus any extra headers. */
function postForm(app: FastifyInstance, accessToken: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/orders',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams({ access_token: accessToken }).toString(),
  });
}

describe('query tokens (allowQuery, RFC 6750 §2.3)', () => {
  it('accepts access_token in the query when allowed (BT-5)', async () => {
    const app = await appWith({ allowQuery: true });
    const response = await app.inject({ url: '/orders', query: { access_token: await mint() } });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ subject: 'alice' });
  });

  it('answers 400 when the token is sent in the header and the query (BT-3)', async () => {
    const app = await appWith({ allowQuery: true });
    const token = await mint();
    const response = await app.inject({
      url: '/orders',
      query: { access_token: token },
      headers: bearer(token),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
  });
});

describe('form body tokens (allowBody, RFC 6750 §2.2)', () => {
  it('accepts access_token in a form body when allowed (BT-4)', async () => {
    const app = await appWith({ allowBody: true });
    const response = await postForm(app, await mint());

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ subject: 'alice' });
  });

  it('ignores a form body token unless allowBody is set', async () => {
    const app = await appWith();
    const response = await postForm(app, await mint());

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
  });

  it('answers 400 for a form body token next to an Authorization header (BT-3)', async () => {
    const app = await appWith({ allowBody: true });
    const token = await mint();
    const response = await postForm(app, token, bearer(token));

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
  });

  it('authenticates body tokens in a global hook, which then runs after body parsing', async () => {
    const app = await appWith({ allowBody: true, global: true });
    const response = await postForm(app, await mint());

    expect(response.statusCode).toBe(200);
  });
});

describe('a form field beside the header token (RFC 6750 §2), without allowBody', () => {
  /** A listening app whose `/notes` is protected by `config.auth` (or by `global`), echoing its form's `note`. */
  async function listening(global: boolean): Promise<string> {
    const app = Fastify();
    apps.push(app);
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    await app.register(tokenward, { ...defaultServerOptions(issuer), global });
    app.post('/notes', { config: global ? {} : { auth: {} } }, async (request) => ({
      subject: request.auth?.subject,
      note: (request.body as { note?: string }).note,
    }));
    return app.listen({ port: 0, host: '127.0.0.1' });
  }
  const post = (url: string, body: string, token?: string) =>
    fetch(`${url}/notes`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(token === undefined ? {} : bearer(token)),
      },
      body,
    });

  it.each([false, true])(
    'BT-3: is refused with 400 invalid_request at preValidation (global %s)',
    async (global) => {
      const url = await listening(global);
      const token = await mint();
      const refused = await post(url, `note=hi&access_token=${token}`, token);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="orders-api", error="invalid_request"/,
      );
      const text = await refused.text();
      expect(JSON.parse(text)).toMatchObject({ code: 'ERR_INVALID_REQUEST', error: 'invalid_request' });
      expect(text).not.toContain(token);
      const served = await post(url, 'note=hi', token);
      expect(await served.json()).toEqual({ subject: 'alice', note: 'hi' });
      expect((await post(url, 'note=hi')).status).toBe(401);
    },
  );
});

describe('key set unavailable', () => {
  it('answers 503 with Retry-After, not invalid_token, when the JWKS cannot be fetched (security §0 UPSTREAM_UNAVAILABLE)', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', status: 500 });
    const app = await appWith();
    const response = await app.inject({ url: '/orders', headers: bearer(await mint()) });

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.headers['www-authenticate']).not.toMatch(/invalid_token/);
    expect(response.json()).toMatchObject({ statusCode: 503, code: 'ERR_JWKS_FETCH_FAILED' });
  });
});

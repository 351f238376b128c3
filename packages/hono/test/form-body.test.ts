import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { type Context, Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAuth } from '../src/index.js';

let org: ReferenceIssuer;
let server: AuthServer;
let trust: { issuer: string; audience: string };

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
  trust = { issuer: server.issuer, audience: server.audience };
});
afterAll(() => org.close());

/** Every way a handler may read the body; each answers the bytes it got, or the fields it parsed. */
const READS: Record<string, (c: Context) => Promise<string | Record<string, unknown>>> = {
  'c.req.text()': (c) => c.req.text(),
  'c.req.arrayBuffer()': async (c) => new TextDecoder().decode(await c.req.arrayBuffer()),
  'c.req.raw.text()': (c) => c.req.raw.text(),
  'c.req.raw.arrayBuffer()': async (c) => new TextDecoder().decode(await c.req.raw.arrayBuffer()),
  'c.req.parseBody()': (c) => c.req.parseBody(),
  'c.req.formData()': async (c) => Object.fromEntries(await c.req.formData()),
};
const PARSED = new Set(['c.req.parseBody()', 'c.req.formData()']);

/** What a read must give for `sent`: the very bytes, or the fields a form parser finds in them. */
const expected = (read: string, sent: string) =>
  PARSED.has(read) ? Object.fromEntries(new URLSearchParams(sent)) : sent;

/** An app whose every route reads the body one way after the middleware and answers what it read. */
function readingApp(middleware: ReturnType<typeof requireAuth>) {
  const app = new Hono();
  for (const [name, read] of Object.entries(READS)) {
    app.post(`/${encodeURIComponent(name)}`, middleware, async (c) => {
      try {
        return c.json({ read: await read(c) });
      } catch (error) {
        return c.json({ failed: String(error) });
      }
    });
  }
  return app;
}

/** The app served by @hono/node-server on a free port, as a `fetch` of paths; closed after the test. */
async function served(
  app: Hono,
): Promise<{ send: (path: string, init: RequestInit) => Promise<Response>; close: () => void }> {
  const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => listening.once('listening', resolve));
  const { port } = listening.address() as AddressInfo;
  return {
    send: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init),
    close: () => listening.close(),
  };
}

const form = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body,
});

// Percent-escapes, a `+`, an empty field and UTF-8: anything re-encoded on the way differs from these bytes.
const FIELDS = 'note=hi%20there&plus=a+b&empty=&accent=%C3%A9';

describe('a handler after requireAuth reads the form body the client sent, every way', () => {
  it.each(['app.request', '@hono/node-server'])(
    'BT-4: with allowBody, the body that carried the token (%s)',
    async (via) => {
      const token = await server.mintAccessToken({ sub: 'alice' });
      const app = readingApp(requireAuth(trust, { allowBody: true }));
      const sent = `access_token=${token}&${FIELDS}`;
      const node = via === 'app.request' ? undefined : await served(app);
      try {
        for (const read of Object.keys(READS)) {
          const path = `/${encodeURIComponent(read)}`;
          const answer = await (node?.send ?? app.request.bind(app))(path, form(sent));
          expect(answer.status, read).toBe(200);
          expect(await answer.json(), read).toEqual({ read: expected(read, sent) });
        }
      } finally {
        node?.close();
      }
    },
  );

  it.each(['app.request', '@hono/node-server'])(
    'BT-3: beside a header token, a form without access_token (%s)',
    async (via) => {
      const token = await server.mintAccessToken({ sub: 'alice' });
      const app = readingApp(requireAuth(trust));
      const node = via === 'app.request' ? undefined : await served(app);
      try {
        for (const read of Object.keys(READS)) {
          const path = `/${encodeURIComponent(read)}`;
          const answer = await (node?.send ?? app.request.bind(app))(
            path,
            form(FIELDS, { authorization: `Bearer ${token}` }),
          );
          expect(answer.status, read).toBe(200);
          expect(await answer.json(), read).toEqual({ read: expected(read, FIELDS) });
        }
      } finally {
        node?.close();
      }
    },
  );

  it('BT-3, BT-4: a body a middleware before requireAuth read through Hono is still read from its cache', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const app = new Hono();
    // A middleware that reads the body first (a logger, a validator): Hono caches what it read.
    app.use('*', async (c, next) => {
      await c.req.text();
      await next();
    });
    app.post('/body', requireAuth(trust, { allowBody: true }), async (c) => c.text(await c.req.text()));
    app.post('/header', requireAuth(trust), async (c) => c.text(await c.req.text()));
    const sent = `access_token=${token}&${FIELDS}`;
    const body = await app.request('/body', form(sent));
    expect(await body.text()).toBe(sent);
    const twice = await app.request('/header', form(sent, { authorization: `Bearer ${token}` }));
    expect(twice.status).toBe(400);
    expect(await twice.json()).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
    expect(
      await (await app.request('/header', form(FIELDS, { authorization: `Bearer ${token}` }))).text(),
    ).toBe(FIELDS);
  });
});

describe('a form body over 64 KiB', () => {
  // Everything a refusal's challenge may say beside the error: realm, scope, metadata URL, DPoP.
  const options = () => ({
    issuer: server.issuer,
    resource: 'https://api.example/orders',
    realm: 'orders',
    scopes: ['orders:read'],
    dpop: { mode: 'allowed' as const, origins: ['http://localhost'] },
  });
  const padding = `padding=${'x'.repeat(70 * 1024)}`;
  /** The challenge without its error_description, which says why each refusal was made. */
  const challengeOf = (answer: Response) =>
    answer.headers.get('www-authenticate')?.replace(/ error_description="[^"]*",/, '');

  it.each([
    ['a body token (allowBody)', true, {}],
    ['a form beside a header token', false, { authorization: 'Bearer abc' }],
  ] as const)(
    'BT-4, BT-6, DP-4: refused 400 for %s, in the challenge of every other refusal',
    async (_, allowBody, headers) => {
      const app = new Hono();
      app.post('/orders', requireAuth({ ...options(), allowBody }), (c) => c.text('never'));
      const over = await app.request('/orders', form(`${padding}&access_token=abc`, headers));
      // Another refusal of the request step: the token sent twice, in the header and the form.
      const twice = await app.request('/orders', form('access_token=abc', { authorization: 'Bearer abc' }));
      expect(over.status).toBe(400);
      expect(twice.status).toBe(400);
      // A 400 names no scope or metadata URL (those are for the 401 and 403 a client can act on),
      // but both schemes of a verifier that takes DPoP (RFC 9449 section 7.1).
      expect(challengeOf(over)).toBe(challengeOf(twice));
      expect(challengeOf(over)).toMatch(
        /^Bearer realm="orders", error="invalid_request", DPoP realm="orders", algs="[^"]+"$/,
      );
      const text = await over.text();
      expect(JSON.parse(text)).toMatchObject({
        code: 'ERR_INVALID_REQUEST',
        error_description: expect.stringMatching(/expected a form body of at most 65536 bytes.*found more/),
      });
      expect(text).not.toContain('xxxx');
    },
  );
});

import { DEFAULT_REALM } from '@tokenward/core';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authErrorHandler, requireAuth, requireScopes } from '../src/index.js';
import { bearer, trust } from './support/issuer.js';
import { expressVersions, listen, type RunningApp } from './support/listen.js';

let issuer: ReferenceIssuer;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default'] });
});

afterAll(async () => {
  await issuer.close();
});

describe.each(expressVersions)('error rendering on $label', ({ express }) => {
  const logged: string[] = [];
  let rendered: RunningApp;
  let finalHandlerOnly: RunningApp;

  beforeAll(async () => {
    const withHandler = express();
    withHandler.get('/orders', requireAuth(trust(issuer.server('default'))), (_req, res) => {
      res.json({ ok: true });
    });
    withHandler.get('/broken', () => {
      throw new Error('database down');
    });
    withHandler.use(authErrorHandler({ log: (line) => logged.push(line) }));
    withHandler.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ passedOn: err.message });
    });
    rendered = await listen(withHandler);

    const withoutHandler = express();
    withoutHandler.get(
      '/orders',
      requireAuth({ ...trust(issuer.server('default')), realm: 'orders-api' }),
      requireScopes(['orders:write']),
      (_req, res) => {
        res.json({ ok: true });
      },
    );
    finalHandlerOnly = await listen(withoutHandler);
  });

  afterAll(async () => {
    await rendered.close();
    await finalHandlerOnly.close();
  });

  it('renders an invalid token as JSON { error, error_description, code } with the challenge', async () => {
    const response = await fetch(`${rendered.url}/orders`, { headers: bearer('not-a-jwt') });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const body = await response.json();
    expect(body).toEqual({
      error: 'invalid_token',
      error_description: expect.any(String),
      code: 'ERR_TOKEN_MALFORMED',
    });
    expect(body.error_description).not.toContain('not-a-jwt');
  });

  it("BT-7: renders a request without credentials with no error name and a bare challenge in core's realm", async () => {
    const response = await fetch(`${rendered.url}/orders`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${DEFAULT_REALM}"`);
    const body = await response.json();
    expect(body).not.toHaveProperty('error');
    expect(body).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
  });

  it('logs one line per rejected token, without a stack trace and without the token', async () => {
    logged.length = 0;
    await fetch(`${rendered.url}/orders`, { headers: bearer('not-a-jwt') });
    expect(logged).toEqual([expect.stringMatching(/^tokenward: GET \/orders 401 ERR_TOKEN_MALFORMED: /)]);
    expect(logged[0]).not.toMatch(/\n|\bat /);
    expect(logged[0]).not.toContain('not-a-jwt');
  });

  it('passes errors that are not tokenward errors on to the next error handler', async () => {
    const response = await fetch(`${rendered.url}/broken`);
    expect(await response.json()).toEqual({ passedOn: 'database down' });
  });

  it("Express's final handler alone answers 401 with the challenge (it reads err.status and err.headers)", async () => {
    const response = await fetch(`${finalHandlerOnly.url}/orders`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="orders-api"');
  });

  it("Express's final handler alone answers 403 with the insufficient_scope challenge", async () => {
    const token = await issuer.server('default').mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const response = await fetch(`${finalHandlerOnly.url}/orders`, { headers: bearer(token) });
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="orders:write"');
  });
});

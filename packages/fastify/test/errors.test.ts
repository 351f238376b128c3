import { createAccessTokenVerifier } from '@tokenward/core';
import type { ReferenceIssuer } from '@tokenward/issuer';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import tokenward, { isTokenwardError, type TokenwardOptions } from '../src/index.js';
import { bearer, defaultServerOptions, startTestIssuer } from './support.js';

let issuer: ReferenceIssuer;
let app: FastifyInstance;

beforeAll(async () => {
  issuer = await startTestIssuer();
});

afterEach(async () => {
  await app?.close();
});

afterAll(async () => {
  await issuer?.close();
});

describe('custom error handlers', () => {
  it('receive the TokenwardError with its code, status and headers', async () => {
    app = Fastify();
    await app.register(tokenward, defaultServerOptions(issuer));
    app.setErrorHandler((error, _request, reply) => {
      if (!isTokenwardError(error)) return reply.send(error);
      return reply
        .code(error.statusCode)
        .headers(error.headers)
        .send({ problem: error.code, oauthError: error.oauthError ?? null });
    });
    app.get('/orders', { preHandler: app.requireAuth() }, async () => ({ ok: true }));

    const missing = await app.inject({ url: '/orders' });
    const expired = await app.inject({
      url: '/orders',
      headers: bearer(await issuer.server('default').mintAccessToken({ sub: 'alice' }, { expiresIn: -3600 })),
    });

    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="orders-api"');
    expect(missing.json()).toEqual({ problem: 'ERR_TOKEN_MISSING', oauthError: null });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toEqual({ problem: 'ERR_TOKEN_EXPIRED', oauthError: 'invalid_token' });
  });

  it('sees errors from the global hook too, and an onError hook is called', async () => {
    app = Fastify();
    const seen: string[] = [];
    await app.register(tokenward, { ...defaultServerOptions(issuer), global: true });
    app.addHook('onError', async (_request, _reply, error) => {
      if (isTokenwardError(error)) seen.push(error.code);
    });
    app.get('/orders', async () => ({ ok: true }));

    const response = await app.inject({ url: '/orders', headers: { authorization: 'Bearer not-a-jwt' } });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
    expect(seen).toEqual(['ERR_TOKEN_MALFORMED']);
  });
});

describe('configuration errors surface at registration (ERR_CONFIG), never as a 401', () => {
  async function registrationError(options: unknown): Promise<unknown> {
    app = Fastify();
    return app.register(tokenward, options as TokenwardOptions).then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  it('missing audience (BCP-9: audience is required)', async () => {
    const error = await registrationError({ issuer: issuer.server('default').issuer });

    expect(error).toMatchObject({ code: 'ERR_CONFIG' });
    expect(String((error as Error).message)).toMatch(/audience/);
  });

  it('an org-server issuer for an access-token verifier (DESIGN rule 3)', async () => {
    const error = await registrationError({ issuer: issuer.orgServer.issuer, audience: 'api://default' });

    expect(error).toMatchObject({ code: 'ERR_CONFIG' });
  });

  it.each([
    [{ global: 'yes' }, /global/],
    [{ allowQuery: 1 }, /allowQuery/],
    [{ allowBody: 'true' }, /allowBody/],
    [{ realm: '' }, /realm/],
  ])('adapter option %o', async (bad, name) => {
    const error = await registrationError({ ...defaultServerOptions(issuer), ...bad });

    expect(error).toMatchObject({ code: 'ERR_CONFIG' });
    expect(String((error as Error).message)).toMatch(name);
  });

  it('a verifier together with verifier options', async () => {
    const server = issuer.server('default');
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const error = await registrationError({ verifier, issuer: server.issuer });

    expect(error).toMatchObject({ code: 'ERR_CONFIG' });
    expect(String((error as Error).message)).toMatch(/verifier/);
  });

  it('bad requireAuth() options throw where the route is declared', async () => {
    app = Fastify();
    await app.register(tokenward, defaultServerOptions(issuer));

    expect(() => app.requireAuth({ scopeMatch: 'some' as 'any' })).toThrow(/scopeMatch/);
    expect(() => app.requireAuth({ scopes: 'orders:read' as unknown as string[] })).toThrow(/scopes/);
  });

  it('bad route config.auth fails when the route is declared', async () => {
    app = Fastify();
    await app.register(tokenward, defaultServerOptions(issuer));

    expect(() =>
      app.get('/orders', { config: { auth: { scope: ['orders:read'] } as object } }, async () => ({
        ok: true,
      })),
    ).toThrow(
      /^tokenward: config\.auth of GET \/orders: unknown option `scope`; known options: scopes, scopeMatch, claims, acrValues, maxAge$/,
    );
  });

  it('a malformed claim requirement or scope token fails where it is declared, whatever tokens arrive', async () => {
    app = Fastify();
    await app.register(tokenward, defaultServerOptions(issuer));

    expect(() =>
      app.get('/admins', { config: { auth: { claims: { groups: { includes: [] } } } } }, async () => ({})),
    ).toThrow(/^tokenward: config\.auth of GET \/admins: `claims\.groups` must be /);
    expect(() => app.requireAuth({ claims: { tier: null as unknown as string } })).toThrow(
      /^tokenward: requireAuth: `claims\.tier` must be /,
    );
    expect(() => app.requireAuth({ scopes: ['orders read'] })).toThrow(
      /^tokenward: requireAuth: `scopes\[0\]` must be a scope token/,
    );
    expect(() => app.requireAuth({ claims: {} })).toThrow(/`claims` must name at least one claim/);
  });
});

describe('a shared verifier', () => {
  it('is accepted instead of verifier options and exposed as fastify.tokenward.verifier', async () => {
    const server = issuer.server('default');
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    app = Fastify();
    await app.register(tokenward, { verifier });
    app.get('/orders', { preHandler: app.requireAuth() }, async (request) => ({
      subject: request.auth?.subject,
    }));

    const response = await app.inject({
      url: '/orders',
      headers: bearer(await server.mintAccessToken({ sub: 'alice' })),
    });

    expect(app.tokenward.verifier).toBe(verifier);
    expect(response.statusCode).toBe(200);
    expect(response.headers).not.toHaveProperty('www-authenticate');
    expect(response.json()).toEqual({ subject: 'alice' });
  });

  it("BT-7: answers the plugin's own errors in the verifier's realm when no realm option is given", async () => {
    const server = issuer.server('default');
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      realm: 'orders',
    });
    app = Fastify();
    await app.register(tokenward, { verifier });
    app.get('/orders', { preHandler: app.requireAuth() }, async () => ({ ok: true }));

    const missing = await app.inject({ url: '/orders' });
    const malformed = await app.inject({ url: '/orders', headers: { authorization: 'Bearer' } });

    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="orders"');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['www-authenticate']).toMatch(/^Bearer realm="orders", error="invalid_request"/);
  });
});

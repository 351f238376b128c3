import { createAccessTokenVerifier } from '@tokenward/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import tokenward, { isTokenwardError, type TokenwardOptions } from '../src/index.js';
import { bearer, defaultServerOptions, useIssuerAndApp } from './support.js';

const suite = useIssuerAndApp();

describe('custom error handlers', () => {
  it('receive the TokenwardError with its code, status and headers', async () => {
    suite.app = Fastify();
    await suite.app.register(tokenward, defaultServerOptions(suite.issuer));
    suite.app.setErrorHandler((error, _request, reply) => {
      if (!isTokenwardError(error)) return reply.send(error);
      return reply
        .code(error.statusCode)
        .headers(error.headers)
        .send({ problem: error.code, oauthError: error.oauthError ?? null });
    });
    suite.app.get('/orders', { preHandler: suite.app.requireAuth() }, async () => ({ ok: true }));

    const missing = await suite.app.inject({ url: '/orders' });
    const expired = await suite.app.inject({
      url: '/orders',
      headers: bearer(
        await suite.issuer.server('default').mintAccessToken({ sub: 'alice' }, { expiresIn: -3600 }),
      ),
    });

    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="orders-api"');
    expect(missing.json()).toEqual({ problem: 'ERR_TOKEN_MISSING', oauthError: null });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toEqual({ problem: 'ERR_TOKEN_EXPIRED', oauthError: 'invalid_token' });
  });

  it('sees errors from the global hook too, and an onError hook is called', async () => {
    suite.app = Fastify();
    const seen: string[] = [];
    await suite.app.register(tokenward, { ...defaultServerOptions(suite.issuer), global: true });
    suite.app.addHook('onError', async (_request, _reply, error) => {
      if (isTokenwardError(error)) seen.push(error.code);
    });
    suite.app.get('/orders', async () => ({ ok: true }));

    const response = await suite.app.inject({
      url: '/orders',
      headers: { authorization: 'Bearer not-a-jwt' },
    });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
    expect(seen).toEqual(['ERR_TOKEN_MALFORMED']);
  });
});

describe('configuration errors surface at registration (ERR_CONFIG), never as a 401', () => {
  async function registrationError(options: unknown): Promise<unknown> {
    suite.app = Fastify();
    return suite.app.register(tokenward, options as TokenwardOptions).then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  it('missing audience (BCP-9: audience is required)', async () => {
    const error = await registrationError({ issuer: suite.issuer.server('default').issuer });

    expect(error).toMatchObject({ code: 'ERR_CONFIG' });
    expect(String((error as Error).message)).toMatch(/audience/);
  });

  it('an org-server issuer for an access-token verifier (DESIGN rule 3)', async () => {
    const error = await registrationError({
      issuer: suite.issuer.orgServer.issuer,
      audience: 'api://default',
    });

    expect(error).toMatchObject({ code: 'ERR_CONFIG' });
  });

  it.each([
    [{ global: 'yes' }, /global/],
    [{ allowQuery: 1 }, /allowQuery/],
    [{ allowBody: 'true' }, /allowBody/],
    [{ realm: '' }, /realm/],
  ])('adapter option %o', async (bad, name) => {
    const error = await registrationError({ ...defaultServerOptions(suite.issuer), ...bad });

    expect(error).toMatchObject({ code: 'ERR_CONFIG' });
    expect(String((error as Error).message)).toMatch(name);
  });

  it('a verifier together with verifier options', async () => {
    const server = suite.issuer.server('default');
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const error = await registrationError({ verifier, issuer: server.issuer });

    expect(error).toMatchObject({ code: 'ERR_CONFIG' });
    expect(String((error as Error).message)).toMatch(/verifier/);
  });

  it('bad requireAuth() options throw where the route is declared', async () => {
    suite.app = Fastify();
    await suite.app.register(tokenward, defaultServerOptions(suite.issuer));

    expect(() => suite.app.requireAuth({ scopeMatch: 'some' as 'any' })).toThrow(/scopeMatch/);
    expect(() => suite.app.requireAuth({ scopes: 'orders:read' as unknown as string[] })).toThrow(/scopes/);
  });

  it('bad route config.auth fails when the route is declared', async () => {
    suite.app = Fastify();
    await suite.app.register(tokenward, defaultServerOptions(suite.issuer));

    expect(() =>
      suite.app.get('/orders', { config: { auth: { scope: ['orders:read'] } as object } }, async () => ({
        ok: true,
      })),
    ).toThrow(
      /^tokenward: config\.auth of GET \/orders: unknown option `scope`; did you mean `scopes`\? known options: scopes, scopeMatch, claims, acrValues, maxAge$/,
    );
  });

  it('a malformed claim requirement or scope token fails where it is declared, whatever tokens arrive', async () => {
    suite.app = Fastify();
    await suite.app.register(tokenward, defaultServerOptions(suite.issuer));

    expect(() =>
      suite.app.get(
        '/admins',
        { config: { auth: { claims: { groups: { includes: [] } } } } },
        async () => ({}),
      ),
    ).toThrow(/^tokenward: config\.auth of GET \/admins: `claims\.groups` must be /);
    expect(() => suite.app.requireAuth({ claims: { tier: null as unknown as string } })).toThrow(
      /^tokenward: requireAuth: `claims\.tier` must be /,
    );
    expect(() => suite.app.requireAuth({ scopes: ['orders read'] })).toThrow(
      /^tokenward: requireAuth: `scopes\[0\]` must be a scope token/,
    );
    expect(() => suite.app.requireAuth({ claims: {} })).toThrow(/`claims` must name at least one claim/);
  });
});

describe('a shared verifier', () => {
  it('is accepted instead of verifier options and exposed as fastify.tokenward.verifier', async () => {
    const server = suite.issuer.server('default');
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    suite.app = Fastify();
    await suite.app.register(tokenward, { verifier });
    suite.app.get('/orders', { preHandler: suite.app.requireAuth() }, async (request) => ({
      subject: request.auth?.subject,
    }));

    const response = await suite.app.inject({
      url: '/orders',
      headers: bearer(await server.mintAccessToken({ sub: 'alice' })),
    });

    expect(suite.app.tokenward.verifier).toBe(verifier);
    expect(response.statusCode).toBe(200);
    expect(response.headers).not.toHaveProperty('www-authenticate');
    expect(response.json()).toEqual({ subject: 'alice' });
  });

  it("BT-7: answers the plugin's own errors in the verifier's realm when no realm option is given", async () => {
    const server = suite.issuer.server('default');
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      realm: 'orders',
    });
    suite.app = Fastify();
    await suite.app.register(tokenward, { verifier });
    suite.app.get('/orders', { preHandler: suite.app.requireAuth() }, async () => ({ ok: true }));

    const missing = await suite.app.inject({ url: '/orders' });
    const malformed = await suite.app.inject({ url: '/orders', headers: { authorization: 'Bearer' } });

    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="orders"');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['www-authenticate']).toMatch(/^Bearer realm="orders", error="invalid_request"/);
  });
});

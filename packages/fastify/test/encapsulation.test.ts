import { createAccessTokenVerifier } from '@tokenward/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import tokenward from '../src/index.js';
import { bearer, defaultServerOptions, useIssuerAndApp } from './support.js';

const suite = useIssuerAndApp();

describe('global: true', () => {
  async function globalApp(): Promise<FastifyInstance> {
    const instance = Fastify();
    await instance.register(tokenward, { ...defaultServerOptions(suite.issuer), global: true });
    instance.get('/orders', async (request) => ({ subject: request.auth?.subject }));
    instance.get('/health', { config: { auth: false } }, async (request) => ({
      ok: true,
      auth: request.auth,
    }));
    instance.get('/reports', { config: { auth: { scopes: ['reports:read'] } } }, async () => ({ ok: true }));
    instance.options('/orders', async (_request, reply) =>
      reply.code(204).header('access-control-allow-origin', 'https://app.example').send(),
    );
    return instance;
  }

  it('authenticates every route of the context', async () => {
    suite.app = await globalApp();

    const missing = await suite.app.inject({ url: '/orders' });
    const valid = await suite.app.inject({ url: '/orders', headers: bearer(await suite.mint()) });

    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
    expect(valid.statusCode).toBe(200);
    expect(valid.json()).toEqual({ subject: 'alice' });
  });

  it('answers unknown paths of the context with 401 rather than revealing which exist', async () => {
    suite.app = await globalApp();

    const response = await suite.app.inject({ url: '/no-such-route' });

    expect(response.statusCode).toBe(401);
  });

  it('lets a route opt out with config: { auth: false }', async () => {
    suite.app = await globalApp();

    const response = await suite.app.inject({ url: '/health' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, auth: null });
  });

  it('applies route config.auth scopes on top of the global check', async () => {
    suite.app = await globalApp();

    const denied = await suite.app.inject({ url: '/reports', headers: bearer(await suite.mint()) });
    const allowed = await suite.app.inject({
      url: '/reports',
      headers: bearer(await suite.mint(['reports:read'])),
    });

    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE' });
    expect(allowed.statusCode).toBe(200);
  });

  it('checks a later requireAuth() against the token the global hook verified, without verifying twice', async () => {
    const server = suite.issuer.server('default');
    const real = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const verify = vi.fn(real.verify);
    const verifier = { ...real, verify };
    suite.app = Fastify();
    await suite.app.register(tokenward, { verifier, global: true });
    suite.app.get('/admin', { preHandler: suite.app.requireAuth({ scopes: ['admin'] }) }, async () => ({
      ok: true,
    }));

    const denied = await suite.app.inject({ url: '/admin', headers: bearer(await suite.mint()) });
    const allowed = await suite.app.inject({ url: '/admin', headers: bearer(await suite.mint(['admin'])) });

    expect(denied.statusCode).toBe(403);
    expect(denied.headers['www-authenticate']).toMatch(/scope="admin"/);
    expect(allowed.statusCode).toBe(200);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('CORS preflight (Fetch standard): answers it with 204 at the auth step, never running the route', async () => {
    suite.app = await globalApp();

    const preflight = await suite.app.inject({
      method: 'OPTIONS',
      url: '/orders',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    const plainOptions = await suite.app.inject({ method: 'OPTIONS', url: '/orders' });

    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.body).toBe('');
    expect(plainOptions.statusCode).toBe(401);
  });

  it("CORS preflight: passes it on to the route with corsPreflight: 'pass'", async () => {
    suite.app = Fastify();
    await suite.app.register(tokenward, {
      ...defaultServerOptions(suite.issuer),
      global: true,
      corsPreflight: 'pass',
    });
    suite.app.options('/orders', async (_request, reply) =>
      reply.code(204).header('access-control-allow-origin', 'https://app.example').send(),
    );

    const preflight = await suite.app.inject({
      method: 'OPTIONS',
      url: '/orders',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });

    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});

describe('encapsulation', () => {
  it('protects only the context the plugin is registered in (and its children)', async () => {
    suite.app = Fastify();
    suite.app.get('/health', async () => ({ ok: true }));
    await suite.app.register(
      async (api) => {
        await api.register(tokenward, { ...defaultServerOptions(suite.issuer), global: true });
        api.get('/orders', async (request) => ({ subject: request.auth?.subject }));
        await api.register(async (nested) => {
          nested.get('/nested', async (request) => ({ subject: request.auth?.subject }));
        });
      },
      { prefix: '/api' },
    );
    await suite.app.register(
      async (sibling) => {
        sibling.get('/open', async () => ({ ok: true }));
      },
      { prefix: '/sibling' },
    );
    await suite.app.ready();

    expect((await suite.app.inject({ url: '/health' })).statusCode).toBe(200);
    expect((await suite.app.inject({ url: '/sibling/open' })).statusCode).toBe(200);
    expect((await suite.app.inject({ url: '/api/orders' })).statusCode).toBe(401);
    expect((await suite.app.inject({ url: '/api/nested' })).statusCode).toBe(401);
    expect((await suite.app.inject({ url: '/no-such-route' })).statusCode).toBe(404);
    const nested = await suite.app.inject({ url: '/api/nested', headers: bearer(await suite.mint()) });
    expect(nested.statusCode).toBe(200);
    expect(nested.json()).toEqual({ subject: 'alice' });
    expect(suite.app.hasDecorator('requireAuth')).toBe(false);
    expect(suite.app.hasRequestDecorator('auth')).toBe(false);
  });

  it('runs the global hook even for routes declared before the plugin in the same context', async () => {
    suite.app = Fastify();
    suite.app.get('/early', async () => ({ ok: true }));
    await suite.app.register(tokenward, { ...defaultServerOptions(suite.issuer), global: true });

    const response = await suite.app.inject({ url: '/early' });

    expect(response.statusCode).toBe(401);
  });

  it("refuses, at start-up, config.auth on a route outside the plugin's context (nothing would enforce it)", async () => {
    suite.app = Fastify();
    await suite.app.register(async (api) => {
      await api.register(tokenward, defaultServerOptions(suite.issuer));
      api.get('/inside', { config: { auth: { scopes: ['orders:read'] } } }, async () => ({ ok: true }));
    });

    expect(() =>
      suite.app.get('/outside', { config: { auth: { scopes: ['orders:read'] } } }, async () => ({
        ok: true,
      })),
    ).toThrow(/^tokenward: config\.auth of GET \/outside is declared outside the context/);
    suite.app.get('/open', { config: { auth: false } }, async () => ({ ok: true }));
    await suite.app.ready();
    expect((await suite.app.inject({ url: '/inside' })).statusCode).toBe(401);
    expect((await suite.app.inject({ url: '/open' })).statusCode).toBe(200);
  });

  it('refuses it in a sibling context registered after the plugin too', async () => {
    suite.app = Fastify();
    await suite.app.register(async (api) => {
      await api.register(tokenward, defaultServerOptions(suite.issuer));
    });
    const registered = suite.app.register(async (sibling) => {
      sibling.get('/reports', { config: { auth: { scopes: ['reports:read'] } } }, async () => ({ ok: true }));
    });

    await expect(registered).rejects.toThrow(/config\.auth of GET \/reports is declared outside the context/);
  });
});

describe('route requirements', () => {
  it('are checked once, at registration, and the route keeps the checked frozen copy', async () => {
    suite.app = Fastify();
    await suite.app.register(tokenward, defaultServerOptions(suite.issuer));
    const declared = { scopes: ['orders:read'] };
    let seen: unknown;
    suite.app.get('/orders', { config: { auth: declared } }, async (request) => {
      seen = request.routeOptions.config.auth;
      return { ok: true };
    });

    const response = await suite.app.inject({ url: '/orders', headers: bearer(await suite.mint()) });

    expect(response.statusCode).toBe(200);
    expect(seen).not.toBe(declared);
    expect(seen).toEqual(declared);
    expect(Object.isFrozen(seen)).toBe(true);
  });
});

import { createAccessTokenVerifier } from '@tokenward/core';
import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import tokenward from '../src/index.js';
import { bearer, defaultServerOptions, useIssuerAndApp } from './support.js';

// Where the plugin's hook runs among the app's own hooks, and that each request is verified once:
// the behaviour any cheaper placement of the hooks has to keep.

const suite = useIssuerAndApp();

/** A verifier whose `verify` calls are counted. */
function countingVerifier() {
  const server = suite.issuer.server('default');
  const real = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
  const verify = vi.fn(real.verify);
  return { verifier: { ...real, verify }, verify };
}

describe('config.auth without global', () => {
  it('is enforced on a route declared before the plugin has loaded (register not awaited)', async () => {
    suite.app = Fastify();
    void suite.app.register(tokenward, defaultServerOptions(suite.issuer));
    suite.app.get('/reports', { config: { auth: { scopes: ['reports:read'] } } }, async (request) => ({
      subject: request.auth?.subject,
    }));
    suite.app.get('/open', async (request) => ({ auth: request.auth }));
    await suite.app.ready();

    const missing = await suite.app.inject({ url: '/reports' });
    const denied = await suite.app.inject({ url: '/reports', headers: bearer(await suite.mint()) });
    const allowed = await suite.app.inject({
      url: '/reports',
      headers: bearer(await suite.mint(['reports:read'])),
    });
    const open = await suite.app.inject({ url: '/open' });

    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
    expect(denied.statusCode).toBe(403);
    expect(allowed.json()).toEqual({ subject: 'alice' });
    expect(open.json()).toEqual({ auth: null });
  });

  it('verifies a token once on a route with both config.auth and requireAuth(), checking both requirements', async () => {
    const { verifier, verify } = countingVerifier();
    suite.app = Fastify();
    await suite.app.register(tokenward, { verifier });
    suite.app.get(
      '/admin',
      {
        config: { auth: { scopes: ['orders:read'] } },
        preHandler: suite.app.requireAuth({ scopes: ['admin'] }),
      },
      async (request) => ({ subject: request.auth?.subject }),
    );

    const denied = await suite.app.inject({ url: '/admin', headers: bearer(await suite.mint()) });
    const allowed = await suite.app.inject({
      url: '/admin',
      headers: bearer(await suite.mint(['orders:read', 'admin'])),
    });

    expect(denied.statusCode).toBe(403);
    expect(denied.headers['www-authenticate']).toMatch(/scope="admin"/);
    expect(allowed.json()).toEqual({ subject: 'alice' });
    expect(verify).toHaveBeenCalledTimes(2);
  });
});

describe("the plugin's hook runs where the plugin is registered", () => {
  it.each([
    ['global', { global: true }, '/orders'],
    ['config.auth', {}, '/reports'],
  ])(
    '(%s): onRequest hooks added after it see request.auth, and do not run for a rejected request',
    async (_mode, mode, url) => {
      const seen: unknown[] = [];
      suite.app = Fastify();
      await suite.app.register(tokenward, { ...defaultServerOptions(suite.issuer), ...mode });
      suite.app.addHook('onRequest', async (request) => {
        seen.push(request.auth?.subject);
      });
      suite.app.get('/orders', async () => ({ ok: true }));
      suite.app.get('/reports', { config: { auth: {} } }, async () => ({ ok: true }));

      const refused = await suite.app.inject({ url });
      const allowed = await suite.app.inject({ url, headers: bearer(await suite.mint()) });

      expect(refused.statusCode).toBe(401);
      expect(allowed.statusCode).toBe(200);
      expect(seen).toEqual(['alice']);
    },
  );
});

import { createAccessTokenVerifier } from '@tokenward/core';
import type { ReferenceIssuer } from '@tokenward/issuer';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import tokenward from '../src/index.js';
import { bearer, defaultServerOptions, startTestIssuer } from './support.js';

// Where the plugin's hook runs among the app's own hooks, and that each request is verified once:
// the behaviour any cheaper placement of the hooks has to keep.

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

function mint(scp: string[] = ['orders:read']): Promise<string> {
  return issuer.server('default').mintAccessToken({ sub: 'alice', scp });
}

/** A verifier whose `verify` calls are counted. */
function countingVerifier() {
  const server = issuer.server('default');
  const real = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
  const verify = vi.fn(real.verify);
  return { verifier: { ...real, verify }, verify };
}

describe('config.auth without global', () => {
  it('is enforced on a route declared before the plugin has loaded (register not awaited)', async () => {
    app = Fastify();
    void app.register(tokenward, defaultServerOptions(issuer));
    app.get('/reports', { config: { auth: { scopes: ['reports:read'] } } }, async (request) => ({
      subject: request.auth?.subject,
    }));
    app.get('/open', async (request) => ({ auth: request.auth }));
    await app.ready();

    const missing = await app.inject({ url: '/reports' });
    const denied = await app.inject({ url: '/reports', headers: bearer(await mint()) });
    const allowed = await app.inject({ url: '/reports', headers: bearer(await mint(['reports:read'])) });
    const open = await app.inject({ url: '/open' });

    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
    expect(denied.statusCode).toBe(403);
    expect(allowed.json()).toEqual({ subject: 'alice' });
    expect(open.json()).toEqual({ auth: null });
  });

  it('verifies a token once on a route with both config.auth and requireAuth(), checking both requirements', async () => {
    const { verifier, verify } = countingVerifier();
    app = Fastify();
    await app.register(tokenward, { verifier });
    app.get(
      '/admin',
      { config: { auth: { scopes: ['orders:read'] } }, preHandler: app.requireAuth({ scopes: ['admin'] }) },
      async (request) => ({ subject: request.auth?.subject }),
    );

    const denied = await app.inject({ url: '/admin', headers: bearer(await mint()) });
    const allowed = await app.inject({
      url: '/admin',
      headers: bearer(await mint(['orders:read', 'admin'])),
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
      app = Fastify();
      await app.register(tokenward, { ...defaultServerOptions(issuer), ...mode });
      app.addHook('onRequest', async (request) => {
        seen.push(request.auth?.subject);
      });
      app.get('/orders', async () => ({ ok: true }));
      app.get('/reports', { config: { auth: {} } }, async () => ({ ok: true }));

      const refused = await app.inject({ url });
      const allowed = await app.inject({ url, headers: bearer(await mint()) });

      expect(refused.statusCode).toBe(401);
      expect(allowed.statusCode).toBe(200);
      expect(seen).toEqual(['alice']);
    },
  );
});

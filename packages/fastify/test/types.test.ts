import { type AccessTokenVerifier, createAccessTokenVerifier } from '@tokenward/core';
import type { ReferenceIssuer } from '@tokenward/issuer';
import Fastify, { type FastifyContextConfig, type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import tokenward, { type AuthHook, type RouteAuthConfig, type TokenwardAuth } from '../src/index.js';
import { bearer, defaultServerOptions, startTestIssuer } from './support.js';

// Users add their authorization server's custom claims by merging into TokenwardClaims.
declare module '../src/index.js' {
  interface TokenwardClaims {
    tenant_id?: string;
  }
}

let issuer: ReferenceIssuer;
let app: FastifyInstance;

beforeAll(async () => {
  issuer = await startTestIssuer();
  app = Fastify();
  await app.register(tokenward, defaultServerOptions(issuer));
  app.get<{ Params: { id: string } }>(
    '/orders/:id',
    { preHandler: app.requireAuth({ scopes: ['orders:read'] }) },
    async (request) => {
      expectTypeOf(request.auth).toEqualTypeOf<TokenwardAuth | null>();
      expectTypeOf(request.params.id).toBeString();
      return { id: request.params.id, tenant: request.auth?.claims.tenant_id };
    },
  );
  app.get(
    '/reports',
    { config: { auth: { scopes: ['reports:read'], scopeMatch: 'any' } } },
    async () => ({}),
  );
  app.get('/health', { config: { auth: false } }, async () => ({}));
});

afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

describe('types', () => {
  it('types request.auth, merged claims and the decorators', async () => {
    expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<TokenwardAuth | null>();
    expectTypeOf<TokenwardAuth['scopes']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<TokenwardAuth['expiresAt']>().toEqualTypeOf<Date>();
    expectTypeOf<TokenwardAuth['claims']['tenant_id']>().toEqualTypeOf<string | undefined>();
    expectTypeOf(app.requireAuth).returns.toEqualTypeOf<AuthHook>();
    expectTypeOf(app.optionalAuth).toEqualTypeOf(app.requireAuth);
    expectTypeOf(app.tokenward.verifier).toEqualTypeOf<AccessTokenVerifier>();
    expectTypeOf<{ auth: false }>().toExtend<FastifyContextConfig>();
    expectTypeOf<{ auth: { scopes: ['orders:read'] } }>().toExtend<FastifyContextConfig>();
    expectTypeOf<{ auth: true }>().not.toExtend<FastifyContextConfig>();
    expectTypeOf<{ auth: 'optional' }>().toExtend<FastifyContextConfig>();
    expectTypeOf<{ auth: 'anonymous' }>().not.toExtend<FastifyContextConfig>();
    expectTypeOf<RouteAuthConfig['scopeMatch']>().toEqualTypeOf<'all' | 'any' | undefined>();

    const response = await app.inject({
      url: '/orders/42',
      headers: bearer(
        await issuer
          .server('default')
          .mintAccessToken({ sub: 'alice', tenant_id: 'acme', scp: ['orders:read'] }),
      ),
    });
    expect(response.json()).toEqual({ id: '42', tenant: 'acme' });
  });

  it('rejects misuse at compile time, and at run time for JavaScript callers', async () => {
    const server = issuer.server('default');
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const fresh = Fastify();
    try {
      await fresh.register(tokenward, { verifier });
      // @ts-expect-error scopeMatch is 'all' or 'any'
      expect(() => fresh.requireAuth({ scopeMatch: 'some' })).toThrow(/scopeMatch/);
      // @ts-expect-error scopes is a list
      expect(() => fresh.requireAuth({ scopes: 'orders:read' })).toThrow(/scopes/);
      // @ts-expect-error optionalAuth takes the same requirements, not an options bag
      expect(() => fresh.optionalAuth({ optional: true })).toThrow(/unknown option `optional`/);
      // @ts-expect-error route config.auth requirements are typed too
      expect(() => fresh.get('/x', { config: { auth: { scopeMatch: 'some' } } }, async () => ({}))).toThrow(
        /scopeMatch/,
      );
      // @ts-expect-error global is a boolean
      await expect(Fastify().register(tokenward, { verifier, global: 'yes' })).rejects.toThrow(/global/);
      // @ts-expect-error a verifier and verifier options are exclusive
      await expect(Fastify().register(tokenward, { verifier, issuer: server.issuer })).rejects.toThrow(
        /verifier/,
      );
    } finally {
      await fresh.close();
    }
  });
});

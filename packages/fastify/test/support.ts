import { parse as parseQueryString } from 'node:querystring';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll } from 'vitest';
import tokenward, { type TokenwardOptions } from '../src/index.js';

/** The reference issuer with the default and a sibling (`payments`) custom server. */
export function startTestIssuer(): Promise<ReferenceIssuer> {
  return startIssuer({ port: 0, servers: ['default', 'payments'] });
}

export interface IssuerAndApp {
  /** The file's issuer, started before its first test and closed after its last. */
  readonly issuer: ReferenceIssuer;
  /** The test's app, if it made one: closed after the test. */
  app: FastifyInstance;
  /** A token of the `default` server for `alice` with the scopes `scp`. */
  mint(scp?: string[]): Promise<string>;
}

/** Registers the calling test file's hooks: one issuer for the file, and each test's app closed after it. */
export function useIssuerAndApp(): IssuerAndApp {
  let issuer: ReferenceIssuer | undefined;
  const fixture = {
    get issuer(): ReferenceIssuer {
      if (issuer === undefined) throw new Error('the issuer starts in beforeAll');
      return issuer;
    },
    app: undefined as unknown as FastifyInstance,
    mint: (scp = ['orders:read']) => fixture.issuer.server('default').mintAccessToken({ sub: 'alice', scp }),
  };
  beforeAll(async () => {
    issuer = await startTestIssuer();
  });
  afterEach(async () => {
    await fixture.app?.close();
  });
  afterAll(async () => {
    await issuer?.close();
  });
  return fixture;
}

/** Verifier options for the issuer's `default` server over plain loopback HTTP. */
export function defaultServerOptions(issuer: ReferenceIssuer): TokenwardOptions {
  const server = issuer.server('default');
  return { issuer: server.issuer, audience: server.audience, realm: 'orders-api' };
}

/** An app with the plugin registered and a few protected routes that echo `request.auth`. */
export async function buildApp(options: TokenwardOptions): Promise<FastifyInstance> {
  const app = Fastify();
  // A form parser that keeps repeated fields as arrays, so core can see a repeated access_token.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, parseQueryString(String(body)));
    },
  );
  await app.register(tokenward, options);
  app.get('/orders', { preHandler: app.requireAuth() }, async (request) => request.auth);
  app.post('/orders', { preHandler: app.requireAuth() }, async (request) => request.auth);
  app.get(
    '/orders/write',
    { preHandler: app.requireAuth({ scopes: ['orders:read', 'orders:write'] }) },
    async () => ({
      ok: true,
    }),
  );
  app.get(
    '/orders/any',
    { preHandler: app.requireAuth({ scopes: ['orders:read', 'orders:write'], scopeMatch: 'any' }) },
    async () => ({ ok: true }),
  );
  app.get('/reports', { config: { auth: { scopes: ['reports:read'] } } }, async (request) => ({
    subject: request.auth?.subject,
  }));
  app.get('/tenants/acme', { config: { auth: { claims: { tenant_id: 'acme' } } } }, async (request) => ({
    tenant: request.auth?.claims.tenant_id,
  }));
  app.get('/public', async (request) => ({ auth: request.auth }));
  return app;
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

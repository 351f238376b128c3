import { type AccessTokenVerifier, createAccessTokenVerifier, isTokenwardError } from '@tokenward/core';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExpressAuthOptions,
  optionalAuth,
  type RequireAuthOptions,
  requireAuth,
  requireClaims,
  requireScopes,
} from '../src/index.js';
import { trust } from './support/issuer.js';

let issuer: ReferenceIssuer;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default'] });
});

afterAll(async () => {
  await issuer.close();
});

/** Runs `build` and returns what it threw. */
function thrownBy(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectConfigError(build: () => unknown, naming: string): void {
  const error = thrownBy(build);
  expect(isTokenwardError(error)).toBe(true);
  expect(error).toMatchObject({ code: 'ERR_CONFIG' });
  expect((error as Error).message).toContain(naming);
}

describe('configuration errors are thrown at set-up, synchronously', () => {
  it('OK-1: refuses an org-server issuer for access tokens', () => {
    expectConfigError(
      () => requireAuth({ issuer: issuer.orgServer.issuer, audience: 'api://default' }),
      'issuer',
    );
  });

  it('refuses a missing audience (no silent skip)', () => {
    const { issuer: defaultIssuer } = trust(issuer.server('default'));
    expectConfigError(() => requireAuth({ issuer: defaultIssuer } as RequireAuthOptions), 'audience');
    expectConfigError(() => optionalAuth({ issuer: defaultIssuer } as RequireAuthOptions), 'audience');
  });

  it('refuses something that is neither options nor a verifier', () => {
    expectConfigError(() => requireAuth(undefined as unknown as AccessTokenVerifier), 'found undefined');
  });

  it.each([
    ['realm', { realm: '' }],
    ['allowQuery', { allowQuery: 'yes' }],
    ['allowBody', { allowBody: 1 }],
    ['scopes', { scopes: [] }],
    ['scopes[0]', { scopes: ['orders read'] }],
    ['scopeMatch', { scopeMatch: 'most' }],
    ['claims', { claims: {} }],
    ['claims.tier', { claims: { tier: { equals: 'gold' } } }],
    ['claims.groups', { claims: { groups: { includes: [] } } }],
  ])('names the adapter option %s when it has the wrong shape', (name, adapterOptions) => {
    const options = { ...trust(issuer.server('default')), ...adapterOptions } as RequireAuthOptions;
    expectConfigError(() => requireAuth(options), `requireAuth: \`${name}\``);
    expectConfigError(() => optionalAuth(options), `optionalAuth: \`${name}\``);
    const verifier = createAccessTokenVerifier(trust(issuer.server('default')));
    expectConfigError(
      () => requireAuth(verifier, adapterOptions as ExpressAuthOptions),
      `requireAuth: \`${name}\``,
    );
  });

  it.each([
    ['an empty list', [], '`scopes` must be a non-empty array'],
    ['a list with a non-string', ['orders:read', 42], '`scopes[1]` must be a scope token'],
    ['a list with an empty name', [''], '`scopes[0]` must be a scope token'],
    ['a name with a space (RFC 6749 §3.3)', ['orders read'], '`scopes[0]` must be a scope token'],
    ['a string instead of a list', 'orders:read', '`scopes` must be a non-empty array'],
    ['no list at all', undefined, '`scopes` is required'],
  ])('requireScopes refuses %s', (_case, scopes, naming) => {
    expectConfigError(() => requireScopes(scopes as string[]), `requireScopes: ${naming}`);
  });

  it('requireScopes refuses an unknown match mode', () => {
    expectConfigError(
      () => requireScopes(['orders:read'], { scopeMatch: 'most' as 'any' }),
      `requireScopes: \`scopeMatch\` must be 'all' or 'any'; found "most"`,
    );
  });

  it('requireClaims refuses requirements that name no claim, a malformed one, or none at all', () => {
    expectConfigError(() => requireClaims({}), 'requireClaims: `claims` must name at least one claim');
    expectConfigError(
      () => requireClaims({ tier: { equals: 'gold' } as unknown as string }),
      'requireClaims: `claims.tier` must be',
    );
    expectConfigError(
      () => requireClaims(undefined as unknown as Record<string, string>),
      'requireClaims: `claims` is required',
    );
  });

  it('builds the verifier without any network traffic', () => {
    issuer.resetCounts();
    requireAuth(trust(issuer.server('default')));
    expect(issuer.requestCount()).toBe(0);
  });
});

describe('adapter options after verifier options', () => {
  it('add to them: the scopes given second are required', async () => {
    const server = issuer.server('default');
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const req = {
      method: 'GET',
      originalUrl: '/orders',
      headers: { authorization: `Bearer ${token}` },
      rawHeaders: ['Authorization', `Bearer ${token}`],
      socket: { remoteAddress: '127.0.0.1' },
    } as unknown as Request;
    const run = (middleware: RequestHandler) =>
      new Promise((resolve) => middleware(req, {} as Response, resolve as NextFunction));
    expect(await run(requireAuth(trust(server), { scopes: ['orders:read'] }))).toBeUndefined();
    expect(await run(requireAuth(trust(server), { scopes: ['orders:write'] }))).toMatchObject({
      status: 403,
      oauthError: 'insufficient_scope',
    });
  });
});

import type { AccessTokenResult, AccessTokenVerifier } from '@tokenward/core';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import {
  authErrorHandler,
  isTokenwardError,
  optionalAuth,
  type RequireAuthOptions,
  requireAuth,
  requireClaims,
  requireScopes,
  type TokenwardAuth,
  TokenwardError,
} from '../src/index.js';

declare module '../src/index.js' {
  interface TokenwardClaims {
    tenant_id: string;
  }
}

// These assertions are checked by `tsc -p tsconfig.json`; a wrong type fails the type-check.
describe('types', () => {
  it('augments Express.Request with an optional, fixed auth property', () => {
    expectTypeOf<Request['auth']>().toEqualTypeOf<TokenwardAuth | undefined>();
    expectTypeOf<NonNullable<Request['auth']>['subject']>().toEqualTypeOf<AccessTokenResult['subject']>();
  });

  it('merges the claims declared in TokenwardClaims into req.auth.claims, like the Fastify adapter', () => {
    expectTypeOf<NonNullable<Request['auth']>['claims']['tenant_id']>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<Request['auth']>['claims']['sub']>().toEqualTypeOf<string>();
  });

  it('exports TokenwardError as a value and isTokenwardError as a type guard', () => {
    expectTypeOf(new TokenwardError('ERR_TOKEN_MISSING', 'none')).toEqualTypeOf<TokenwardError>();
    expectTypeOf(isTokenwardError).guards.toEqualTypeOf<TokenwardError>();
  });

  it('returns plain Express handlers', () => {
    expectTypeOf(requireAuth).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(optionalAuth).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireScopes).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireClaims).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(authErrorHandler).returns.toEqualTypeOf<ErrorRequestHandler>();
  });

  it('accepts verifier options with adapter options, or a verifier with adapter options', () => {
    expectTypeOf<{
      issuer: string;
      audience: string;
      realm: string;
      allowQuery: true;
    }>().toExtend<RequireAuthOptions>();
    expectTypeOf(requireAuth).toBeCallableWith({} as AccessTokenVerifier, { realm: 'orders-api' });
  });

  it('refuses misuse at compile time', () => {
    const verifier = {} as AccessTokenVerifier;
    const issuer = 'https://acme.okta.com/oauth2/default';
    const refused = [
      // @ts-expect-error scopes is a list, not a space-separated string
      () => requireScopes('orders:read'),
      // @ts-expect-error scopeMatch is 'all' or 'any'
      () => requireScopes(['orders:read'], { scopeMatch: 'some' }),
      // @ts-expect-error allowQuery is a boolean
      () => requireAuth(verifier, { allowQuery: 'yes' }),
      // @ts-expect-error scopeMatch is 'all' or 'any'
      () => requireAuth(verifier, { scopeMatch: 'most' }),
      // @ts-expect-error audience is required: tokens are checked for this API (no silent skip)
      () => requireAuth({ issuer }),
      // @ts-expect-error realm is a string
      () => requireAuth({ issuer, audience: 'api://default', realm: 1 }),
      // @ts-expect-error verifier options go to the verifier, not beside one
      () => requireAuth(verifier, { issuer }),
    ];
    expectTypeOf(refused).toBeArray();
  });
});

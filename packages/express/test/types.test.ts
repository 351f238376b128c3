import type { AccessTokenResult, AccessTokenVerifier } from '@tokenward/core';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import {
  authErrorHandler,
  optionalAuth,
  type RequireAuthOptions,
  requireAuth,
  requireClaims,
  requireScopes,
} from '../src/index.js';

// These assertions are checked by `tsc -p tsconfig.json`; a wrong type fails the type-check.
describe('types', () => {
  it('augments Express.Request with an optional, fixed auth property', () => {
    expectTypeOf<Request['auth']>().toEqualTypeOf<AccessTokenResult | undefined>();
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
      // @ts-expect-error match is 'all' or 'any'
      () => requireScopes(['orders:read'], { match: 'some' }),
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

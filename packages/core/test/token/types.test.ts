import { describe, expectTypeOf, it } from 'vitest';
import type * as webEntry from '../../src/index.js';
import type * as nodeEntry from '../../src/node.js';
import {
  type AccessTokenResult,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  checkClaims,
  checkScopes,
  createAccessTokenVerifier,
  type ErrorCode,
  type TokenwardError,
} from '../../src/node.js';

// These tests are checked by the compiler (`tsc -p tsconfig.json`); each @ts-expect-error must
// be an error, or compilation fails. The runtime assertions keep vitest honest.
describe('public types make misuse hard', () => {
  it('accepts one issuer or several', () => {
    expectTypeOf(createAccessTokenVerifier).parameter(0).toExtend<AccessTokenVerifierOptions>();
    expectTypeOf({
      issuer: 'https://a.example/oauth2/default',
      audience: 'api://a',
    }).toExtend<AccessTokenVerifierOptions>();
    expectTypeOf({
      issuers: [{ issuer: 'https://a.example/oauth2/default', audience: ['api://a'] }],
    }).toExtend<AccessTokenVerifierOptions>();
  });

  it('rejects issuer together with issuers, and a single issuer without audience', () => {
    const both = {
      issuer: 'https://a.example/oauth2/default',
      audience: 'api://a',
      issuers: [{ issuer: 'https://b.example/oauth2/default', audience: 'api://b' }],
    };
    // @ts-expect-error issuer and issuers are mutually exclusive
    const bothOptions: AccessTokenVerifierOptions = both;
    // @ts-expect-error audience is required with issuer
    const noAudience: AccessTokenVerifierOptions = { issuer: 'https://a.example/oauth2/default' };
    // @ts-expect-error audience belongs inside issuers entries
    const topAudience: AccessTokenVerifierOptions = { issuers: [], audience: 'api://a' };
    expectTypeOf([bothOptions, noAudience, topAudience]).toBeArray();
  });

  it("types typ as 'at+jwt' only and resultCache as { max } | false", () => {
    const base = { issuer: 'https://a.example/oauth2/default', audience: 'api://a' } as const;
    // @ts-expect-error only 'at+jwt' can be required
    const typ: AccessTokenVerifierOptions = { ...base, typ: 'JWT' };
    // @ts-expect-error resultCache: true is not an option (it is on by default)
    const cache: AccessTokenVerifierOptions = { ...base, resultCache: true };
    expectTypeOf([typ, cache]).toBeArray();
  });

  it("types verify's options: scopeMatch is 'all' | 'any'", () => {
    const verify = (verifier: AccessTokenVerifier) => {
      // @ts-expect-error 'some' is not a ScopeMatch
      void verifier.verify('t', { scopes: ['a'], scopeMatch: 'some' });
      // @ts-expect-error scopes is a list
      void verifier.verify('t', { scopes: 'a' });
      return verifier.verify('t', { scopes: ['a'], scopeMatch: 'any', claims: { tier: 'gold' } });
    };
    expectTypeOf(verify).returns.toEqualTypeOf<Promise<AccessTokenResult>>();
  });

  it('types the result as read-only', () => {
    expectTypeOf<AccessTokenResult['audience']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<AccessTokenResult['server']['kind']>().toEqualTypeOf<'org' | 'custom' | 'other'>();
    expectTypeOf<AccessTokenResult['clientId']>().toEqualTypeOf<string | undefined>();
    const mutate = (result: AccessTokenResult) => {
      // @ts-expect-error results are read-only
      result.subject = 'mallory';
    };
    expectTypeOf(mutate).toBeFunction();
  });

  it('narrows error codes', () => {
    expectTypeOf<TokenwardError['code']>().toEqualTypeOf<ErrorCode>();
    // @ts-expect-error not a code
    const code: ErrorCode = 'ERR_NOPE';
    expectTypeOf(code).toBeString();
  });

  it('types the helpers the adapters use', () => {
    expectTypeOf(checkScopes).parameters.toEqualTypeOf<
      [{ readonly scopes: readonly string[] }, readonly string[], ('all' | 'any')?]
    >();
    expectTypeOf(checkClaims).returns.toEqualTypeOf<void>();
  });

  it('exports the same names from both entries; only Node takes a dispatcher', () => {
    expectTypeOf<keyof typeof webEntry>().toEqualTypeOf<keyof typeof nodeEntry>();
    const web: webEntry.AccessTokenVerifierOptions = {
      issuer: 'https://a.example/oauth2/default',
      audience: 'api://a',
      // @ts-expect-error the default entry has no undici dispatcher
      dispatcher: {},
    };
    expectTypeOf(web).toBeObject();
  });
});

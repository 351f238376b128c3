import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as webEntry from '../../src/index.js';
import type {
  IdTokenProfile,
  IdTokenResult,
  IdTokenVerifier,
  IdTokenVerifierOptions,
  VerifyIdTokenOptions,
} from '../../src/index.js';
import type * as nodeEntry from '../../src/node.js';

// Checked by the compiler (`tsc -p tsconfig.json`): each @ts-expect-error must be an error.
describe('ID-token public types', () => {
  it('both entries make the same verifier; the Node entry also takes an undici dispatcher', () => {
    expectTypeOf<ReturnType<typeof webEntry.createIdTokenVerifier>>().toEqualTypeOf<IdTokenVerifier>();
    expectTypeOf<ReturnType<typeof nodeEntry.createIdTokenVerifier>>().toEqualTypeOf<IdTokenVerifier>();
    expectTypeOf<nodeEntry.IdTokenVerifierOptions>().toEqualTypeOf<
      IdTokenVerifierOptions & nodeEntry.NodeTransportOptions
    >();
  });

  it('requires issuer and clientId, and has no access-token-only options', () => {
    const valid: IdTokenVerifierOptions = { issuer: 'https://a.example', clientId: '0oa1' };
    // @ts-expect-error clientId is required
    const noClient: IdTokenVerifierOptions = { issuer: 'https://a.example' };
    // @ts-expect-error audience is an access-token option; ID tokens name the client
    const withAudience: IdTokenVerifierOptions = { ...valid, audience: 'api://a' };
    // @ts-expect-error the org-server rule does not apply to ID tokens
    const withOrgRules: IdTokenVerifierOptions = { ...valid, orgServerRules: false };
    expect([valid, noClient, withAudience, withOrgRules]).toHaveLength(4);
  });

  it('types verify options: seconds for maxAge, a list for acrValues', () => {
    expectTypeOf<VerifyIdTokenOptions['maxAge']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<VerifyIdTokenOptions['acrValues']>().toEqualTypeOf<readonly string[] | undefined>();
    // @ts-expect-error acrValues is a list, not a space-separated string
    const spaced: VerifyIdTokenOptions = { acrValues: 'phr phrh' };
    expect(spaced).toBeDefined();
  });

  it('types the result: dates for times, booleans for verified flags, read-only everything', () => {
    expectTypeOf<IdTokenResult['expiresAt']>().toEqualTypeOf<Date>();
    expectTypeOf<IdTokenResult['authTime']>().toEqualTypeOf<Date | undefined>();
    expectTypeOf<IdTokenProfile['emailVerified']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<IdTokenProfile['updatedAt']>().toEqualTypeOf<Date | undefined>();
    expectTypeOf<IdTokenResult['claims']['iat']>().toEqualTypeOf<number>();
    const mutate = (result: IdTokenResult) => {
      // @ts-expect-error results are read-only
      result.subject = 'mallory';
    };
    expect(mutate).toBeTypeOf('function');
  });
});

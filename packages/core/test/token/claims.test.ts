import { describe, expect, it } from 'vitest';
import { checkClaimTypes, checkLifetime, VENDOR_REQUIRED } from '../../src/lib/checks/claim-values.js';
import {
  audienceList,
  checkAccessTokenType,
  checkAudience,
  checkRequiredClaims,
  checkTimes,
  type TimePolicy,
} from '../../src/lib/checks/claims.js';
import type { AccessTokenClaims } from '../../src/types.js';
import { failureOf } from './helpers.js';

const NOW = 1_700_000_000;
const nowMs = NOW * 1000;
const claims = (extra: Record<string, unknown> = {}): AccessTokenClaims =>
  ({
    iss: 'https://a.example/oauth2/default',
    sub: 'alice',
    aud: 'api://default',
    exp: NOW + 300,
    cid: 'c',
    ...extra,
  }) as AccessTokenClaims;
const policy: TimePolicy = { clockTolerance: 30, maxTokenAge: undefined };

describe('checkClaimTypes (JOSE-15, AT-1)', () => {
  it('passes registered claims of the right types', () => {
    const payload = claims({
      nbf: NOW,
      iat: NOW,
      jti: 'j',
      scp: ['a', 'b'],
      scope: 'b a',
      client_id: 'c',
      aud: ['x', 'y'],
    });
    expect(checkClaimTypes(payload)).toBe(payload);
  });

  it.each(['exp', 'sub', 'aud'])('requires %s', async (name) => {
    const payload: Record<string, unknown> = claims();
    delete payload[name];
    expect(await failureOf(() => checkClaimTypes(payload))).toEqual({
      code: 'ERR_CLAIM_MISSING',
      message: `token has no "${name}" claim; access tokens must carry it`,
    });
  });

  it.each([
    ['exp', '1700000300', 'NumericDate'],
    ['exp', null, 'NumericDate'],
    ['exp', Number.POSITIVE_INFINITY, 'NumericDate'],
    ['exp', 1e20, 'NumericDate'],
    ['exp', -1, 'NumericDate'],
    ['nbf', '0', 'NumericDate'],
    ['iat', true, 'NumericDate'],
    ['iat', 8_640_000_000_001, 'NumericDate'],
    ['auth_time', -5, 'NumericDate'],
    ['sub', 42, 'non-empty string'],
    ['sub', '', 'non-empty string'],
    ['azp', '', 'non-empty string'],
    ['aud', 42, 'string or string array'],
    ['aud', ['ok', 42], 'string or string array'],
    ['jti', 1, 'string'],
    ['scp', 'orders:read', 'string array'],
    ['scp', [1], 'string array'],
    ['scope', ['a'], 'string'],
    ['cid', 1, 'non-empty string'],
    ['cid', '', 'non-empty string'],
    ['client_id', {}, 'non-empty string'],
  ])('refuses %s = %j (ERR_CLAIM_INVALID)', async (name, value, type) => {
    const failure = await failureOf(() => checkClaimTypes(claims({ [name]: value })));
    expect(failure.code).toBe('ERR_CLAIM_INVALID');
    expect(failure.message).toMatch(
      new RegExp(`^claim "${name}" must be a ${type}(?: \\(seconds, 0 to 8640000000000\\))?; found `),
    );
  });
});

describe('checkClaimTypes: presence and agreement (AT-1)', () => {
  it('requires iat when the vendor-shaped list asks for it (RFC 9068 §2.2)', async () => {
    expect(await failureOf(() => checkClaimTypes(claims(), VENDOR_REQUIRED))).toEqual({
      code: 'ERR_CLAIM_MISSING',
      message: 'token has no "iat" claim; access tokens must carry it',
    });
    expect(checkClaimTypes(claims({ iat: NOW }), VENDOR_REQUIRED).iat).toBe(NOW);
  });

  it('refuses scp and scope that grant different scopes, and accepts the same set in any order', async () => {
    expect((await failureOf(() => checkClaimTypes(claims({ scp: ['a'], scope: 'a admin' })))).code).toBe(
      'ERR_CLAIM_INVALID',
    );
    expect((await failureOf(() => checkClaimTypes(claims({ scp: ['a', 'b'], scope: 'a' })))).code).toBe(
      'ERR_CLAIM_INVALID',
    );
    expect(() => checkClaimTypes(claims({ scp: ['a', 'b'], scope: 'b  a' }))).not.toThrow();
  });

  it.each([
    ['cid', { azp: 'other' }],
    ['client_id', { cid: undefined, client_id: 'c', azp: 'other' }],
  ])('refuses an azp naming another client than %s (AT-1, BCP-12)', async (name, extra) => {
    expect(await failureOf(() => checkClaimTypes(claims(extra)))).toEqual({
      code: 'ERR_CLAIM_INVALID',
      message: `expected claim "azp", when present, to name the client of "${name}" ("c"); found "other"`,
    });
  });

  it('accepts an azp naming the same client, or alone (AT-1)', () => {
    expect(() => checkClaimTypes(claims({ azp: 'c' }))).not.toThrow();
    expect(() => checkClaimTypes(claims({ cid: undefined, azp: 'c' }))).not.toThrow();
  });
});

describe('checkLifetime (maxTokenLifetime)', () => {
  it('refuses a token living longer than the limit from iat to exp, and needs iat', async () => {
    expect(() => checkLifetime(claims({ iat: NOW, exp: NOW + 3600 }), 3600)).not.toThrow();
    expect(await failureOf(() => checkLifetime(claims({ iat: NOW, exp: NOW + 3601 }), 3600))).toEqual({
      code: 'ERR_CLAIM_INVALID',
      message: 'token lives 3601 s from "iat" to "exp"; at most 3600 s are accepted (maxTokenLifetime)',
    });
    expect((await failureOf(() => checkLifetime(claims(), 3600))).code).toBe('ERR_CLAIM_MISSING');
    expect(() => checkLifetime(claims({ iat: NOW, exp: NOW + 10 ** 9 }), undefined)).not.toThrow();
  });
});

describe('checkTimes with an injected clock (JOSE-15, AT-7)', () => {
  const at = (seconds: number) => seconds * 1000;

  it('accepts a token before exp', () => {
    expect(() => checkTimes(claims({ exp: NOW + 1 }), nowMs, { ...policy, clockTolerance: 0 })).not.toThrow();
  });

  it('refuses a token at or after exp without tolerance', async () => {
    const failure = await failureOf(() =>
      checkTimes(claims({ exp: NOW }), nowMs, { ...policy, clockTolerance: 0 }),
    );
    expect(failure.code).toBe('ERR_TOKEN_EXPIRED');
    expect(failure.message).toBe(
      'token expired at 2023-11-14T22:13:20.000Z; now is 2023-11-14T22:13:20.000Z (clock tolerance 0 s)',
    );
  });

  it('accepts an expired token within the tolerance and refuses it past the tolerance', async () => {
    const token = claims({ exp: NOW - 29 });
    expect(() => checkTimes(token, nowMs, policy)).not.toThrow();
    expect((await failureOf(() => checkTimes(token, at(NOW + 1), policy))).code).toBe('ERR_TOKEN_EXPIRED');
  });

  it('refuses nbf in the future beyond the tolerance only', async () => {
    expect(() => checkTimes(claims({ nbf: NOW + 30 }), nowMs, policy)).not.toThrow();
    const failure = await failureOf(() => checkTimes(claims({ nbf: NOW + 31 }), nowMs, policy));
    expect(failure.code).toBe('ERR_TOKEN_NOT_YET_VALID');
    expect(failure.message).toMatch(/not valid before/);
  });

  it('refuses iat in the future beyond the tolerance only', async () => {
    expect(() => checkTimes(claims({ iat: NOW + 30 }), nowMs, policy)).not.toThrow();
    const failure = await failureOf(() => checkTimes(claims({ iat: NOW + 31 }), nowMs, policy));
    expect(failure.code).toBe('ERR_TOKEN_NOT_YET_VALID');
    expect(failure.message).toMatch(/issued in the future/);
  });

  it('applies maxTokenAge from iat, with the tolerance', async () => {
    const aged = { clockTolerance: 10, maxTokenAge: 60 };
    expect(() => checkTimes(claims({ iat: NOW - 70 }), nowMs, aged)).not.toThrow();
    const failure = await failureOf(() => checkTimes(claims({ iat: NOW - 71 }), nowMs, aged));
    expect(failure.code).toBe('ERR_TOKEN_EXPIRED');
    expect(failure.message).toMatch(/more than maxTokenAge \(60 s\) ago/);
  });

  it('requires iat when maxTokenAge is set', async () => {
    expect(
      await failureOf(() => checkTimes(claims(), nowMs, { clockTolerance: 0, maxTokenAge: 60 })),
    ).toEqual({
      code: 'ERR_CLAIM_MISSING',
      message: 'token has no "iat" claim, needed to check maxTokenAge',
    });
  });
});

describe('checkAudience (BCP-9, AT-5)', () => {
  it('accepts a string aud or an array containing an expected audience', () => {
    expect(() =>
      checkAudience(audienceList(claims({ aud: 'api://default' })), ['api://default']),
    ).not.toThrow();
    expect(() =>
      checkAudience(audienceList(claims({ aud: ['x', 'api://b'] })), ['api://a', 'api://b']),
    ).not.toThrow();
  });

  it('refuses another audience, saying expected and found', async () => {
    expect(await failureOf(() => checkAudience(['api://payments'], ['api://default']))).toEqual({
      code: 'ERR_AUDIENCE_MISMATCH',
      message: 'expected aud "api://default"; found "api://payments"',
    });
  });

  it('refuses an empty aud array', async () => {
    expect((await failureOf(() => checkAudience([], ['api://default']))).message).toMatch(
      /found an empty list/,
    );
  });

  it('compares exactly: no case folding or trailing-slash games (JOSE-15)', async () => {
    expect((await failureOf(() => checkAudience(['API://default'], ['api://default']))).code).toBe(
      'ERR_AUDIENCE_MISMATCH',
    );
    expect((await failureOf(() => checkAudience(['api://default/'], ['api://default']))).code).toBe(
      'ERR_AUDIENCE_MISMATCH',
    );
  });
});

describe('checkAccessTokenType (AT-2, AT-10, BCP-12, OK-2)', () => {
  const custom = { requireAtJwt: false, serverKind: 'custom' as const };
  const typed = { requireAtJwt: true, serverKind: 'custom' as const };
  const other = { requireAtJwt: false, serverKind: 'other' as const };

  it.each([undefined, 'JWT', 'jwt', 'application/jwt', 'at+jwt', 'at+JWT', 'application/at+jwt'])(
    'accepts typ %s by default',
    (typ) => {
      expect(() =>
        checkAccessTokenType({ alg: 'RS256', ...(typ ? { typ } : {}) }, claims(), custom),
      ).not.toThrow();
    },
  );

  it.each(['dpop+jwt', 'logout+jwt', 'id_token+jwt', 'secevent+jwt', 'JOSE'])(
    'refuses typ %s',
    async (typ) => {
      const failure = await failureOf(() => checkAccessTokenType({ alg: 'RS256', typ }, claims(), custom));
      expect(failure.code).toBe('ERR_TYPE_INVALID');
      expect(failure.message).toMatch(/expected header typ "at\+jwt", "JWT" or none/);
    },
  );

  it.each(['at+jwt', 'AT+JWT', 'application/at+jwt'])(
    "accepts typ %s when typ: 'at+jwt' is required",
    (typ) => {
      expect(() =>
        checkAccessTokenType({ alg: 'RS256', typ }, claims({ cid: undefined }), typed),
      ).not.toThrow();
    },
  );

  it.each([undefined, 'JWT'])("refuses typ %s when typ: 'at+jwt' is required (AT-2)", async (typ) => {
    const failure = await failureOf(() =>
      checkAccessTokenType({ alg: 'RS256', ...(typ ? { typ } : {}) }, claims(), typed),
    );
    expect(failure.code).toBe('ERR_TYPE_INVALID');
    expect(failure.message).toMatch(/expected header typ "at\+jwt" \(RFC 9068 section 4\)/);
  });

  it.each(['nonce', 'at_hash', 'c_hash'])(
    'refuses a token carrying the ID-token claim %s, whatever its typ',
    async (name) => {
      for (const policy of [custom, typed, other]) {
        const failure = await failureOf(() =>
          checkAccessTokenType({ alg: 'RS256', typ: 'at+jwt' }, claims({ [name]: 'x' }), policy),
        );
        expect(failure.code).toBe('ERR_TYPE_INVALID');
        expect(failure.message).toContain(`"${name}", a claim of ID tokens`);
      }
    },
  );

  it("refuses a vendor-server token without cid/client_id (the vendor's ID tokens have none)", async () => {
    const idTokenLike = claims({ cid: undefined, amr: ['pwd'], idp: 'x', auth_time: NOW });
    const failure = await failureOf(() =>
      checkAccessTokenType({ alg: 'RS256', typ: 'JWT' }, idTokenLike, custom),
    );
    expect(failure.code).toBe('ERR_TYPE_INVALID');
    expect(failure.message).toMatch(/no client id/);
    expect(() =>
      checkAccessTokenType({ alg: 'RS256' }, claims({ cid: undefined, client_id: 'c' }), custom),
    ).not.toThrow();
  });

  it('does not ask other vendors for a client id', () => {
    expect(() => checkAccessTokenType({ alg: 'RS256' }, claims({ cid: undefined }), other)).not.toThrow();
  });
});

describe('checkRequiredClaims', () => {
  it('passes when every named claim is present and names the first missing one', async () => {
    expect(() => checkRequiredClaims(claims({ jti: 'j' }), ['jti', 'sub'])).not.toThrow();
    expect(await failureOf(() => checkRequiredClaims(claims(), ['sub', 'jti']))).toEqual({
      code: 'ERR_CLAIM_MISSING',
      message: 'token has no "jti" claim, which requiredClaims lists',
    });
  });

  it('does not take inherited members for claims', async () => {
    expect((await failureOf(() => checkRequiredClaims(claims(), ['constructor']))).code).toBe(
      'ERR_CLAIM_MISSING',
    );
  });
});

import {
  type AuthServer,
  type IdTokenMintOptions,
  type ReferenceIssuer,
  startIssuer,
} from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdTokenVerifier, type IdTokenVerifierOptions } from '../../src/index.js';
import { manualClock, rejectionOf, SPA_CLIENT } from './support.js';

let org: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
});
afterAll(() => org.close());

/** A verifier with a hand-moved clock, and a minter that issues at that clock's time. */
function setup(extra: Partial<IdTokenVerifierOptions> = {}) {
  const clock = manualClock();
  const verifier = createIdTokenVerifier({
    issuer: server.issuer,
    clientId: SPA_CLIENT,
    clock: clock.now,
    ...extra,
  });
  const mint = (claims: Record<string, unknown> = {}, options: IdTokenMintOptions = {}) =>
    server.mintIdToken(claims, { now: clock.seconds(), ...options });
  return { verifier, clock, mint };
}

describe('required ID-token claims and their types (IDT-12)', () => {
  it.each(['sub', 'aud', 'exp', 'iat'])('refuses a token without "%s"', async (claim) => {
    const { verifier, mint } = setup();
    expect(await rejectionOf(verifier.verify(await mint({}, { omit: [claim] })))).toEqual({
      code: 'ERR_CLAIM_MISSING',
      status: 401,
      message: `token has no "${claim}" claim; ID tokens must carry it (OIDC Core section 2)`,
    });
  });

  it('refuses a token without "iss" before looking for a key (IDT-2)', async () => {
    const { verifier, mint } = setup();
    expect(await rejectionOf(verifier.verify(await mint({}, { omit: ['iss'] })))).toMatchObject({
      code: 'ERR_CLAIM_MISSING',
      message: 'token has no "iss" claim',
    });
  });

  it.each([
    [
      'a sub of 256 characters',
      { sub: 'a'.repeat(256) },
      'claim "sub" must be 1 to 255 printable ASCII characters',
    ],
    ['a non-ASCII sub', { sub: 'ålice' }, 'claim "sub" must be 1 to 255 printable ASCII characters'],
    ['an empty sub', { sub: '' }, 'claim "sub" must be a non-empty string; found an empty string'],
    ['a numeric sub', { sub: 42 }, 'claim "sub" must be a non-empty string; found number'],
    ['a numeric nonce', { nonce: 7 }, 'claim "nonce" must be a string; found number'],
    [
      'an auth_time string',
      { auth_time: '1700000000' },
      'claim "auth_time" must be a NumericDate (seconds, 0 to 8640000000000); found string',
    ],
    [
      'an auth_time past what a Date can hold',
      { auth_time: 1e20 },
      'claim "auth_time" must be a NumericDate',
    ],
    ['an amr string', { amr: 'pwd' }, 'claim "amr" must be a string array; found string'],
    ['an azp array', { azp: [SPA_CLIENT] }, 'claim "azp" must be a non-empty string; found an array'],
    ['an empty azp', { azp: '' }, 'claim "azp" must be a non-empty string; found an empty string'],
    [
      'an iat string',
      { iat: 'yesterday' },
      'claim "iat" must be a NumericDate (seconds, 0 to 8640000000000); found string',
    ],
    ['a negative exp', { exp: -1 }, 'claim "exp" must be a NumericDate'],
  ])('refuses %s with ERR_CLAIM_INVALID', async (_label, claims, message) => {
    const { verifier, mint } = setup();
    const failure = await rejectionOf(verifier.verify(await mint(claims)));
    expect(failure.code).toBe('ERR_CLAIM_INVALID');
    expect(failure.message).toContain(message);
  });

  it('accepts a sub of exactly 255 ASCII characters', async () => {
    const { verifier, mint } = setup();
    const sub = 'u'.repeat(255);
    expect((await verifier.verify(await mint({ sub }))).subject).toBe(sub);
  });

  it('enforces requiredClaims on top of the OIDC ones', async () => {
    const { verifier, mint } = setup({ requiredClaims: ['sid'] });
    expect(await rejectionOf(verifier.verify(await mint()))).toMatchObject({ code: 'ERR_CLAIM_MISSING' });
    expect((await verifier.verify(await mint({ sid: 'session-1' }))).claims.sid).toBe('session-1');
  });
});

describe('time (IDT-7)', () => {
  it('refuses a token past exp plus the 30 s tolerance and accepts one within it', async () => {
    const { verifier, clock, mint } = setup();
    const token = await mint({}, { expiresIn: 60 });
    clock.advance(89);
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: expect.any(String) });
    clock.advance(2);
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });

  it('refuses a token issued in the future beyond the tolerance', async () => {
    const { verifier, clock, mint } = setup();
    const failure = await rejectionOf(verifier.verify(await mint({}, { issuedAt: clock.seconds() + 120 })));
    expect(failure.code).toBe('ERR_TOKEN_NOT_YET_VALID');
  });

  it('refuses a token older than maxTokenAge (iat, IDT-7)', async () => {
    const { verifier, clock, mint } = setup({ maxTokenAge: 300 });
    const token = await mint();
    clock.advance(300 + 30 + 1);
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });
});

describe('audience and authorized party (IDT-3, IDT-4)', () => {
  it('refuses a token issued to another client', async () => {
    const { verifier, mint } = setup();
    expect(await rejectionOf(verifier.verify(await mint({}, { clientId: 'other-client' })))).toEqual({
      code: 'ERR_AUDIENCE_MISMATCH',
      status: 401,
      message: 'expected aud to contain the client id "spa-client"; found "other-client"',
    });
  });

  it('refuses an aud that also names an audience the client does not trust', async () => {
    const { verifier, mint } = setup();
    const token = await mint({ azp: SPA_CLIENT }, { audience: [SPA_CLIENT, 'api://default'] });
    const failure = await rejectionOf(verifier.verify(token));
    expect(failure.code).toBe('ERR_AUDIENCE_MISMATCH');
    expect(failure.message).toContain(
      'aud also names "api://default", an audience this client does not trust',
    );
  });

  it('accepts trusted extra audiences when azp names the client', async () => {
    const { verifier, mint } = setup({ trustedAudiences: ['api://default'] });
    const token = await mint({ azp: SPA_CLIENT }, { audience: [SPA_CLIENT, 'api://default'] });
    const result = await verifier.verify(token);
    expect(result.audience).toEqual([SPA_CLIENT, 'api://default']);
    expect(result.authorizedParty).toBe(SPA_CLIENT);
  });

  it('requires azp when there are several audiences', async () => {
    const { verifier, mint } = setup({ trustedAudiences: ['api://default'] });
    const token = await mint({}, { audience: [SPA_CLIENT, 'api://default'] });
    const failure = await rejectionOf(verifier.verify(token));
    expect(failure.code).toBe('ERR_CLAIM_MISSING');
    expect(failure.message).toContain('no "azp" claim');
  });

  it('refuses an azp naming another client, even with a single audience', async () => {
    const { verifier, mint } = setup();
    expect(await rejectionOf(verifier.verify(await mint({ azp: 'other-client' })))).toEqual({
      code: 'ERR_CLAIM_INVALID',
      status: 401,
      message: 'expected azp "spa-client"; found "other-client" (OIDC Core section 3.1.3.7 step 5)',
    });
  });
});

describe('an access token is not an ID token (AT-10, OK-2)', () => {
  it.each([
    ['typ at+jwt', {}, { typ: 'at+jwt' }, 'header typ "at+jwt" marks an access token'],
    ['typ application/at+jwt', {}, { typ: 'application/at+jwt' }, 'marks an access token'],
    ['another typ', {}, { typ: 'logout+jwt' }, 'expected header typ "JWT" or none for an ID token'],
    ['cid', { cid: SPA_CLIENT }, {}, '"cid", a claim of access tokens'],
    ['client_id', { client_id: SPA_CLIENT }, {}, '"client_id", a claim of access tokens'],
    ['scp', { scp: ['openid'] }, {}, '"scp", a claim of access tokens'],
    ['scope', { scope: 'openid' }, {}, '"scope", a claim of access tokens'],
  ])('refuses a token with %s as ERR_TYPE_INVALID', async (_label, claims, options, message) => {
    const { verifier, mint } = setup();
    const failure = await rejectionOf(verifier.verify(await mint(claims, options)));
    expect(failure.code).toBe('ERR_TYPE_INVALID');
    expect(failure.message).toContain(message);
  });

  it('refuses an access token even when its aud is the client id', async () => {
    const { verifier } = setup();
    const token = await server.mintAccessToken({ sub: 'alice' }, { audience: SPA_CLIENT });
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({ code: 'ERR_TYPE_INVALID' });
  });

  it.each([
    ['no typ', null],
    ['typ JWT', 'JWT'],
    ['typ application/jwt', 'application/jwt'],
  ])('accepts an ID token with %s', async (_label, typ) => {
    const { verifier, mint } = setup();
    await expect(verifier.verify(await mint({}, { typ }))).resolves.toMatchObject({ audience: [SPA_CLIENT] });
  });
});

describe('profile claims (OIDC Core §5.1)', () => {
  it('exposes the standard claims in camelCase with their types', async () => {
    const { verifier, mint } = setup();
    const token = await mint({
      sub: 'user-1',
      given_name: 'Ada',
      family_name: 'Lovelace',
      locale: 'en-GB',
      phone_number: '+44 20 7946 0000',
      phone_number_verified: false,
      address: { street_address: '12 St James Square', locality: 'London', country: 'UK' },
      updated_at: 1_700_000_000,
    });
    expect((await verifier.verify(token)).profile).toEqual({
      givenName: 'Ada',
      familyName: 'Lovelace',
      locale: 'en-GB',
      phoneNumber: '+44 20 7946 0000',
      phoneNumberVerified: false,
      address: { streetAddress: '12 St James Square', locality: 'London', country: 'UK' },
      updatedAt: new Date(1_700_000_000_000),
    });
  });

  it.each([
    ['email_verified as a string', { email_verified: 'true' }, 'claim "email_verified" must be a boolean'],
    ['a numeric email', { email: 1 }, 'claim "email" must be a string'],
    ['an address string', { address: 'London' }, 'claim "address" must be an object'],
    [
      'a numeric address member',
      { address: { postal_code: 12345 } },
      'claim "address.postal_code" must be a string',
    ],
    ['updated_at as a date string', { updated_at: '2024-01-01' }, 'claim "updated_at" must be a number'],
  ])('refuses %s with ERR_CLAIM_INVALID', async (_label, claims, message) => {
    const { verifier, mint } = setup();
    const failure = await rejectionOf(verifier.verify(await mint(claims)));
    expect(failure.code).toBe('ERR_CLAIM_INVALID');
    expect(failure.message).toContain(message);
  });
});

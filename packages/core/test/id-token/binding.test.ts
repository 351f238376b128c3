import { createHash } from 'node:crypto';
import {
  type AuthServer,
  type IdTokenMintOptions,
  type ReferenceIssuer,
  type SigningAlg,
  startIssuer,
} from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdTokenVerifier } from '../../src/index.js';
import { manualClock, rejectionOf, SPA_CLIENT } from './support.js';

let org: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
  // Every algorithm the reference issuer signs with, published before any verifier loads keys.
  for (const alg of ['ES256', 'PS256', 'EdDSA'] as const) server.addKey(alg);
});
afterAll(() => org.close());

const ACCESS_TOKEN = 'eyJraWQiOiJrMSJ9.eyJzdWIiOiJhbGljZSJ9.access-token-signature';
const CODE = 'SplxlOBeZQQYbYS6WxSbIA';

function setup(algorithms: SigningAlg[] = ['RS256']) {
  const clock = manualClock();
  const verifier = createIdTokenVerifier({
    issuer: server.issuer,
    clientId: SPA_CLIENT,
    clock: clock.now,
    algorithms,
  });
  const mint = (claims: Record<string, unknown> = {}, options: IdTokenMintOptions = {}) =>
    server.mintIdToken(claims, { now: clock.seconds(), ...options });
  return { verifier, clock, mint };
}

describe('nonce (IDT-8)', () => {
  it('accepts the nonce that was sent and reports it', async () => {
    const { verifier, mint } = setup();
    expect(
      (await verifier.verify(await mint({ nonce: 'n-0S6_WzA2Mj' }), { nonce: 'n-0S6_WzA2Mj' })).nonce,
    ).toBe('n-0S6_WzA2Mj');
  });

  it('compares exactly: a nonce differing in case is another nonce', async () => {
    const { verifier, mint } = setup();
    const failure = await rejectionOf(
      verifier.verify(await mint({ nonce: 'N-0S6_WZA2MJ' }), { nonce: 'n-0S6_WzA2Mj' }),
    );
    expect(failure.code).toBe('ERR_NONCE_MISMATCH');
  });

  it('refuses a token without a nonce when one was sent', async () => {
    const { verifier, mint } = setup();
    expect(await rejectionOf(verifier.verify(await mint(), { nonce: 'n-1' }))).toEqual({
      code: 'ERR_NONCE_MISMATCH',
      status: 401,
      message:
        'expected the nonce sent in the authentication request; the token carries no "nonce" (OIDC Core section 3.1.3.7 step 11)',
    });
  });

  it('refuses a token carrying a nonce when verify expects none: it answers another request (§15.5.2)', async () => {
    const { verifier, mint } = setup();
    const failure = await rejectionOf(verifier.verify(await mint({ nonce: 'n-1' })));
    expect(failure.code).toBe('ERR_NONCE_MISMATCH');
    expect(failure.message).toContain('token carries a "nonce" but verify was given none');
  });

  it('accepts a token without a nonce when none was sent (code flow without nonce)', async () => {
    const { verifier, mint } = setup();
    expect((await verifier.verify(await mint())).nonce).toBeUndefined();
  });

  it('never shows either nonce in the message', async () => {
    const { verifier, mint } = setup();
    const failure = await rejectionOf(
      verifier.verify(await mint({ nonce: 'token-nonce' }), { nonce: 'sent-nonce' }),
    );
    expect(failure.message).not.toMatch(/token-nonce|sent-nonce/);
  });
});

describe('at_hash with the hash of each signing algorithm (IDT-10)', () => {
  // SHA-256 halves are 16 bytes (22 base64url characters); EdDSA's SHA-512 halves are 32 (43).
  it.each([
    ['RS256', 22],
    ['ES256', 22],
    ['PS256', 22],
    ['EdDSA', 43],
  ] as const)('%s: accepts the matching access token and refuses another', async (alg, length) => {
    const { verifier, mint } = setup([alg]);
    const token = await mint({}, { alg, accessToken: ACCESS_TOKEN });
    const result = await verifier.verify(token, { accessToken: ACCESS_TOKEN });
    expect(result.header.alg).toBe(alg);
    expect(result.claims.at_hash).toHaveLength(length);
    const failure = await rejectionOf(verifier.verify(token, { accessToken: `${ACCESS_TOKEN}x` }));
    expect(failure).toMatchObject({ code: 'ERR_AT_HASH_MISMATCH', status: 401 });
    expect(failure.message).toContain(`per alg ${alg}`);
  });

  it('refuses an EdDSA token whose at_hash was made with SHA-256', async () => {
    const { verifier, mint } = setup(['EdDSA']);
    const sha256Half = createHash('sha256')
      .update(ACCESS_TOKEN)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    const token = await mint({ at_hash: sha256Half }, { alg: 'EdDSA' });
    expect(await rejectionOf(verifier.verify(token, { accessToken: ACCESS_TOKEN }))).toMatchObject({
      code: 'ERR_AT_HASH_MISMATCH',
    });
  });

  it('does not require at_hash in the code flow (OIDC Core §3.1.3.8)', async () => {
    const { verifier, mint } = setup();
    await expect(verifier.verify(await mint(), { accessToken: ACCESS_TOKEN })).resolves.toBeDefined();
  });

  it('checks at_hash only when the access token is given', async () => {
    const { verifier, mint } = setup();
    await expect(verifier.verify(await mint({}, { accessToken: 'some other token' }))).resolves.toBeDefined();
  });
});

describe('c_hash (IDT-11)', () => {
  it.each(['RS256', 'EdDSA'] as const)('%s: accepts the matching code and refuses another', async (alg) => {
    const { verifier, mint } = setup([alg]);
    const token = await mint({}, { alg, code: CODE });
    await expect(verifier.verify(token, { code: CODE })).resolves.toBeDefined();
    const failure = await rejectionOf(verifier.verify(token, { code: 'another-code' }));
    expect(failure.code).toBe('ERR_C_HASH_MISMATCH');
    expect(failure.message).toContain('does not match the authorization code given to verify');
  });

  it('checks at_hash and c_hash together, each against its own value', async () => {
    const { verifier, mint } = setup();
    const token = await mint({}, { accessToken: ACCESS_TOKEN, code: CODE });
    await expect(verifier.verify(token, { accessToken: ACCESS_TOKEN, code: CODE })).resolves.toBeDefined();
    expect(await rejectionOf(verifier.verify(token, { accessToken: CODE, code: CODE }))).toMatchObject({
      code: 'ERR_AT_HASH_MISMATCH',
    });
    expect(
      await rejectionOf(verifier.verify(token, { accessToken: ACCESS_TOKEN, code: ACCESS_TOKEN })),
    ).toMatchObject({ code: 'ERR_C_HASH_MISMATCH' });
  });
});

describe('auth_time and maxAge (IDT-9)', () => {
  it('accepts an authentication up to maxAge plus the 30 s tolerance ago, then refuses it', async () => {
    const { verifier, clock, mint } = setup();
    const token = await mint({ auth_time: clock.seconds() }, { expiresIn: 3600 });
    clock.advance(300 + 30);
    expect((await verifier.verify(token, { maxAge: 300 })).authTime).toEqual(
      new Date((clock.seconds() - 330) * 1000),
    );
    clock.advance(1);
    const failure = await rejectionOf(verifier.verify(token, { maxAge: 300 }));
    expect(failure.code).toBe('ERR_AUTH_TIME_TOO_OLD');
    expect(failure.message).toContain('the user authenticated 331 s ago, longer than maxAge (300 s');
  });

  it('requires auth_time when maxAge is given (OIDC Core §3.1.2.1)', async () => {
    const { verifier, mint } = setup();
    const token = await mint({}, { omit: ['auth_time'] });
    await expect(verifier.verify(token)).resolves.toBeDefined();
    expect(await rejectionOf(verifier.verify(token, { maxAge: 600 }))).toMatchObject({
      code: 'ERR_CLAIM_MISSING',
      message:
        'token has no "auth_time" claim, which is required when maxAge is given (OIDC Core section 3.1.2.1)',
    });
  });

  it('accepts maxAge 0 right after authentication, within the tolerance', async () => {
    const { verifier, clock, mint } = setup();
    const token = await mint({ auth_time: clock.seconds() });
    clock.advance(10);
    await expect(verifier.verify(token, { maxAge: 0 })).resolves.toBeDefined();
  });
});

describe('acr (IDT-9)', () => {
  const twoFactor = 'urn:okta:loa:2fa:any';

  it('accepts an acr among the requested values', async () => {
    const { verifier, mint } = setup();
    const result = await verifier.verify(await mint({ acr: twoFactor }), { acrValues: ['phr', twoFactor] });
    expect(result.acr).toBe(twoFactor);
  });

  it('refuses an acr not requested', async () => {
    const { verifier, mint } = setup();
    expect(
      await rejectionOf(
        verifier.verify(await mint({ acr: 'urn:okta:loa:1fa:pwd' }), { acrValues: [twoFactor] }),
      ),
    ).toEqual({
      code: 'ERR_CLAIM_INVALID',
      status: 401,
      message: 'expected acr "urn:okta:loa:2fa:any"; found "urn:okta:loa:1fa:pwd"',
    });
  });

  it('refuses a token without acr when acr values were requested', async () => {
    const { verifier, mint } = setup();
    expect(await rejectionOf(verifier.verify(await mint(), { acrValues: [twoFactor] }))).toMatchObject({
      code: 'ERR_CLAIM_MISSING',
    });
  });
});

describe('verify options are checked like construction options (ERR_CONFIG)', () => {
  it.each([
    [{ nonce: '' }, '`verify.nonce` must be a non-empty string; found ""'],
    [{ accessToken: 42 }, '`verify.accessToken` must be a non-empty string; found number 42'],
    [{ code: null }, '`verify.code` must be a non-empty string; found null'],
    [{ maxAge: -1 }, '`verify.maxAge` must be a number of seconds from 0 to'],
    [{ acrValues: [] }, '`verify.acrValues` must not be empty; omit it to accept any acr'],
    [{ acrValues: 'phr' }, '`verify.acrValues` must be an array of strings; found "phr"'],
    [{ max_age: 60 }, 'unknown option `verify.max_age`'],
    ['nonce', 'verify options must be an object; found "nonce"'],
  ])('rejects %j', async (options, message) => {
    const { verifier, mint } = setup();
    const token = await mint();
    const failure = await rejectionOf(verifier.verify(token, options as never));
    expect(failure.code).toBe('ERR_CONFIG');
    expect(failure.message).toContain(message);
  });
});

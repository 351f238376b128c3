import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_VALUES, type ReferenceIssuer, startIssuer } from '../src/index.js';
import { authorizeSpa, basicAuth, payloadOf, postForm, redeemSpaCode } from './support.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('step-up sign-in: acr_values, max_age, prompt=login (RFC 9470 inputs)', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer({ servers: ['payments'] });
  });
  afterAll(async () => {
    await issuer.close();
  });

  /** Signs in through the authorization endpoint and returns the access and ID token claims. */
  async function tokensFor(extra: Record<string, string> = {}, server = issuer.server('default')) {
    const { query, verifier } = await authorizeSpa(server.authorizationEndpoint, extra);
    const code = query.get('code');
    if (code === null) throw new Error(`authorize answered ${query.get('error')}`);
    const body = await (await redeemSpaCode(server.tokenEndpoint, code, verifier)).json();
    return { access: payloadOf(body.access_token), id: payloadOf(body.id_token) };
  }

  it('signs in at loa:1 by default and puts acr and auth_time into access and ID tokens', async () => {
    const before = nowSeconds();
    const { access, id } = await tokensFor();
    expect(access.acr).toBe('urn:tokenward:loa:1');
    expect(access.auth_time).toBeGreaterThanOrEqual(before);
    expect(id).toMatchObject({ acr: 'urn:tokenward:loa:1', auth_time: access.auth_time, amr: ['pwd'] });
  });

  it('keeps the session of an earlier sign-in: a weak acr and a stale auth_time reach the token', async () => {
    const stale = nowSeconds() - 3600;
    issuer.signInTestUser({ acr: 'urn:tokenward:loa:1', authTime: stale });
    const { access } = await tokensFor();
    expect(access).toMatchObject({ acr: 'urn:tokenward:loa:1', auth_time: stale });
  });

  it('signs in again at the level acr_values asks for, then keeps that session', async () => {
    const stale = nowSeconds() - 3600;
    issuer.signInTestUser({ authTime: stale });
    const before = nowSeconds();
    const stepped = await tokensFor({ acr_values: 'urn:tokenward:loa:2' });
    expect(stepped.access.acr).toBe('urn:tokenward:loa:2');
    expect(stepped.access.auth_time).toBeGreaterThanOrEqual(before);
    expect(stepped.id.amr).toEqual(['pwd', 'otp', 'mfa']);

    const again = await tokensFor({ acr_values: 'phr urn:tokenward:loa:2' });
    expect(again.access).toMatchObject({ acr: 'urn:tokenward:loa:2', auth_time: stepped.access.auth_time });
    const plain = await tokensFor();
    expect(plain.access.acr).toBe('urn:tokenward:loa:2');
  });

  it('picks the first supported value of acr_values, and refuses a list with none supported', async () => {
    issuer.signInTestUser();
    const { access } = await tokensFor({ acr_values: 'urn:other:gold phrh phr' });
    expect(access.acr).toBe('phrh');
    const { query } = await authorizeSpa(issuer.server('default').authorizationEndpoint, {
      acr_values: 'urn:other:gold',
    });
    expect(query.get('error')).toBe('invalid_request');
    expect(query.get('error_description')).toContain('urn:tokenward:loa:1 urn:tokenward:loa:2 phr phrh');
  });

  it('signs in again when the session is older than max_age, keeping its level', async () => {
    const stale = nowSeconds() - 600;
    issuer.signInTestUser({ acr: 'phr', authTime: stale });
    const young = await tokensFor({ max_age: '3600' });
    expect(young.access).toMatchObject({ acr: 'phr', auth_time: stale });
    const before = nowSeconds();
    const fresh = await tokensFor({ max_age: '300' });
    expect(fresh.access.acr).toBe('phr');
    expect(fresh.access.auth_time).toBeGreaterThanOrEqual(before);
  });

  it('signs in again for max_age=0 and prompt=login (OIDC Core §3.1.2.1)', async () => {
    const requests: Record<string, string>[] = [
      { max_age: '0' },
      { prompt: 'login' },
      { prompt: 'consent login' },
    ];
    for (const extra of requests) {
      const stale = nowSeconds() - 60;
      issuer.signInTestUser({ authTime: stale });
      const { access } = await tokensFor(extra);
      expect(access.auth_time).toBeGreaterThan(stale);
    }
  });

  it('refuses a malformed max_age with invalid_request', async () => {
    for (const maxAge of ['-1', '1.5', 'soon']) {
      const { query } = await authorizeSpa(issuer.server('default').authorizationEndpoint, {
        max_age: maxAge,
      });
      expect(query.get('error')).toBe('invalid_request');
    }
  });

  it('shares one session across servers, like an org-wide sign-in', async () => {
    issuer.signInTestUser({ acr: 'urn:tokenward:loa:1', authTime: nowSeconds() - 100 });
    const stepped = await tokensFor({ acr_values: 'phrh' }, issuer.server('payments'));
    const elsewhere = await tokensFor({}, issuer.orgServer);
    expect(elsewhere.access).toMatchObject({ acr: 'phrh', auth_time: stepped.access.auth_time });
  });

  it('leaves acr and auth_time out of client_credentials tokens (no user signed in)', async () => {
    const response = await postForm(
      issuer.server('default').tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('test-client', 'test-secret') },
    );
    const claims = payloadOf((await response.json()).access_token);
    expect(claims.acr).toBeUndefined();
    expect(claims.auth_time).toBeUndefined();
  });

  it('reports acr and auth_time at introspection', async () => {
    issuer.signInTestUser({ acr: 'urn:tokenward:loa:2', authTime: 1_700_000_000 });
    const server = issuer.server('default');
    const { query, verifier } = await authorizeSpa(server.authorizationEndpoint);
    const { access_token: token } = await (
      await redeemSpaCode(server.tokenEndpoint, query.get('code') ?? '', verifier)
    ).json();
    const body = await (
      await postForm(
        server.introspectionEndpoint,
        { token },
        { authorization: basicAuth('test-client', 'test-secret') },
      )
    ).json();
    expect(body).toMatchObject({ active: true, acr: 'urn:tokenward:loa:2', auth_time: 1_700_000_000 });
  });

  it('advertises the levels as acr_values_supported', async () => {
    const metadata = await (await fetch(issuer.server('default').discoveryUrl)).json();
    expect(metadata.acr_values_supported).toEqual([...ACR_VALUES]);
    expect(metadata.claims_supported).toContain('acr');
  });

  it('refuses an unknown level or a bad time in signInTestUser', () => {
    expect(() => issuer.signInTestUser({ acr: 'gold' as 'phr' })).toThrow(
      /signInTestUser.acr must be one of/,
    );
    expect(() => issuer.signInTestUser({ authTime: 1.5 })).toThrow(/signInTestUser.authTime/);
  });
});

describe('testUserSignIn option', () => {
  it('starts the issuer with that session', async () => {
    const authTime = nowSeconds() - 7200;
    const issuer = await startIssuer({ testUserSignIn: { acr: 'urn:tokenward:loa:1', authTime } });
    try {
      const server = issuer.server('default');
      const { query, verifier } = await authorizeSpa(server.authorizationEndpoint);
      const body = await (
        await redeemSpaCode(server.tokenEndpoint, query.get('code') ?? '', verifier)
      ).json();
      expect(payloadOf(body.access_token)).toMatchObject({ acr: 'urn:tokenward:loa:1', auth_time: authTime });
    } finally {
      await issuer.close();
    }
  });

  it('is validated before anything listens', async () => {
    await expect(startIssuer({ testUserSignIn: { acr: 'loa:9' as 'phr' } })).rejects.toThrow(
      /testUserSignIn.acr must be one of/,
    );
  });
});

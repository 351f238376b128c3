import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer, TEST_USER } from '../src/index.js';
import { basicAuth, payloadOf, pkcePair, postForm } from './support.js';

const REDIRECT_URI = 'http://localhost:5173/callback';

describe('authorization code + PKCE', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer({
      clients: [
        { clientId: 'web-app', clientSecret: 'web-secret', redirectUris: ['https://app.example/cb'] },
      ],
    });
  });
  afterAll(async () => {
    await issuer.close();
  });

  function authorizeUrl(params: Record<string, string>, server = issuer.server('default')): string {
    return `${server.issuer}/v1/authorize?${new URLSearchParams(params)}`;
  }

  async function authorize(params: Record<string, string>, server = issuer.server('default')): Promise<URL> {
    const response = await fetch(authorizeUrl(params, server), { redirect: 'manual' });
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location') ?? '');
  }

  function spaParams(challenge: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      response_type: 'code',
      client_id: 'spa-client',
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      state: 'st4te',
      nonce: 'n0nce',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    };
  }

  it('signs in the test user and exchanges the code for tokens (OIDC Core §3.1)', async () => {
    const { verifier, challenge } = pkcePair();
    const location = await authorize(spaParams(challenge));
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('st4te');
    expect(location.searchParams.get('iss')).toBe(issuer.server('default').issuer);
    const code = location.searchParams.get('code') ?? '';

    const response = await postForm(issuer.server('default').tokenEndpoint, {
      grant_type: 'authorization_code',
      client_id: 'spa-client',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.scope).toBe('openid profile email');
    const server = issuer.server('default');
    const keys = createLocalJWKSet(server.jwks());
    const access = await jwtVerify(body.access_token, keys, {
      issuer: server.issuer,
      audience: 'api://default',
    });
    expect(access.payload).toMatchObject({ sub: TEST_USER.login, uid: TEST_USER.id, cid: 'spa-client' });
    const id = await jwtVerify(body.id_token, keys, { issuer: server.issuer, audience: 'spa-client' });
    expect(id.protectedHeader.typ).toBe('JWT');
    expect(id.payload).toMatchObject({
      sub: TEST_USER.id,
      nonce: 'n0nce',
      name: 'Alice Example',
      email: 'alice@example.com',
      preferred_username: 'alice@example.com',
      amr: ['pwd'],
    });
    expect(typeof id.payload.auth_time).toBe('number');
    expect(id.payload.at_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('answers a wrong verifier, a reused code and a wrong redirect_uri with invalid_grant', async () => {
    const { verifier, challenge } = pkcePair();
    const exchange = (code: string, overrides: Record<string, string> = {}) =>
      postForm(issuer.server('default').tokenEndpoint, {
        grant_type: 'authorization_code',
        client_id: 'spa-client',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        ...overrides,
      });

    const first = (await authorize(spaParams(challenge))).searchParams.get('code') ?? '';
    const wrongVerifier = await exchange(first, { code_verifier: pkcePair().verifier });
    expect(wrongVerifier.status).toBe(400);
    expect((await wrongVerifier.json()).error).toBe('invalid_grant');

    const second = (await authorize(spaParams(challenge))).searchParams.get('code') ?? '';
    expect((await exchange(second)).status).toBe(200);
    const reused = await exchange(second);
    expect((await reused.json()).error).toBe('invalid_grant');

    const third = (await authorize(spaParams(challenge))).searchParams.get('code') ?? '';
    const wrongRedirect = await exchange(third, { redirect_uri: 'http://localhost:5173/other' });
    expect((await wrongRedirect.json()).error).toBe('invalid_grant');

    const fourth = (await authorize(spaParams(challenge))).searchParams.get('code') ?? '';
    const otherServer = await postForm(issuer.orgServer.tokenEndpoint, {
      grant_type: 'authorization_code',
      client_id: 'spa-client',
      code: fourth,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect((await otherServer.json()).error).toBe('invalid_grant');
  });

  it('requires code_verifier', async () => {
    const { challenge } = pkcePair();
    const code = (await authorize(spaParams(challenge))).searchParams.get('code') ?? '';
    const response = await postForm(issuer.server('default').tokenEndpoint, {
      grant_type: 'authorization_code',
      client_id: 'spa-client',
      code,
      redirect_uri: REDIRECT_URI,
    });
    expect((await response.json()).error).toBe('invalid_request');
  });

  it('redirects errors back when the redirect URI is trustworthy (RFC 6749 §4.1.2.1)', async () => {
    const { challenge } = pkcePair();
    const cases: Array<[Record<string, string>, string]> = [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ scope: '' }, 'invalid_scope'],
    ];
    for (const [overrides, error] of cases) {
      const location = await authorize(spaParams(challenge, overrides));
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('state')).toBe('st4te');
      expect(location.searchParams.get('code')).toBeNull();
    }
    const withoutChallenge = spaParams(challenge);
    delete withoutChallenge.code_challenge;
    expect((await authorize(withoutChallenge)).searchParams.get('error')).toBe('invalid_request');
  });

  it('shows a 400 page instead of redirecting to an untrusted redirect URI', async () => {
    const { challenge } = pkcePair();
    const untrusted: Record<string, string>[] = [
      { redirect_uri: 'https://evil.example/cb' },
      { client_id: 'nobody' },
      { client_id: 'web-app', redirect_uri: 'https://app.example/other' },
    ];
    for (const overrides of untrusted) {
      const response = await fetch(authorizeUrl(spaParams(challenge, overrides)), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toBe('invalid_request');
    }
  });

  it('lets a confidential client redeem a code with its secret', async () => {
    const { verifier, challenge } = pkcePair();
    const location = await authorize(
      spaParams(challenge, { client_id: 'web-app', redirect_uri: 'https://app.example/cb', scope: 'openid' }),
    );
    const response = await postForm(
      issuer.server('default').tokenEndpoint,
      {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code') ?? '',
        redirect_uri: 'https://app.example/cb',
        code_verifier: verifier,
      },
      { authorization: basicAuth('web-app', 'web-secret') },
    );
    const body = await response.json();
    expect(payloadOf(body.id_token).aud).toBe('web-app');
    expect(payloadOf(body.id_token).name).toBeUndefined();
  });
});

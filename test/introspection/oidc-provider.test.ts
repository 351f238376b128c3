/**
 * A second opinion on introspection (RFC 7662) and revocation (RFC 7009): `oidc-provider`, an
 * authorization server tokenward did not write, on loopback, issuing opaque access tokens for a
 * resource server (RFC 8707). Its issuer is a bare origin, so the org-server rules are off.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AccessTokenVerifierOptions,
  createAccessTokenVerifier,
  type IntrospectionOptions,
  type JsonWebKeyLike,
  type TokenwardEvent,
} from '@tokenward/core';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const AUDIENCE = 'api://orders';
let server: Server;
let issuer: string;
let apiKey: JsonWebKeyLike;

beforeAll(async () => {
  const signing = await generateKeyPair('RS256', { extractable: true });
  const api = await generateKeyPair('ES256', { extractable: true });
  apiKey = { ...(await exportJWK(api.privateKey)), kid: 'orders-api-key' };
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...(await exportJWK(signing.privateKey)), kid: 'signing', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['introspection-test-cookie-key'] },
    ttl: { ClientCredentials: () => 3600 },
    clients: [
      // The API: a confidential client that may only introspect.
      {
        client_id: 'orders-api',
        client_secret: 'api-secret',
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: 'orders-api-jwt',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: {
          keys: [{ ...(await exportJWK(api.publicKey)), kid: 'orders-api-key', alg: 'ES256', use: 'sig' }],
        },
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
      // A service calling the API with client-credentials tokens.
      {
        client_id: 'batch',
        client_secret: 'batch-secret',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client) => client.clientId.startsWith('orders-api'),
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        getResourceServerInfo: () => ({
          scope: 'orders:read orders:write',
          audience: AUDIENCE,
          accessTokenFormat: 'opaque',
          accessTokenTTL: 3600,
        }),
      },
    },
  });
  server.on('request', provider.callback());
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function clientCredentialsToken(scope: string): Promise<string> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: basic('batch', 'batch-secret'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: AUDIENCE }),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

async function revoke(token: string): Promise<number> {
  const response = await fetch(`${issuer}/token/revocation`, {
    method: 'POST',
    headers: {
      authorization: basic('batch', 'batch-secret'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
  });
  return response.status;
}

function verifierWith(introspection: Omit<IntrospectionOptions, 'mode'>, clock = { now: Date.now }) {
  const events: TokenwardEvent[] = [];
  const verifier = createAccessTokenVerifier({
    issuer,
    audience: AUDIENCE,
    orgServerRules: false,
    clock: () => clock.now(),
    onEvent: (event) => events.push(event),
    introspection: { mode: 'fallback', ...introspection },
  } satisfies AccessTokenVerifierOptions);
  return { verifier, events };
}

describe('oidc-provider introspecting its own opaque tokens (IN-1, IN-2)', () => {
  it('an active client-credentials token verifies: scopes from `scope`, the client as subject (IN-2)', async () => {
    const { verifier } = verifierWith({ clientId: 'orders-api', clientSecret: 'api-secret' });
    const token = await clientCredentialsToken('orders:read');
    await expect(verifier.verify(token, { scopes: ['orders:read'] })).resolves.toMatchObject({
      token,
      header: undefined,
      issuer,
      subject: 'batch',
      clientId: 'batch',
      audience: [AUDIENCE],
      scopes: ['orders:read'],
      server: { kind: 'other', issuer },
    });
    await expect(verifier.verify(token, { scopes: ['orders:write'] })).rejects.toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
    });
  });

  it('private_key_jwt with the issuer as assertion audience is accepted by an independent server (IN-1)', async () => {
    const { verifier } = verifierWith({ clientId: 'orders-api-jwt', privateKey: apiKey });
    const token = await clientCredentialsToken('orders:write');
    await expect(verifier.verify(token)).resolves.toMatchObject({ scopes: ['orders:write'] });
  });

  it('revoked (RFC 7009) then refused once the cached answer expires (IN-4)', async () => {
    let now = Date.now();
    const { verifier, events } = verifierWith(
      { clientId: 'orders-api', clientSecret: 'api-secret', maxCacheAge: 10 },
      { now: () => now },
    );
    const token = await clientCredentialsToken('orders:read');
    await verifier.verify(token);
    expect(await revoke(token)).toBe(200);
    await expect(verifier.verify(token)).resolves.toMatchObject({ token });
    now += 11_000;
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_INACTIVE', status: 401 });
    expect(
      events
        .filter((event) => event.type === 'introspected')
        .map((event) => 'active' in event && event.active),
    ).toEqual([true, false]);
  });

  it('an unknown token is ERR_TOKEN_INACTIVE (IN-2)', async () => {
    const { verifier } = verifierWith({ clientId: 'orders-api', clientSecret: 'api-secret' });
    await expect(verifier.verify('bm90LWEtdG9rZW4tb2lkYy1wcm92aWRlci1pc3N1ZWQ')).rejects.toMatchObject({
      code: 'ERR_TOKEN_INACTIVE',
    });
  });

  it("a wrong client secret is 503 and a credentials event, never a 401 for the caller's token (IN-1)", async () => {
    const { verifier, events } = verifierWith({ clientId: 'orders-api', clientSecret: 'not-the-secret' });
    const token = await clientCredentialsToken('orders:read');
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'ERR_INTROSPECTION_FAILED',
      status: 503,
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'introspection_credentials_refused',
        status: 401,
        clientId: 'orders-api',
      }),
    );
  });
});

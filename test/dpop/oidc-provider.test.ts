/**
 * Tokens from an authorization server the project did not write: oidc-provider (certified, DPoP
 * enabled, client credentials with JWT access tokens for a resource indicator) on loopback mints
 * DPoP-bound tokens for oauth4webapi, and tokenward's Express and Fastify APIs verify them with
 * their proofs (RFC 9449 sections 6.1 and 7), refusing the same token sent as Bearer.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, freeLoopbackPort, type RunningApi, startApi } from './apis.js';

const RESOURCE = 'https://orders.api.example';
const client: oauth.Client = { client_id: 'orders-client' };
const clientAuth = oauth.ClientSecretBasic('orders-client-secret');
const insecure = { [oauth.allowInsecureRequests]: true } as const;

let server: Server;
let issuer: string;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const port = await freeLoopbackPort();
  issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'orders-client',
        client_secret: 'orders-client-secret',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'op-key-1', alg: 'RS256', use: 'sig' }] },
    scopes: ['orders:read'],
    features: {
      dPoP: { enabled: true },
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'orders:read',
          audience: RESOURCE,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  server = provider.listen(port);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  expect((server.address() as AddressInfo).port).toBe(port);
  as = await oauth.processDiscoveryResponse(
    new URL(issuer),
    await oauth.discoveryRequest(new URL(issuer), insecure),
  );
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

async function dpopToken(dpop: oauth.DPoPHandle): Promise<oauth.TokenEndpointResponse> {
  const request = () =>
    oauth.clientCredentialsGrantRequest(
      as,
      client,
      clientAuth,
      new URLSearchParams({ scope: 'orders:read' }),
      {
        DPoP: dpop,
        ...insecure,
      },
    );
  let response = await request();
  // oidc-provider may ask for its nonce first (RFC 9449 section 8).
  try {
    return await oauth.processClientCredentialsResponse(as, client, response);
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error;
    response = await request();
    return oauth.processClientCredentialsResponse(as, client, response);
  }
}

describe.each(FRAMEWORKS)('oidc-provider DPoP tokens at a %s API (DP-3, DP-4)', (framework) => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi(framework, {
      issuer,
      audience: RESOURCE,
      // A root-path issuer of another vendor, verified generically.
      orgServerRules: false,
      dpop: { mode: 'allowed' },
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('a DPoP-bound JWT from oidc-provider is served with a fresh proof by its key', async () => {
    const dpop = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const tokens = await dpopToken(dpop);
    expect(tokens.token_type).toBe('dpop');
    const response = await oauth.protectedResourceRequest(
      tokens.access_token,
      'GET',
      new URL(`${api.origin}/orders`),
      undefined,
      undefined,
      { DPoP: dpop, ...insecure },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { subject: string; thumbprint: string };
    expect(body).toEqual({ subject: 'orders-client', thumbprint: await dpop.calculateThumbprint() });
  });

  it('the same token sent as Bearer is refused: no downgrade (DP-5)', async () => {
    const tokens = await dpopToken(oauth.DPoP(client, await oauth.generateKeyPair('ES256')));
    const response = await fetch(`${api.origin}/orders`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH' });
  });
});

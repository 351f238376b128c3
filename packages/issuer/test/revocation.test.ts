import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';
import { clientAssertion, JWT_BEARER, type ProofKey, proofKey } from './keys-support.js';
import { authorizeSpa, basicAuth, postForm, redeemSpaCode } from './support.js';

const SERVICE_AUTH = { authorization: basicAuth('test-client', 'test-secret') };

describe('revocation (RFC 7009)', () => {
  let issuer: ReferenceIssuer;
  let signer: ProofKey;

  beforeAll(async () => {
    signer = await proofKey('EdDSA');
    issuer = await startIssuer({
      servers: ['payments'],
      clients: [
        { clientId: 'other-service', clientSecret: 'other-secret' },
        { clientId: 'jwt-client', jwks: { keys: [signer.publicJwk] } },
      ],
    });
  });
  afterAll(async () => {
    await issuer.close();
  });

  const introspect = async (token: string, server = 'default') =>
    (await (await postForm(issuer.server(server).introspectionEndpoint, { token }, SERVICE_AUTH)).json())
      .active;
  const revoke = (
    token: string,
    server = 'default',
    headers: Record<string, string> = SERVICE_AUTH,
    extra = {},
  ) => postForm(issuer.server(server).revocationEndpoint, { token, ...extra }, headers);

  it('revokes a JWT access token: 200 with an empty body, then introspection says inactive', async () => {
    const token = await issuer.server('default').mintAccessToken();
    const sibling = await issuer.server('default').mintAccessToken();
    expect(await introspect(token)).toBe(true);
    const response = await revoke(token, 'default', SERVICE_AUTH, { token_type_hint: 'access_token' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('');
    expect(await introspect(token)).toBe(false);
    expect(await introspect(sibling)).toBe(true);
  });

  it('revokes opaque tokens and tokens from the token endpoint', async () => {
    const opaque = await issuer.server('default').mintAccessToken({}, { format: 'opaque' });
    expect((await revoke(opaque)).status).toBe(200);
    expect(await introspect(opaque)).toBe(false);

    const issued = await postForm(
      issuer.orgServer.tokenEndpoint,
      { grant_type: 'client_credentials' },
      SERVICE_AUTH,
    );
    const { access_token: accessToken } = await issued.json();
    expect(await introspect(accessToken, 'org')).toBe(true);
    expect((await revoke(accessToken, 'org')).status).toBe(200);
    expect(await introspect(accessToken, 'org')).toBe(false);
  });

  it('lets a public client revoke its own token with client_id alone', async () => {
    const server = issuer.server('default');
    const { query, verifier } = await authorizeSpa(server.authorizationEndpoint);
    const tokens = await (
      await redeemSpaCode(server.tokenEndpoint, query.get('code') ?? '', verifier)
    ).json();
    const response = await revoke(tokens.access_token, 'default', {}, { client_id: 'spa-client' });
    expect(response.status).toBe(200);
    expect(await introspect(tokens.access_token)).toBe(false);
  });

  it('accepts private_key_jwt at the revocation endpoint', async () => {
    const server = issuer.server('default');
    const token = await server.mintAccessToken({ cid: 'jwt-client' });
    const response = await revoke(
      token,
      'default',
      {},
      {
        client_assertion_type: JWT_BEARER,
        client_assertion: await clientAssertion(signer, 'jwt-client', server.revocationEndpoint),
      },
    );
    expect(response.status).toBe(200);
    expect(await introspect(token)).toBe(false);
  });

  it("refuses to revoke another client's token, which stays active", async () => {
    const token = await issuer.server('default').mintAccessToken({ cid: 'test-client' });
    const response = await revoke(token, 'default', {
      authorization: basicAuth('other-service', 'other-secret'),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe('invalid_request');
    expect(await introspect(token)).toBe(true);
  });

  it("answers 200 for unknown, expired and sibling servers' tokens, revoking nothing (RFC 7009 §2.2)", async () => {
    const payments = await issuer.server('payments').mintAccessToken();
    for (const token of [
      'unknown',
      payments,
      await issuer.server('default').mintAccessToken({}, { expiresIn: -10 }),
    ]) {
      expect((await revoke(token)).status).toBe(200);
    }
    expect(await introspect(payments, 'payments')).toBe(true);
  });

  it('requires client authentication and a token, over POST only', async () => {
    const token = await issuer.server('default').mintAccessToken();
    expect((await revoke(token, 'default', {})).status).toBe(401);
    const wrong = await revoke(token, 'default', { authorization: basicAuth('test-client', 'nope') });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toBe('invalid_client');
    const missing = await postForm(issuer.server('default').revocationEndpoint, {}, SERVICE_AUTH);
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toBe('invalid_request');
    const get = await fetch(issuer.server('default').revocationEndpoint);
    expect(get.status).toBe(405);
    expect(await introspect(token)).toBe(true);
  });

  it('revokes programmatically with server.revokeToken()', async () => {
    const server = issuer.server('payments');
    const token = await server.mintAccessToken();
    expect(issuer.server('default').revokeToken(token)).toBe(false);
    expect(server.revokeToken(token)).toBe(true);
    expect(server.revokeToken(token)).toBe(false);
    expect(await introspect(token, 'payments')).toBe(false);
  });

  it('serves the vendor path shapes: /oauth2/v1/revoke (org) and /oauth2/{id}/v1/revoke (custom)', () => {
    expect(issuer.orgServer.revocationEndpoint).toBe(`${issuer.origin}/oauth2/v1/revoke`);
    expect(issuer.server('payments').revocationEndpoint).toBe(`${issuer.origin}/oauth2/payments/v1/revoke`);
  });
});

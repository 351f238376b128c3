import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';

describe('discovery documents', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer({ servers: ['payments'] });
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('serves the org server at the origin with endpoints under /oauth2/v1 (MD-5)', async () => {
    const org = issuer.orgServer;
    expect(org.issuer).toBe(issuer.origin);
    expect(issuer.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${issuer.origin}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const document = await response.json();
    expect(document).toMatchObject({
      issuer: issuer.origin,
      jwks_uri: `${issuer.origin}/oauth2/v1/keys`,
      token_endpoint: `${issuer.origin}/oauth2/v1/token`,
      authorization_endpoint: `${issuer.origin}/oauth2/v1/authorize`,
      introspection_endpoint: `${issuer.origin}/oauth2/v1/introspect`,
      revocation_endpoint: `${issuer.origin}/oauth2/v1/revoke`,
      userinfo_endpoint: `${issuer.origin}/oauth2/v1/userinfo`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'none',
      ],
      introspection_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
      ],
      revocation_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'none',
      ],
      introspection_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256', 'PS256', 'EdDSA'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(org.discoveryUrl).toBe(`${issuer.origin}/.well-known/openid-configuration`);
    expect(org.jwksUri).toBe(document.jwks_uri);
  });

  it.each(['default', 'payments'])('serves both appended forms for custom server %s (MD-2)', async (id) => {
    const server = issuer.server(id);
    expect(server.issuer).toBe(`${issuer.origin}/oauth2/${id}`);
    const oidc = await (await fetch(server.discoveryUrl)).json();
    const oauth = await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json();
    expect(oidc.issuer).toBe(server.issuer);
    expect(oidc.jwks_uri).toBe(`${server.issuer}/v1/keys`);
    expect(oidc.token_endpoint).toBe(`${server.issuer}/v1/token`);
    expect(oidc.userinfo_endpoint).toBe(`${server.issuer}/v1/userinfo`);
    expect(oidc.revocation_endpoint).toBe(`${server.issuer}/v1/revoke`);
    expect(oidc.revocation_endpoint).toBe(server.revocationEndpoint);
    // RFC 9068 §4 (MD-8): both documents agree; only OIDC names userinfo.
    const { userinfo_endpoint: _userinfo, ...shared } = oidc;
    expect(oauth).toEqual(shared);
  });

  it('serves the RFC 8414 path-insertion form for custom servers (MD-2, MD-Okta)', async () => {
    const server = issuer.server('payments');
    const response = await fetch(`${issuer.origin}/.well-known/oauth-authorization-server/oauth2/payments`);
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.issuer).toBe(server.issuer);
    expect(document.jwks_uri).toBe(server.jwksUri);
  });

  it('answers 404 JSON for unknown servers and paths', async () => {
    for (const path of [
      '/oauth2/nope/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server/oauth2/nope',
      '/oauth2/default/v1/nothing',
      '/oauth2/default/.well-known/openid-configuration/',
      '/somewhere',
      '/oauth2/org/v1/keys',
      '/oauth2/org/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server/oauth2/org',
      '/__admin/faults',
    ]) {
      const response = await fetch(`${issuer.origin}${path}`);
      expect(response.status, path).toBe(404);
      expect((await response.json()).error).toBe('not_found');
    }
  });

  it('throws for an unknown server id and lists custom servers', () => {
    expect(() => issuer.server('nope')).toThrow(/no authorization server "nope"/);
    expect(issuer.servers.map((server) => server.id)).toEqual(['default', 'payments']);
    expect(issuer.server('org')).toBe(issuer.orgServer);
  });

  it('adds servers with vendor-shaped generated ids', async () => {
    const added = issuer.addServer();
    expect(added.id).toMatch(/^aus[A-Za-z0-9]{17}$/);
    expect(added.audience).toBe(`api://${added.id}`);
    const document = await (await fetch(added.discoveryUrl)).json();
    expect(document.issuer).toBe(added.issuer);
    expect(() => issuer.addServer('payments')).toThrow(/already exists/);
    expect(() => issuer.addServer('v1')).toThrow(/invalid server id/);
  });

  it('sets audiences like the vendor', () => {
    expect(issuer.server('default').audience).toBe('api://default');
    expect(issuer.server('payments').audience).toBe('api://payments');
    expect(issuer.orgServer.audience).toBe(issuer.origin);
  });
});

describe('the generic org-server layout', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer({ orgServerLayout: 'generic', alg: 'ES256' });
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('serves the root-path issuer with endpoints at the root, not under /oauth2/v1', async () => {
    const org = issuer.orgServer;
    expect(org.issuer).toBe(issuer.origin);
    const document = await (await fetch(`${issuer.origin}/.well-known/openid-configuration`)).json();
    expect(document).toMatchObject({
      issuer: issuer.origin,
      jwks_uri: `${issuer.origin}/keys`,
      token_endpoint: `${issuer.origin}/token`,
      authorization_endpoint: `${issuer.origin}/authorize`,
      id_token_signing_alg_values_supported: ['ES256'],
    });
    expect(org.jwksUri).toBe(document.jwks_uri);
    const keys = await (await fetch(org.jwksUri)).json();
    expect(keys.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256' })]);
    expect((await fetch(`${issuer.origin}/oauth2/v1/keys`)).status).toBe(404);
  });

  it('leaves custom servers where they are', async () => {
    const server = issuer.server('default');
    expect(server.jwksUri).toBe(`${server.issuer}/v1/keys`);
    expect((await fetch(server.jwksUri)).status).toBe(200);
  });
});

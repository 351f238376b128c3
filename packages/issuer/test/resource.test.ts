import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';
import {
  authorizeSpa,
  basicAuth,
  payloadOf,
  pkcePair,
  postForm,
  redeemSpaCode,
  SPA_REDIRECT_URI,
} from './support.js';

const SERVICE_AUTH = { authorization: basicAuth('test-client', 'test-secret') };
const MCP = 'https://mcp.example.com/mcp';
const ORDERS = 'https://api.example.com/orders';

/** A form body with `resource` repeated, which URLSearchParams built from an object cannot express. */
function formWithResources(params: Record<string, string>, resources: string[]): string {
  const form = new URLSearchParams(params);
  for (const resource of resources) form.append('resource', resource);
  return form.toString();
}

describe('resource indicators (RFC 8707)', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });

  const server = () => issuer.server('default');
  const clientCredentials = (resources: string[]) =>
    fetch(server().tokenEndpoint, {
      method: 'POST',
      headers: { ...SERVICE_AUTH, 'content-type': 'application/x-www-form-urlencoded' },
      body: formWithResources({ grant_type: 'client_credentials' }, resources),
    });

  it('sets aud to the resource of an authorization request, leaving the ID token for the client', async () => {
    const { query, verifier } = await authorizeSpa(server().authorizationEndpoint, { resource: MCP });
    const body = await (
      await redeemSpaCode(server().tokenEndpoint, query.get('code') ?? '', verifier)
    ).json();
    expect(payloadOf(body.access_token).aud).toBe(MCP);
    expect(payloadOf(body.id_token).aud).toBe('spa-client');
  });

  it('puts every authorized resource into aud when the token request names none', async () => {
    const pkce = pkcePair();
    const url = new URL(server().authorizationEndpoint);
    url.search = formWithResources(
      {
        response_type: 'code',
        client_id: 'spa-client',
        redirect_uri: SPA_REDIRECT_URI,
        scope: 'openid',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      },
      [MCP, ORDERS],
    );
    const location = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '');
    const response = await redeemSpaCode(
      server().tokenEndpoint,
      location.searchParams.get('code') ?? '',
      pkce.verifier,
    );
    expect(payloadOf((await response.json()).access_token).aud).toEqual([MCP, ORDERS]);
  });

  it('narrows to one authorized resource at the token endpoint (RFC 8707 §2.2) and refuses a resource the user did not authorize with invalid_target', async () => {
    const narrowed = await authorizeSpa(server().authorizationEndpoint, { resource: MCP });
    const ok = await redeemSpaCode(
      server().tokenEndpoint,
      narrowed.query.get('code') ?? '',
      narrowed.verifier,
      {
        resource: MCP,
      },
    );
    expect(payloadOf((await ok.json()).access_token).aud).toBe(MCP);

    const other = await authorizeSpa(server().authorizationEndpoint, { resource: MCP });
    const refused = await redeemSpaCode(
      server().tokenEndpoint,
      other.query.get('code') ?? '',
      other.verifier,
      {
        resource: ORDERS,
      },
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_target' });
  });

  it('accepts a resource at the token endpoint when the authorization request named none', async () => {
    const { query, verifier } = await authorizeSpa(server().authorizationEndpoint);
    const response = await redeemSpaCode(server().tokenEndpoint, query.get('code') ?? '', verifier, {
      resource: ORDERS,
    });
    expect(payloadOf((await response.json()).access_token).aud).toBe(ORDERS);
  });

  it('answers invalid_target at authorize for a relative URI or one with a fragment', async () => {
    for (const resource of ['/mcp', 'mcp.example.com', `${MCP}#section`]) {
      const { query } = await authorizeSpa(server().authorizationEndpoint, { resource });
      expect(query.get('error')).toBe('invalid_target');
      expect(query.get('error_description')).toMatch(/absolute URI|fragment/);
      expect(query.get('code')).toBeNull();
    }
  });

  it('sets aud for client_credentials, one resource or several, and keeps a query', async () => {
    const one = await (await clientCredentials([`${ORDERS}?tenant=1`])).json();
    expect(payloadOf(one.access_token).aud).toBe(`${ORDERS}?tenant=1`);
    const two = await (await clientCredentials([MCP, ORDERS, MCP])).json();
    expect(payloadOf(two.access_token).aud).toEqual([MCP, ORDERS]);
    const none = await (await clientCredentials([])).json();
    expect(payloadOf(none.access_token).aud).toBe('api://default');
  });

  it('answers invalid_target at the token endpoint for a malformed resource', async () => {
    const response = await clientCredentials(['urn', `${MCP}#x`]);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe('invalid_target');
  });

  it('still refuses other repeated parameters', async () => {
    const repeated = await fetch(server().tokenEndpoint, {
      method: 'POST',
      headers: { ...SERVICE_AUTH, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=a&scope=b',
    });
    expect(repeated.status).toBe(400);
    expect((await repeated.json()).error_description).toMatch(/"scope" is repeated/);
  });

  it('reports the resource as aud at introspection', async () => {
    const { access_token: token } = await (await clientCredentials([MCP])).json();
    const body = await (await postForm(server().introspectionEndpoint, { token }, SERVICE_AUTH)).json();
    expect(body).toMatchObject({ active: true, aud: MCP });
  });
});

/**
 * The HTTP authorizer as Caddy and Traefik call it (`X-Forwarded-*`), as the NGINX recipe calls it
 * (`X-Original-*` + `Host`), and as Envoy's HTTP ext_authz calls it (`/envoy/<path>`), against the
 * reference issuer. The proxies themselves are exercised in the nginx and caddy tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

/** What Traefik's forwardAuth sends: a GET with the original request in X-Forwarded-* headers. */
function traefik(method: string, uri: string, headers: Record<string, string> = {}) {
  return fetch(`${world.gateway.url}/auth`, {
    headers: {
      'X-Forwarded-Method': method,
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'api.example.com',
      'X-Forwarded-Uri': uri,
      'X-Forwarded-For': '203.0.113.7',
      ...headers,
    },
  });
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('forward-auth contract (Traefik and Caddy headers)', () => {
  it('allows a token with the scope and sends identity headers', async () => {
    const response = await traefik(
      'GET',
      '/orders/42?expand=items',
      bearer(await world.token(['orders:read'])),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auth-subject')).toBe('alice');
    expect(response.headers.get('x-auth-scopes')).toBe('orders:read');
    expect(response.headers.get('x-auth-client-id')).toBe('0oa-orders-app');
    expect(response.headers.get('x-auth-issuer')).toBe(world.issuer.server('default').issuer);
    expect(await response.text()).toBe('');
  });

  it('encodes a space inside one scope, so an upstream splitting X-Auth-Scopes finds only the scopes granted', async () => {
    const token = await world.token(['orders:read', 'x orders:admin']);
    const response = await traefik('GET', '/orders/42', bearer(token));
    expect(response.status).toBe(200);
    const scopes = response.headers.get('x-auth-scopes')!;
    expect(scopes).toBe('orders:read x%20orders:admin');
    expect(scopes.split(' ').map(decodeURIComponent)).toEqual(['orders:read', 'x orders:admin']);
  });

  it('answers a request without a token 401 with a challenge without an error, naming the route scope (BT-7, PR-7)', async () => {
    const response = await traefik('GET', '/orders/42');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api", scope="orders:read"');
    expect(await response.json()).toEqual({
      error_description: 'Expected a bearer token in the Authorization header; the request carried none',
      code: 'ERR_TOKEN_MISSING',
    });
  });

  it('answers a missing scope 403 insufficient_scope naming the scope (BT-7)', async () => {
    const response = await traefik('POST', '/orders', bearer(await world.token(['orders:read'])));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="api", error="insufficient_scope", error_description="[^"]+", scope="orders:write"$/,
    );
    expect(await response.json()).toMatchObject({
      error: 'insufficient_scope',
      code: 'ERR_INSUFFICIENT_SCOPE',
    });
  });

  it("refuses a sibling server's token by name (AT-4)", async () => {
    const token = await world.issuer
      .server('payments')
      .mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const response = await traefik('GET', '/orders/42', bearer(token));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_token', code: 'ERR_ISSUER_MISMATCH' });
  });

  it('refuses an org-server access token with its own code', async () => {
    const token = await world.issuer.orgServer.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const response = await traefik('GET', '/orders/42', bearer(token));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'ERR_ORG_SERVER_TOKEN' });
  });

  it('checks claims, a list meaning one of its values', async () => {
    const acme = await traefik(
      'GET',
      '/tenants/acme/reports',
      bearer(await world.token([], { tenant: 'acme' })),
    );
    expect(acme.status).toBe(200);
    const initech = await traefik(
      'GET',
      '/tenants/x/reports',
      bearer(await world.token([], { tenant: 'initech' })),
    );
    expect(initech.status).toBe(401);
    expect(await initech.json()).toMatchObject({ code: 'ERR_CLAIM_INVALID' });
  });

  it("lets public routes through without a token, with empty identity headers to replace a client's own", async () => {
    const response = await traefik('GET', '/health', { 'X-Auth-Subject': 'admin' });
    expect(response.status).toBe(200);
    for (const name of ['x-auth-subject', 'x-auth-scopes', 'x-auth-client-id', 'x-auth-issuer']) {
      expect(response.headers.get(name), name).toBe('');
    }
  });

  it('refuses what no rule admits, whatever the token: 403 ERR_POLICY_DENIED', async () => {
    const token = await world.token(['orders:read', 'orders:write']);
    for (const [method, uri] of [
      ['GET', '/admin'],
      ['DELETE', '/orders/42'],
      ['GET', '/payouts/1'],
    ] as const) {
      const response = await traefik(method, uri, bearer(token));
      expect(response.status, `${method} ${uri}`).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      expect(await response.json()).toMatchObject({ code: 'ERR_POLICY_DENIED' });
    }
  });

  it('refuses ambiguous paths 400 before any rule is consulted', async () => {
    const token = await world.token(['orders:read']);
    for (const uri of [
      '/orders/%2f..%2fadmin',
      '/orders/..%5cadmin',
      '/orders/%00',
      '/orders//1',
      '/../orders/1',
      '/orders/../admin',
      '/orders/%2e%2e/admin',
    ]) {
      const response = await traefik('GET', uri, bearer(token));
      expect(response.status, uri).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request', code: 'ERR_INVALID_REQUEST' });
    }
  });

  it('lets a CORS preflight through when the request it announces would be routed', async () => {
    const preflight = { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' };
    expect((await traefik('OPTIONS', '/orders', preflight)).status).toBe(200);
    const nowhere = await traefik('OPTIONS', '/admin', preflight);
    expect(nowhere.status).toBe(403);
  });

  it('refuses a repeated X-Forwarded-Uri rather than guess which one is meant', async () => {
    const response = await fetch(`${world.gateway.url}/auth`, {
      headers: [
        ['X-Forwarded-Method', 'GET'],
        ['X-Forwarded-Uri', '/health'],
        ['X-Forwarded-Uri', '/orders/1'],
      ],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
  });

  it('answers 500 without a challenge when the proxy does not say which request to authorize', async () => {
    const response = await fetch(`${world.gateway.url}/auth`);
    expect(response.status).toBe(500);
    expect(response.headers.get('www-authenticate')).toBeNull();
    // A 5xx body shows no internals, as the middleware's; the operator reads the cause in the log.
    expect(await response.json()).toEqual({
      error_description: 'The API is misconfigured and cannot check credentials',
      code: 'ERR_CONFIG',
    });
    expect(world.logs.some((line) => line.includes('did not say which request to authorize'))).toBe(true);
  });

  it('BT-3: refuses a token in the header beside an access_token in the original query, like the middleware', async () => {
    const token = await world.token(['orders:read']);
    const response = await traefik('GET', `/orders/42?access_token=${token}`, bearer(token));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'ERR_INVALID_REQUEST', error: 'invalid_request' });
  });

  it('BT-7: names another scheme in the missing-token answer, like the middleware', async () => {
    const response = await traefik('GET', '/orders/42', { authorization: 'Basic YWxpY2U6c2VjcmV0' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api", scope="orders:read"');
    expect(await response.json()).toEqual({
      error_description: 'Expected the Bearer scheme in the Authorization header; found the "Basic" scheme',
      code: 'ERR_TOKEN_MISSING',
    });
  });
});

describe('NGINX auth_request headers (X-Original-* and Host)', () => {
  it('reads the method and URI from X-Original-* and the host from Host', async () => {
    const response = await fetch(`${world.gateway.url}/auth`, {
      headers: {
        'X-Original-Method': 'POST',
        'X-Original-URI': '/orders',
        ...bearer(await world.token(['orders:write'])),
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auth-scopes')).toBe('orders:write');
  });
});

describe('Envoy HTTP ext_authz (path_prefix /envoy)', () => {
  it('decides on the original method and path, and sends identity headers', async () => {
    const token = await world.issuer.server('default').mintAccessToken({ sub: 'bob', scp: ['orders:write'] });
    const response = await fetch(`${world.gateway.url}/envoy/orders?x=1`, {
      method: 'POST',
      headers: bearer(token),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auth-subject')).toBe('bob');
    // Every identity header is set; Envoy still removes the look-alikes spelled with "_".
    expect(response.headers.get('x-envoy-auth-headers-to-remove')).toBe(
      'x_auth_subject, x_auth_scopes, x_auth_client_id, x_auth_issuer',
    );
  });

  it('has Envoy remove the identity headers it does not set, so a client cannot send its own', async () => {
    const response = await fetch(`${world.gateway.url}/envoy/health`, {
      headers: { 'X-Auth-Subject': 'admin' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-envoy-auth-headers-to-remove')).toBe(
      'x-auth-subject, x-auth-scopes, x-auth-client-id, x-auth-issuer, ' +
        'x_auth_subject, x_auth_scopes, x_auth_client_id, x_auth_issuer',
    );
  });

  it('refuses with the same status, challenge and body as forward-auth', async () => {
    const response = await fetch(`${world.gateway.url}/envoy/orders/1`, { method: 'DELETE' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'ERR_POLICY_DENIED' });
  });
});

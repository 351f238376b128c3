/**
 * End to end through real NGINX (auth_request) and real Caddy (forward_auth), configured with the
 * README's recipes, in front of an echo upstream, with the gateway and the reference issuer:
 * what reaches the API, and what a client gets back, for each kind of request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useProxiedWorld } from './support/proxied-world.js';
import { type RunningProxy, startCaddy, startNginx } from './support/proxies.js';
import { type RawResponse, rawRequest } from './support/raw-request.js';
import type { EchoUpstream } from './support/upstream.js';
import type { World } from './support/world.js';

interface ProxyCase {
  readonly name: string;
  readonly start: typeof startNginx;
  /** Caddy relays the gateway's JSON body; NGINX's auth_request cannot (it keeps headers only). */
  readonly relaysBody: boolean;
}

const PROXIES: readonly ProxyCase[] = [
  { name: 'NGINX auth_request', start: startNginx, relaysBody: false },
  { name: 'Caddy forward_auth', start: startCaddy, relaysBody: true },
];

describe.each(PROXIES)('$name', ({ start, relaysBody }) => {
  const running = useProxiedWorld(start);
  let world: World;
  let upstream: EchoUpstream;
  let proxy: RunningProxy;
  beforeAll(() => {
    ({ world, upstream, proxy } = running());
  });

  const send = (method: string, target: string, headers: Record<string, string> = {}, body?: string) =>
    rawRequest(proxy.port, method, target, headers, body);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** Sends a request that must be refused, and checks that the upstream never saw it. */
  async function refused(
    method: string,
    target: string,
    headers: Record<string, string> = {},
  ): Promise<RawResponse> {
    const before = upstream.seen.length;
    const response = await send(method, target, headers);
    expect(upstream.seen.length, `${method} ${target} reached the upstream`).toBe(before);
    return response;
  }

  function expectBody(response: RawResponse, code: string) {
    if (relaysBody) expect(JSON.parse(response.body)).toMatchObject({ code });
  }

  it('lets an allowed request through with the identity headers', async () => {
    const response = await send('GET', '/orders/42?expand=items', bearer(await world.token(['orders:read'])));
    expect(response.status, proxy.logs()).toBe(200);
    const seen = upstream.seen.at(-1)!;
    expect(seen.url).toBe('/orders/42?expand=items');
    expect(seen.headers['x-auth-subject']).toBe('alice');
    expect(seen.headers['x-auth-scopes']).toBe('orders:read');
    expect(seen.headers['x-auth-client-id']).toBe('0oa-orders-app');
    expect(seen.headers['x-auth-issuer']).toBe(world.issuer.server('default').issuer);
  });

  it("replaces a client's own X-Auth-* headers, and empties them on public routes", async () => {
    const spoofed = {
      'X-Auth-Subject': 'admin',
      'X-Auth-Scopes': 'orders:admin',
      'X-Auth-Client-Id': 'root',
    };
    await send('GET', '/orders/1', { ...spoofed, ...bearer(await world.token(['orders:read'])) });
    const allowed = upstream.seen.at(-1)!;
    expect([allowed.headers['x-auth-subject'], allowed.headers['x-auth-scopes']]).toEqual([
      'alice',
      'orders:read',
    ]);
    expect(allowed.headers['x-auth-client-id']).toBe('0oa-orders-app');

    const response = await send('GET', '/health', {
      ...spoofed,
      'X-Auth-Issuer': 'https://evil.example.com',
    });
    expect(response.status).toBe(200);
    const open = upstream.seen.at(-1)!;
    expect(open.url).toBe('/health');
    // NGINX drops an empty header; Caddy passes it on empty. Either way no client value gets through.
    for (const name of ['x-auth-subject', 'x-auth-scopes', 'x-auth-client-id', 'x-auth-issuer']) {
      expect(open.headers[name] ?? '', name).toBe('');
    }
  });

  it('passes identity values a header cannot hold percent-encoded, never as a header of their own', async () => {
    const sub = 'alice\r\nX-Injected: 1 ünï 名';
    const token = await world.issuer.server('default').mintAccessToken({ sub, scp: ['orders:read'] });
    const response = await send('GET', '/orders/1', bearer(token));
    expect(response.status, proxy.logs()).toBe(200);
    const seen = upstream.seen.at(-1)!;
    expect(seen.headers['x-auth-subject']).toBe('alice%0D%0AX-Injected: 1 %C3%BCn%C3%AF %E5%90%8D');
    expect(decodeURIComponent(seen.headers['x-auth-subject'] as string)).toBe(sub);
    expect(seen.headers['x-injected']).toBeUndefined();
  });

  it('drops identity headers spelled with "_", which PHP and WSGI servers read as the real ones', async () => {
    const lookalikes = { X_Auth_Subject: 'admin', X_Auth_Scopes: 'orders:admin' };
    await send('GET', '/health', lookalikes);
    await send('GET', '/orders/1', { ...lookalikes, ...bearer(await world.token(['orders:read'])) });
    for (const seen of upstream.seen.slice(-2)) {
      expect(Object.keys(seen.headers).filter((name) => name.startsWith('x_auth'))).toEqual([]);
    }
  });

  it('passes POST bodies to the upstream untouched', async () => {
    const body = JSON.stringify({ item: 'widget', quantity: 3, note: 'ünïcödé ✓' });
    const response = await send(
      'POST',
      '/orders',
      { 'Content-Type': 'application/json', ...bearer(await world.token(['orders:write'])) },
      body,
    );
    expect(response.status).toBe(200);
    const seen = upstream.seen.at(-1)!;
    expect([seen.method, seen.body, seen.headers['content-type']]).toEqual([
      'POST',
      body,
      'application/json',
    ]);
  });

  it('answers a request without a token 401 with a challenge without an error, naming the route scope (BT-7, PR-7)', async () => {
    const response = await refused('GET', '/orders/1');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api", scope="orders:read"');
    expectBody(response, 'ERR_TOKEN_MISSING');
  });

  it("refuses a sibling server's token and an org-server token 401 invalid_token (AT-4)", async () => {
    const sibling = await world.issuer
      .server('payments')
      .mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const wrongServer = await refused('GET', '/orders/1', bearer(sibling));
    expect(wrongServer.status).toBe(401);
    expect(wrongServer.headers['www-authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="/,
    );
    expectBody(wrongServer, 'ERR_ISSUER_MISMATCH');

    const org = await world.issuer.orgServer.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const orgServer = await refused('GET', '/orders/1', bearer(org));
    expect(orgServer.status).toBe(401);
    expect(orgServer.headers['www-authenticate']).toContain('error="invalid_token"');
    expectBody(orgServer, 'ERR_ORG_SERVER_TOKEN');
  });

  it('answers a missing scope 403 WITH its insufficient_scope challenge (BT-7)', async () => {
    const response = await refused('POST', '/orders', bearer(await world.token(['orders:read'])));
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer realm="api", error="insufficient_scope", error_description="[^"]+", scope="orders:write"$/,
    );
    expectBody(response, 'ERR_INSUFFICIENT_SCOPE');
  });

  it('refuses path-traversal attempts, never borrowing another route’s rule', async () => {
    const token = bearer(await world.token(['orders:read', 'orders:write']));
    for (const target of [
      '/orders/../admin',
      '/orders/%2e%2e/admin',
      '/orders/%2E%2E/%2E%2E/admin',
      '/health/../admin',
    ]) {
      const response = await refused('GET', target, token);
      expect([403, 404, 400], `${target}: ${response.status}`).toContain(response.status);
    }
    for (const target of [
      '/orders/%2f..%2fadmin',
      '/orders/..%5cadmin',
      '/orders/%252e%252e/admin',
      '/health/..;/admin',
    ]) {
      const response = await refused('GET', target, token);
      expect(response.status, target).toBe(400);
    }
  });

  it('answers a key-set outage 503 WITH Retry-After, not 401 (the token may be fine)', async () => {
    world.issuer.setFault({ server: 'default', endpoint: 'jwks', status: 503 });
    try {
      world.issuer.server('default').rotateKeys();
      const response = await refused('GET', '/orders/1', bearer(await world.token(['orders:read'])));
      expect(response.status, proxy.logs()).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
      expectBody(response, 'ERR_JWKS_FETCH_FAILED');
    } finally {
      world.issuer.clearFaults();
    }
  });
});

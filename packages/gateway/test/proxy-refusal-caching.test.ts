/**
 * `Cache-Control: no-store` through real NGINX (auth_request) and real Caddy (forward_auth),
 * configured with the README's recipes: the gateway sends it with every refusal (a challenge, and
 * a DPoP nonce with it, is for this request only), and the client must get it whatever the
 * refusal; an allowed request's answer is the API's, without it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useProxiedWorld } from './support/proxied-world.js';
import { type RunningProxy, startCaddy, startNginx } from './support/proxies.js';
import { rawRequest } from './support/raw-request.js';
import type { EchoUpstream } from './support/upstream.js';
import type { World } from './support/world.js';

describe.each([
  { name: 'NGINX auth_request', start: startNginx },
  { name: 'Caddy forward_auth', start: startCaddy },
])('$name', ({ start }) => {
  const running = useProxiedWorld(start);
  let world: World;
  let upstream: EchoUpstream;
  let proxy: RunningProxy;
  beforeAll(() => {
    ({ world, upstream, proxy } = running());
  });

  const bearer = async (scopes: readonly string[]) => ({
    Authorization: `Bearer ${await world.token(scopes)}`,
  });

  it('refuses with no-store: no token, a bad token, a missing scope, no rule, an ambiguous path', async () => {
    const refusals: [number, string, string, Record<string, string>][] = [
      [401, 'GET', '/orders/1', {}],
      [401, 'GET', '/orders/1', { Authorization: 'Bearer not.a.token' }],
      [403, 'POST', '/orders', await bearer(['orders:read'])],
      [403, 'DELETE', '/orders/1', await bearer(['orders:read'])],
      [400, 'GET', '/orders/..%5cadmin', await bearer(['orders:read'])],
    ];
    for (const [status, method, target, headers] of refusals) {
      const before = upstream.seen.length;
      const response = await rawRequest(proxy.port, method, target, headers);
      expect(upstream.seen.length, `${method} ${target} reached the upstream`).toBe(before);
      expect(response.status, `${method} ${target}: ${proxy.logs()}`).toBe(status);
      expect(response.headers['cache-control'], `${method} ${target}`).toBe('no-store');
      expect(response.headers['www-authenticate'], `${method} ${target}`).toMatch(/^Bearer realm="api"/);
    }
  });

  it('adds nothing to an allowed answer: its caching is the API’s', async () => {
    for (const [target, headers] of [
      ['/orders/1', await bearer(['orders:read'])],
      ['/health', {}],
    ] as const) {
      const response = await rawRequest(proxy.port, 'GET', target, headers);
      expect(response.status, proxy.logs()).toBe(200);
      expect(response.headers['cache-control'], target).toBeUndefined();
    }
  });

  // Last: the rotated keys stay unfetched for the issuer's cooldown.
  it('refuses a key-set outage 503 with Retry-After and no-store', async () => {
    world.issuer.setFault({ server: 'default', endpoint: 'jwks', status: 503 });
    try {
      world.issuer.server('default').rotateKeys();
      const response = await rawRequest(proxy.port, 'GET', '/orders/1', await bearer(['orders:read']));
      expect(response.status, proxy.logs()).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.headers['cache-control']).toBe('no-store');
    } finally {
      world.issuer.clearFaults();
    }
  });
});

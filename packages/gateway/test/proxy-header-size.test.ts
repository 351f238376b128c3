/**
 * Large request headers through real NGINX (auth_request) and real Caddy (forward_auth),
 * configured with the README's recipes: a request whose headers the proxy accepts is decided by
 * the gateway (its listener takes at least as much as the proxies pass on), and one above every
 * limit is refused with 431, never a 500 and never passed to the API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useProxiedWorld } from './support/proxied-world.js';
import { type RunningProxy, startCaddy, startNginx } from './support/proxies.js';
import { rawRequest } from './support/raw-request.js';
import type { EchoUpstream, SeenRequest } from './support/upstream.js';
import type { World } from './support/world.js';

/** `kib` KiB of extra header lines, each under NGINX's 8 KiB line buffer. */
function padding(kib: number): Record<string, string> {
  const lines: Record<string, string> = {};
  for (let index = 0; index < kib / 2; index += 1) lines[`X-Pad-${index}`] = 'p'.repeat(2048 - 12);
  return lines;
}

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

  async function reached(headers: Record<string, string>) {
    const before = upstream.seen.length;
    const response = await rawRequest(proxy.port, 'GET', '/orders/1', headers);
    const seen: SeenRequest[] = upstream.seen.slice(before);
    return { response, seen };
  }

  it.each([20, 30])(
    'authorizes a valid token with %i KiB of other headers, which the proxy accepts',
    async (kib) => {
      const { response, seen } = await reached({
        Authorization: `Bearer ${await world.token(['orders:read'])}`,
        ...padding(kib),
      });
      expect(response.status, proxy.logs()).toBe(200);
      expect(seen.map((request) => request.headers['x-auth-subject'])).toEqual(['alice']);
    },
  );

  it('refuses headers above every limit with 431, never reaching the API', async () => {
    const { response, seen } = await reached({
      Authorization: `Bearer ${await world.token(['orders:read'])}`,
      ...padding(96),
    });
    expect(seen, 'reached the upstream').toEqual([]);
    expect(response.status, proxy.logs()).toBe(431);
  });
});

describe.each([
  { name: 'NGINX auth_request', start: startNginx },
  { name: 'Caddy forward_auth', start: startCaddy },
])('$name before a gateway reading less than the proxy accepts', ({ start }) => {
  const running = useProxiedWorld(start, undefined, { maxHeaderSize: 16 * 1024 });

  it('passes the gateway’s 431 on to the client, where auth_request alone would answer 500', async () => {
    const { world, upstream, proxy } = running();
    const response = await rawRequest(proxy.port, 'GET', '/orders/1', {
      Authorization: `Bearer ${await world.token(['orders:read'])}`,
      ...padding(20),
    });
    expect(upstream.seen, 'reached the upstream').toEqual([]);
    expect(response.status, proxy.logs()).toBe(431);
  });
});

/**
 * Failing closed through real NGINX (auth_request) and real Caddy (forward_auth), configured with
 * the README's recipes: a request no policy rule admits is refused whatever its token and host, and
 * when the gateway cannot be reached (502) or takes the request and never answers (504), the proxy
 * says so, not to be stored, and never passes the request on, not even to a public route or with a
 * valid token. A gateway's own 500 stays a 500, and the API's own failures reach the client as
 * they are.
 */
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TempFiles, tempFiles } from './support/files.js';
import { useProxiedWorld } from './support/proxied-world.js';
import { freePort, type RunningProxy, startCaddy, startNginx } from './support/proxies.js';
import { PROXY_PAGE } from './support/proxy-page.js';
import { type RawResponse, rawRequest } from './support/raw-request.js';
import { type EchoUpstream, startEchoUpstream } from './support/upstream.js';
import { testPolicy, type World } from './support/world.js';

/** How far ahead of the real time the gateway's clock runs (see the key-fetch test). */
let skew = 0;

describe.each([
  { name: 'NGINX auth_request', start: startNginx },
  { name: 'Caddy forward_auth', start: startCaddy },
])('$name', ({ start }) => {
  const running = useProxiedWorld(start, testPolicy, { clock: () => Date.now() + skew });
  let world: World;
  let upstream: EchoUpstream;
  let proxy: RunningProxy;
  beforeAll(() => {
    ({ world, upstream, proxy } = running());
  });

  it('refuses a request no rule admits 403, whatever its token, method and host (deny by default)', async () => {
    const token = await world.token(['orders:read', 'orders:write', 'admin']);
    for (const [method, target, host] of [
      ['GET', '/unrouted', 'api.example.com'],
      ['DELETE', '/orders/1', 'api.example.com'],
      ['GET', '/health/../unrouted', 'unknown.example.org'],
      ['GET', '/admin', 'unknown.example.org'],
    ] as const) {
      const before = upstream.seen.length;
      const response = await rawRequest(proxy.port, method, target, {
        Host: host,
        Authorization: `Bearer ${token}`,
      });
      expect(upstream.seen.slice(before), `${method} ${target} reached the upstream`).toEqual([]);
      expect([400, 403], `${method} ${target}: ${response.status}`).toContain(response.status);
    }
  });

  // Two hours on, discovery and the key set are both due and the last good keys are past
  // staleIfError: the gateway waits for discovery, then the key set, then answers 503.
  it('waits for the gateway’s longest fetch and passes on its 503 with Retry-After, not a timeout', async () => {
    skew = 2 * 3600 * 1000;
    const at = Math.floor((Date.now() + skew) / 1000);
    const token = await world.token(['orders:read'], { iat: at, exp: at + 300 });
    for (const endpoint of ['discovery', 'jwks'] as const)
      world.issuer.setFault({ server: 'default', endpoint, delayMs: 'never' });
    try {
      const before = upstream.seen.length;
      const response = await rawRequest(proxy.port, 'GET', '/orders/1', { Authorization: `Bearer ${token}` });
      expect(response.status, proxy.logs()).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).not.toMatch(PROXY_PAGE);
      expect(upstream.seen.slice(before)).toEqual([]);
    } finally {
      world.issuer.clearFaults();
      skew = 0;
    }
  });

  it('passes an API’s own 500 to the client as the API sent it', async () => {
    const response = await rawRequest(proxy.port, 'GET', '/health', { 'X-Echo-Status': '500' });
    expect(response.status, proxy.logs()).toBe(500);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['cache-control']).toBeUndefined();
    expect(JSON.parse(response.body)).toMatchObject({ url: '/health' });
  });

  describe('with the gateway unreachable', () => {
    // A port nothing listens on: the gateway is down (or not yet up) behind the recipe.
    const unreachable = useProxyBefore(start, async () => ({
      port: await freePort(),
      close: async () => {},
    }));

    it('answers 502 “unavailable”, not stored, and passes nothing on, for a public route and a valid token', async () => {
      const { proxy: deadEnd, api } = unreachable();
      const token = await world.token(['orders:read']);
      for (const [target, headers] of [
        ['/health', {}],
        ['/orders/1', { Authorization: `Bearer ${token}` }],
      ] as const) {
        const response = await rawRequest(deadEnd.port, 'GET', target, headers);
        expectProxyAnswer(response, 502, 'The authorization service is unavailable.', deadEnd.logs());
      }
      expect(api.seen).toEqual([]);
    });
  });

  describe('with a gateway that takes the request and never answers', () => {
    const hanging = useProxyBefore(start, startSilentServer);

    // Without the recipe's timeouts NGINX waits 60 s and Caddy indefinitely: past the test's limit.
    it('answers 504 “did not answer in time” once the recipe’s 15 s timeout passes, and passes nothing on', async () => {
      const { proxy: stuck, api } = hanging();
      const token = await world.token(['orders:read']);
      const response = await rawRequest(stuck.port, 'GET', '/orders/1', { Authorization: `Bearer ${token}` });
      expectProxyAnswer(response, 504, 'The authorization service did not answer in time.', stuck.logs());
      expect(api.seen).toEqual([]);
    });
  });

  describe('with a gateway that answers 500 itself', () => {
    const failing = useProxyBefore(start, startFailingGateway);

    it('answers 500, told apart from a gateway that could not be asked, and passes nothing on', async () => {
      const { proxy: broken, api } = failing();
      const response = await rawRequest(broken.port, 'GET', '/health');
      expect(response.status, broken.logs()).toBe(500);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).not.toMatch(PROXY_PAGE);
      expect(api.seen).toEqual([]);
    });
  });

  describe('with the API unreachable', () => {
    const apiDown = useProxyBefore(
      start,
      async () => ({ port: Number(new URL(world.gateway.url).port), close: async () => {} }),
      async () => ({ port: await freePort(), seen: [], close: async () => {} }),
    );

    it('answers the proxy’s own 502 without blaming the authorization service', async () => {
      const { proxy: stranded } = apiDown();
      const response = await rawRequest(stranded.port, 'GET', '/health');
      expect(response.status, stranded.logs()).toBe(502);
      expect(response.body).not.toContain('authorization service');
      expect(response.body).not.toMatch(PROXY_PAGE);
      expect(response.headers['cache-control']).toBeUndefined();
    });
  });
});

/**
 * What the proxy answers itself when it could not ask the gateway: this status, the recipe's body
 * (nothing of the proxy's version or addresses), no challenge, and not to be stored.
 */
function expectProxyAnswer(response: RawResponse, status: number, body: string, logs: string): void {
  expect(response.status, logs).toBe(status);
  // NGINX ends the line with a newline; Caddy's respond cannot.
  expect(response.body.trimEnd()).toBe(body);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['www-authenticate']).toBeUndefined();
}

/** A server the proxy is pointed at, as the gateway. */
interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Before a describe block's tests, the recipe's proxy starts, asking `gateway` in front of an API of
 * its own (so that what reached it is this block's alone); all stop after them.
 */
function useProxyBefore(
  start: typeof startNginx,
  gateway: () => Promise<Listener>,
  upstream: () => Promise<EchoUpstream> = startEchoUpstream,
): () => { proxy: RunningProxy; api: EchoUpstream } {
  let files: TempFiles | undefined;
  let fake: Listener | undefined;
  let api: EchoUpstream | undefined;
  let proxy: RunningProxy | undefined;
  beforeAll(async () => {
    files = tempFiles();
    api = await upstream();
    fake = await gateway();
    proxy = await start(files.dir, { gateway: fake.port, upstream: api.port });
  });
  afterAll(async () => {
    await proxy?.close();
    await fake?.close();
    await api?.close();
    files?.remove();
  });
  return () => {
    if (proxy === undefined || api === undefined) throw new Error('the proxy is not running');
    return { proxy, api };
  };
}

/** A gateway that answers every question 500, as the real one does when the proxy describes no request. */
async function startFailingGateway(): Promise<Listener> {
  const server = createHttpServer((_request, response) => {
    response.writeHead(500, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    response.end(JSON.stringify({ error: 'server_error', code: 'ERR_CONFIG' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that accepts connections, reads what comes and never answers: a hung gateway. */
async function startSilentServer(): Promise<Listener> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

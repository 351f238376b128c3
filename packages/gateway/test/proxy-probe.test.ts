/**
 * What an outside probe tries against real NGINX (auth_request) and real Caddy (forward_auth),
 * configured with the README's recipes, in front of a site whose policy ends with a public
 * catch-all: method overrides, a raw "#", requests sharing a connection, smuggling-shaped framing,
 * repeated credentials, oversized headers, forged identity headers in any letter case, and the
 * gateway's own endpoints asked through the proxy. Each refused request must never reach the echo
 * upstream, and each allowed one must carry only the gateway's identity headers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useProxiedWorld } from './support/proxied-world.js';
import { type RunningProxy, startCaddy, startNginx } from './support/proxies.js';
import { exchange, requestBytes } from './support/raw-exchange.js';
import { rawRequest } from './support/raw-request.js';
import type { EchoUpstream, SeenRequest } from './support/upstream.js';
import { sitePolicy, type World } from './support/world.js';

const IDENTITY = ['x-auth-subject', 'x-auth-scopes', 'x-auth-client-id', 'x-auth-issuer'] as const;

describe.each([
  { name: 'NGINX auth_request', start: startNginx },
  { name: 'Caddy forward_auth', start: startCaddy },
])('$name', ({ start }) => {
  const running = useProxiedWorld(start, sitePolicy);
  let world: World;
  let upstream: EchoUpstream;
  let proxy: RunningProxy;
  let admin: string;
  beforeAll(async () => {
    ({ world, upstream, proxy } = running());
    admin = await world.token(['admin']);
  });

  /** What reached the upstream while `probe` ran. */
  async function reached<T>(probe: () => Promise<T>): Promise<{ result: T; seen: SeenRequest[] }> {
    const before = upstream.seen.length;
    const result = await probe();
    return { result, seen: upstream.seen.slice(before) };
  }

  it('lets a public page through, so a refusal below is the rule at work', async () => {
    const { result, seen } = await reached(() =>
      rawRequest(proxy.port, 'POST', '/public/page', {
        Host: 'www.example.com',
        'X-HTTP-Method-Override': 'PUT',
      }),
    );
    expect(result.status, proxy.logs()).toBe(200);
    expect(seen.map((request) => request.url)).toEqual(['/public/page']);
  });

  it.each<{ name: string; target: string; headers: Record<string, string> }>([
    { name: 'X-HTTP-Method-Override', target: '/settings', headers: { 'X-HTTP-Method-Override': 'PUT' } },
    { name: 'X-HTTP-Method', target: '/settings', headers: { 'X-HTTP-Method': 'put' } },
    { name: 'X-Method-Override', target: '/settings', headers: { 'X-Method-Override': 'PUT' } },
    { name: 'a _method query parameter', target: '/settings?_method=PUT', headers: {} },
    // Two lines reach the API joined by a comma; method-override and Symfony take the first.
    { name: 'an override list', target: '/settings', headers: { 'X-HTTP-Method-Override': 'PUT, GET' } },
  ])(
    'refuses a POST that $name turns into a protected PUT with 400 invalid_request, never reaching the API (BT-7)',
    async ({ target, headers }) => {
      const { result, seen } = await reached(() =>
        rawRequest(proxy.port, 'POST', target, {
          Host: 'www.example.com',
          'Content-Length': '0',
          ...headers,
        }),
      );
      expect(seen, 'reached the upstream').toEqual([]);
      expect(result.status, proxy.logs()).toBe(400);
      expect(result.headers['www-authenticate']).toMatch(
        /^Bearer realm="api", error="invalid_request", error_description="the request is refused: its rule depends on a method override/,
      );
    },
  );

  it('refuses a GET whose override names a method its token was not checked for', async () => {
    const reader = await world.token(['orders:read']);
    const { result, seen } = await reached(() =>
      rawRequest(proxy.port, 'GET', '/orders/1', {
        Host: 'www.example.com',
        Authorization: `Bearer ${reader}`,
        'X-HTTP-Method-Override': 'DELETE',
      }),
    );
    expect(seen, 'reached the upstream').toEqual([]);
    expect(result.status).toBe(400);
  });

  it('refuses a raw "#" that a Go upstream would keep in the path and resolve past', async () => {
    const { result, seen } = await reached(() =>
      exchange(proxy.port, requestBytes('GET /public/page#/../../admin/x HTTP/1.1', ['Connection: close'])),
    );
    expect(seen, 'reached the upstream').toEqual([]);
    expect(result.statuses).toEqual([400]);
  });

  it('decides each request of a kept-alive connection on its own, allowed first or refused first', async () => {
    const allowed = requestBytes('GET /admin/x HTTP/1.1', [`Authorization: Bearer ${admin}`]);
    const bare = (path: string, close: boolean) =>
      requestBytes(`GET ${path} HTTP/1.1`, close ? ['Connection: close'] : []);
    const first = await reached(() => exchange(proxy.port, allowed + bare('/admin/after', true)));
    expect(first.result.statuses).toEqual([200, 401]);
    expect(first.seen.map((request) => request.url)).toEqual(['/admin/x']);

    const second = await reached(() =>
      exchange(
        proxy.port,
        bare('/admin/before', false) + allowed.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'),
      ),
    );
    expect(second.result.statuses).toEqual([401, 200]);
    expect(second.seen.map((request) => request.url)).toEqual(['/admin/x']);
    expect(second.seen[0]!.headers['x-auth-subject']).toBe('alice');
  });

  it('decides a WebSocket upgrade as any other request: refused without a token, identified with one', async () => {
    const upgrade = (token?: string) =>
      requestBytes('GET /admin/socket HTTP/1.1', [
        'Upgrade: websocket',
        // "close" beside "Upgrade": the proxy closes once it has answered, whatever it answered.
        'Connection: Upgrade, close',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        ...(token === undefined ? [] : [`Authorization: Bearer ${token}`]),
      ]);
    const bare = await reached(() => exchange(proxy.port, upgrade()));
    expect(bare.seen, 'reached the upstream').toEqual([]);
    expect(bare.result.statuses).toEqual([401]);
    const allowed = await reached(() => exchange(proxy.port, upgrade(admin)));
    expect(allowed.seen.map((request) => [request.url, request.headers['x-auth-subject']])).toEqual([
      ['/admin/socket', 'alice'],
    ]);
  });

  it('decides an HTTP/1.0 request without Host by the rules for any host, never a host’s own', async () => {
    const http10 = (target: string, headers: readonly string[] = []) =>
      `GET ${target} HTTP/1.0\r\n${headers.map((header) => `${header}\r\n`).join('')}\r\n`;
    // With a Host the host's rule applies; without one only the rules for any host can match.
    const hosted = await reached(() =>
      exchange(proxy.port, http10('/public/page', ['Host: admin.example.com'])),
    );
    expect([hosted.result.statuses, hosted.seen], proxy.logs()).toEqual([[401], []]);
    const open = await reached(() => exchange(proxy.port, http10('/public/page')));
    expect(open.result.statuses, proxy.logs()).toEqual([200]);
    expect(open.seen.map((request) => request.url)).toEqual(['/public/page']);

    const anonymous = await reached(() =>
      exchange(proxy.port, http10('/admin/x', ['Connection: keep-alive']) + http10('/admin/y')),
    );
    expect(anonymous.seen, 'reached the upstream').toEqual([]);
    // NGINX answers both; Caddy closes an HTTP/1.0 connection after its first answer.
    expect(anonymous.result.statuses.length).toBeGreaterThan(0);
    for (const status of anonymous.result.statuses) expect(status).toBe(401);
    const identified = await reached(() =>
      exchange(proxy.port, http10('/admin/x', [`Authorization: Bearer ${admin}`])),
    );
    expect(identified.result.statuses).toEqual([200]);
    expect(identified.seen.map((request) => [request.url, request.headers['x-auth-subject']])).toEqual([
      ['/admin/x', 'alice'],
    ]);
  });

  it.each([
    ['Content-Length beside Transfer-Encoding', ['Content-Length: 4', 'Transfer-Encoding: chunked']],
    [
      'Transfer-Encoding beside a longer Content-Length',
      ['Transfer-Encoding: chunked', 'Content-Length: 60'],
    ],
    ['two Transfer-Encoding lines', ['Transfer-Encoding: chunked', 'Transfer-Encoding: identity']],
  ])(
    'never lets a request smuggled in a public POST body (%s) reach the API unasked',
    async (_name, framing) => {
      const smuggled = requestBytes('GET /admin/x HTTP/1.1', ['Connection: close']);
      const { seen } = await reached(() =>
        exchange(proxy.port, requestBytes('POST /public/page HTTP/1.1', framing, `0\r\n\r\n${smuggled}`)),
      );
      expect(seen.filter((request) => request.url !== '/public/page')).toEqual([]);
    },
  );

  it('BT-9: refuses two Authorization lines, the first one valid, with 400', async () => {
    const { result, seen } = await reached(() =>
      exchange(
        proxy.port,
        requestBytes('GET /admin/x HTTP/1.1', [
          `Authorization: Bearer ${admin}`,
          'Authorization: Bearer other',
          'Connection: close',
        ]),
      ),
    );
    expect(seen, 'reached the upstream').toEqual([]);
    expect(result.statuses).toEqual([400]);
  });

  it('never passes a valid token whose request is too large to read (headers over 64 KiB)', async () => {
    const padding = 'a'.repeat(7000);
    const { result, seen } = await reached(() =>
      rawRequest(proxy.port, 'GET', '/admin/x', {
        Host: 'www.example.com',
        Authorization: `Bearer ${admin}`,
        'X-Pad-A': padding,
        'X-Pad-B': padding,
        'X-Pad-C': padding,
        'X-Pad-D': padding,
        'X-Pad-E': padding,
        'X-Pad-F': padding,
        'X-Pad-G': padding,
        'X-Pad-H': padding,
        'X-Pad-I': padding,
        'X-Pad-J': padding,
      }),
    );
    expect(seen, 'reached the upstream').toEqual([]);
    expect(result.status, proxy.logs()).toBe(431);
  });

  it('gives the API only the gateway’s identity headers, whatever letter case the client forged them in', async () => {
    const forged = { 'x-AUTH-subject': 'root', 'X-AUTH-SCOPES': 'admin', 'x-auth-Client-ID': 'root' };
    const allowed = await reached(() =>
      rawRequest(proxy.port, 'GET', '/admin/x', {
        Host: 'www.example.com',
        Authorization: `Bearer ${admin}`,
        ...forged,
      }),
    );
    const preflight = await reached(() =>
      rawRequest(proxy.port, 'OPTIONS', '/admin/x', {
        Host: 'www.example.com',
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'GET',
        ...forged,
      }),
    );
    const open = await reached(() =>
      rawRequest(proxy.port, 'GET', '/public/page', { Host: 'www.example.com', ...forged }),
    );
    expect([allowed.result.status, preflight.result.status, open.result.status], proxy.logs()).toEqual([
      200, 200, 200,
    ]);
    const [identified] = allowed.seen;
    expect([identified?.headers['x-auth-subject'], identified?.headers['x-auth-scopes']]).toEqual([
      'alice',
      'admin',
    ]);
    for (const seen of [...preflight.seen, ...open.seen]) {
      // NGINX drops an empty header; Caddy passes it on empty.
      for (const name of IDENTITY) expect(seen.headers[name] ?? '', `${seen.method} ${name}`).toBe('');
    }
  });

  it('gives the API the host the gateway decided on, never a client’s own description of the request', async () => {
    // Each names the admin host or path: the gateway decides on Host and the target, and an API
    // reading one of these instead would serve the admin site to a request decided as public.
    const described = {
      'X-Forwarded-Host': 'admin.example.com',
      'X-Forwarded-Proto': 'https',
      Forwarded: 'host=admin.example.com;proto=https',
      'X-Original-URL': '/admin/x',
      'X-Rewrite-URL': '/admin/x',
      // Rack, Spring and Django (USE_X_FORWARDED_PORT) build the request's URL with this port.
      'X-Forwarded-Port': '8443',
    };
    const { result, seen } = await reached(() =>
      rawRequest(proxy.port, 'GET', '/public/page', { Host: 'www.example.com', ...described }),
    );
    expect(result.status, proxy.logs()).toBe(200);
    const headers = seen[0]?.headers ?? {};
    const forwarded = [
      'x-forwarded-host',
      'x-forwarded-proto',
      'forwarded',
      'x-original-url',
      'x-rewrite-url',
      'x-forwarded-port',
    ];
    expect(forwarded.map((name) => headers[name])).toEqual([
      'www.example.com',
      'http',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("never answers from the gateway's own endpoints: they are not routes of the API's proxy", async () => {
    for (const path of ['/_tokenward', '/auth', '/healthz', '/readyz', '/envoy/admin/x']) {
      const response = await rawRequest(proxy.port, 'GET', path, { Host: 'www.example.com' });
      expect(['ok\n', 'ready\n'], path).not.toContain(response.body);
      expect(response.headers['x-auth-subject'], path).toBeUndefined();
      // NGINX's subrequest location is internal: a client asking for it gets 404, nothing else.
      if (path === '/_tokenward' && start === startNginx) expect(response.status).toBe(404);
      else expect(JSON.parse(response.body), path).toMatchObject({ url: path });
    }
  });
});

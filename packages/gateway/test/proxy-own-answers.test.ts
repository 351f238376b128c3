/**
 * What the proxies answer themselves, as an outside probe sees it through real NGINX (auth_request)
 * and real Caddy (forward_auth) configured with the README's recipes: requests the proxy refuses
 * before asking the gateway (a request line or header it cannot parse, a URI or headers too large,
 * a method or transfer coding it does not take, an HTTP version it does not speak, its internal
 * location) and the gateway's refusals it passes on. Each answer keeps the status the proxy or the
 * gateway chose and shows neither a page nor a version of the proxy.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useProxiedWorld } from './support/proxied-world.js';
import { type RunningProxy, startCaddy, startNginx } from './support/proxies.js';
import { PROXY_PAGE } from './support/proxy-page.js';
import { exchange, requestBytes } from './support/raw-exchange.js';
import type { EchoUpstream } from './support/upstream.js';
import { sitePolicy, type World } from './support/world.js';

type Proxy = 'nginx' | 'caddy';

interface Probe {
  readonly name: string;
  readonly bytes: string;
  /** The status each proxy answers, by name; `0` for an answer without a status line (HTTP/0.9). */
  readonly expected: Partial<Record<Proxy, number>>;
}

const close = 'Connection: close';
const line = (target: string, version = 'HTTP/1.1') => `GET ${target} ${version}`;

const PROBES: readonly Probe[] = [
  { name: 'a request line of one word', bytes: 'GARBAGE\r\n\r\n', expected: { nginx: 400, caddy: 400 } },
  {
    name: 'a request line with a fourth part',
    bytes: requestBytes(`${line('/admin/x')} extra`, [close]),
    expected: { nginx: 400, caddy: 400 },
  },
  {
    name: 'a method in lower case',
    bytes: requestBytes('get /admin/x HTTP/1.1', [close]),
    // Caddy takes any token as a method: the gateway refuses the request for want of a token.
    expected: { nginx: 400, caddy: 401 },
  },
  {
    name: 'an unknown method',
    bytes: requestBytes('FROB /admin/x HTTP/1.1', [close]),
    expected: { nginx: 401, caddy: 401 },
  },
  {
    name: 'TRACE',
    bytes: requestBytes('TRACE /admin/x HTTP/1.1', [close]),
    expected: { nginx: 405, caddy: 401 },
  },
  // NGINX answers an HTTP/0.9 request with the body alone; Caddy refuses it.
  { name: 'HTTP/0.9', bytes: 'GET /admin/x\r\n', expected: { nginx: 0, caddy: 400 } },
  {
    name: 'HTTP/3.0 over HTTP/1 framing',
    bytes: requestBytes(line('/admin/x', 'HTTP/3.0'), [close]),
    expected: { nginx: 505, caddy: 505 },
  },
  {
    name: 'a 40 KiB URI',
    bytes: requestBytes(line(`/admin/${'a'.repeat(40 * 1024)}`), [close]),
    // RFC 9110 section 15.5.15; Go counts the request line in Caddy's header limit (RFC 6585 section 5).
    expected: { nginx: 414, caddy: 431 },
  },
  {
    name: 'a 40 KiB header line',
    bytes: requestBytes(line('/admin/x'), [`X-Pad: ${'p'.repeat(40 * 1024)}`, close]),
    expected: { nginx: 431, caddy: 431 },
  },
  {
    name: 'no Host in HTTP/1.1',
    bytes: `${line('/admin/x')}\r\n${close}\r\n\r\n`,
    expected: { nginx: 400, caddy: 400 },
  },
  {
    name: 'a Host with a "/"',
    bytes: `${line('/admin/x')}\r\nHost: a/b\r\n${close}\r\n\r\n`,
    expected: { nginx: 400, caddy: 400 },
  },
  {
    name: 'two Host lines',
    bytes: requestBytes(line('/admin/x'), ['Host: admin.example.com', close]),
    expected: { nginx: 400, caddy: 400 },
  },
  {
    name: 'a header name with a space',
    bytes: requestBytes(line('/admin/x'), ['Bad Name: x', close]),
    expected: { nginx: 400, caddy: 400 },
  },
  {
    name: 'a Content-Length that is not a number',
    bytes: requestBytes('POST /public/page HTTP/1.1', ['Content-Length: ten', close]),
    expected: { nginx: 400, caddy: 400 },
  },
  {
    name: 'a transfer coding the proxy does not take',
    bytes: requestBytes('POST /public/page HTTP/1.1', ['Transfer-Encoding: gzip', close]),
    expected: { nginx: 501, caddy: 501 },
  },
  {
    name: 'a body over NGINX’s client_max_body_size',
    bytes: requestBytes('POST /public/page HTTP/1.1', ['Content-Length: 5000000', close]),
    expected: { nginx: 413 },
  },
  {
    name: 'the subrequest’s internal location',
    bytes: requestBytes(line('/_tokenward'), [close]),
    expected: { nginx: 404 },
  },
];

describe.each([
  { name: 'NGINX auth_request', proxyName: 'nginx' as const, start: startNginx },
  { name: 'Caddy forward_auth', proxyName: 'caddy' as const, start: startCaddy },
])('$name', ({ proxyName, start }) => {
  const running = useProxiedWorld(start, sitePolicy);
  let world: World;
  let upstream: EchoUpstream;
  let proxy: RunningProxy;
  beforeAll(() => {
    ({ world, upstream, proxy } = running());
  });

  const probes = PROBES.filter((probe) => probe.expected[proxyName] !== undefined);

  it.each(probes)('answers $name with its status, no page and no version', async (probe) => {
    const before = upstream.seen.length;
    const { statuses, text } = await exchange(proxy.port, probe.bytes);
    const status = probe.expected[proxyName];
    expect(statuses, proxy.logs()).toEqual(status === 0 ? [] : [status]);
    expect(text).not.toMatch(PROXY_PAGE);
    expect(text).not.toMatch(/^Server: (?!nginx\r$|Caddy\r$)/im);
    expect(upstream.seen.slice(before), 'reached the upstream').toEqual([]);
    // HTTP/0.9 has no status line: the answer is the recipe's text for the gateway's 401.
    if (status === 0) expect(text).toMatch(/^The request needs a valid access token/);
  });

  it.each<{ name: string; status: number; head: (reader: string) => string[] }>([
    { name: 'a request without a token (BT-7)', status: 401, head: () => [line('/admin/x')] },
    {
      name: 'a token without the scope (BT-7)',
      status: 403,
      head: (reader) => [line('/admin/x'), `Authorization: Bearer ${reader}`],
    },
    {
      name: 'a method override onto a protected PUT (BT-7)',
      status: 400,
      head: () => ['POST /settings HTTP/1.1', 'X-HTTP-Method-Override: PUT', 'Content-Length: 0'],
    },
  ])(
    "passes on the gateway's refusal of $name with its challenge, as text or JSON, not to be stored",
    async ({ status, head }) => {
      const [first, ...headers] = head(await world.token(['orders:read']));
      const { statuses, text } = await exchange(proxy.port, requestBytes(first!, [...headers, close]));
      expect(statuses, proxy.logs()).toEqual([status]);
      expect(text).not.toMatch(PROXY_PAGE);
      expect(text).toMatch(/^WWW-Authenticate: Bearer realm="api"/im);
      expect(text).toMatch(/^Cache-Control: no-store\r$/im);
      expect(text).toMatch(/^Content-Type: (text\/plain|application\/json)\r$/im);
    },
  );
});

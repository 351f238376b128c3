/**
 * Attacks through real NGINX (auth_request) and real Caddy (forward_auth), configured with the
 * README's recipes, in front of a site whose policy ends with a public catch-all: a request the
 * gateway reads differently from the proxy or the upstream would reach the API. Each must be
 * refused, and the echo upstream must never see it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useProxiedWorld } from './support/proxied-world.js';
import { type RunningProxy, startCaddy, startNginx } from './support/proxies.js';
import { rawRequest } from './support/raw-request.js';
import type { EchoUpstream } from './support/upstream.js';
import { sitePolicy } from './support/world.js';

interface Attack {
  readonly name: string;
  readonly method?: string;
  readonly target: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  /** Caddy passes a client's X-Original-* beside its own X-Forwarded-*: described twice, 400. */
  readonly throughCaddy?: number;
}

const ATTACKS: readonly Attack[] = [
  {
    name: "a client's own X-Forwarded-Method/-Uri naming a public page",
    target: '/admin/x',
    headers: { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': '/public/page' },
    status: 401,
  },
  {
    name: "a client's own X-Original-Method/-URI naming a public page",
    target: '/admin/x',
    headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/public/page' },
    status: 401,
    throughCaddy: 400,
  },
  {
    name: "the protected host with a client's own X-Forwarded-Host",
    target: '/public/page',
    headers: { Host: 'admin.example.com', 'X-Forwarded-Host': 'www.example.com' },
    status: 401,
  },
  { name: 'letter case', target: '/ADMIN/x', status: 400 },
  { name: 'an encoded letter', target: '/%61dmin/x', status: 400 },
  { name: 'dot segments out of a protected area', target: '/admin/x/../../public/page', status: 400 },
  { name: '";" path parameters', target: '/admin;jsessionid=1/x', status: 400 },
  { name: 'a trailing slash after a protected literal', target: '/settings/', status: 401 },
  // Rails and Spring's suffix matching serve /admin.json from /admin's handler.
  { name: 'a format suffix on a protected literal', target: '/admin.json', status: 400 },
  { name: 'HEAD of a GET-only route', method: 'HEAD', target: '/orders/1', status: 401 },
  { name: 'an absolute-form request line', target: 'http://www.example.com/admin/x', status: 401 },
  {
    name: 'an absolute-form request line naming the protected host',
    target: 'http://admin.example.com/public/page',
    status: 401,
  },
];

describe.each([
  { name: 'NGINX auth_request', start: startNginx, caddy: false },
  { name: 'Caddy forward_auth', start: startCaddy, caddy: true },
])('$name', ({ start, caddy }) => {
  const running = useProxiedWorld(start, sitePolicy);
  let upstream: EchoUpstream;
  let proxy: RunningProxy;
  beforeAll(() => {
    ({ upstream, proxy } = running());
  });

  it('lets a public page through, so a refusal below is the rule at work', async () => {
    const response = await rawRequest(proxy.port, 'GET', '/public/page', { Host: 'www.example.com' });
    expect(response.status, proxy.logs()).toBe(200);
    expect(upstream.seen.at(-1)?.url).toBe('/public/page');
  });

  it.each(ATTACKS)('refuses $name: $target → $status', async (attack) => {
    const before = upstream.seen.length;
    const response = await rawRequest(proxy.port, attack.method ?? 'GET', attack.target, {
      Host: 'www.example.com',
      ...attack.headers,
    });
    expect(upstream.seen.slice(before), 'reached the upstream').toEqual([]);
    expect(response.status, proxy.logs()).toBe((caddy ? attack.throughCaddy : undefined) ?? attack.status);
  });
});

/**
 * One table of path, method and host attacks, asked through every door the gateway has, with the
 * exact headers each proxy sends: Traefik's forwardAuth, the NGINX recipe's auth_request
 * subrequest, Envoy's HTTP ext_authz (path_prefix) and Envoy's gRPC Check. The policy is a site
 * with a public catch-all, so a request the gateway reads differently from the upstream would
 * land on the public rule; each row must be refused (or reach the rule the upstream would serve).
 */
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckClient, connectCheckClient } from './support/grpc-client.js';
import { rawRequest } from './support/raw-request.js';
import { sitePolicy, startWorld, type World } from './support/world.js';

let world: World;
let grpc: CheckClient;
let port: number;
beforeAll(async () => {
  world = await startWorld({ grpcPort: 0 }, sitePolicy);
  grpc = connectCheckClient(world.gateway.grpcAddress!);
  port = Number(new URL(world.gateway.url).port);
});
afterAll(async () => {
  grpc.close();
  await world.close();
});

type Headers = Record<string, string>;
/** A door: how one proxy asks about `method target` on `host` with the client's `headers`. */
type Door = (method: string, target: string, host: string, headers: Headers) => Promise<number>;

const DOORS: Record<string, Door> = {
  // Traefik: GET to the address with the client's headers, X-Forwarded-* overwritten by Traefik.
  'Traefik forwardAuth': async (method, target, host, headers) =>
    (
      await rawRequest(port, 'GET', '/auth', {
        ...headers,
        'X-Forwarded-Method': method,
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': host,
        'X-Forwarded-Uri': target,
        'X-Forwarded-For': '203.0.113.7',
      })
    ).status,
  // The NGINX recipe: the subrequest carries the client's headers, then the recipe's own.
  'NGINX auth_request': async (method, target, host, headers) =>
    (
      await rawRequest(port, 'GET', '/auth', {
        ...headers,
        Host: host,
        'X-Original-Method': method,
        'X-Original-URI': target,
        'X-Forwarded-Proto': 'http',
      })
    ).status,
  // Envoy HTTP: the original method, path_prefix + the original path, Host and Authorization.
  'Envoy ext_authz HTTP': async (method, target, host, headers) =>
    (
      await rawRequest(port, method, `/envoy${target}`, {
        Host: host,
        'Content-Length': '0',
        // The recipe's allowed_headers beside Authorization (Origin and the rest are not used here).
        ...Object.fromEntries(
          Object.entries(headers).filter(([name]) =>
            ['authorization', 'x-http-method-override'].includes(name.toLowerCase()),
          ),
        ),
      })
    ).status,
  // Envoy gRPC: the attributes, headers lower-cased with Envoy's pseudo-headers.
  'Envoy ext_authz gRPC': async (method, target, host, headers) => {
    const lower = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const response = await grpc.check({
      method,
      path: target,
      host,
      scheme: 'https',
      headers: { ...lower, ':method': method, ':path': target, ':authority': host },
    });
    return response.status.code === 0 ? 200 : response.denied_response!.status.code;
  },
};

interface Row {
  readonly name: string;
  readonly method?: string;
  readonly target: string;
  readonly host?: string;
  /** Scopes of a token to send; none sends no token. */
  readonly scopes?: readonly string[];
  /** The client's other headers. */
  readonly headers?: Headers;
  readonly status: number;
  /** A door whose proxy cannot send this row as it is, and the refusal it gets instead. */
  readonly through?: Readonly<Record<string, number>>;
}

const ROWS: readonly Row[] = [
  { name: 'a public page', target: '/public/page', status: 200 },
  { name: 'a protected area without a token', target: '/admin/x', status: 401 },
  { name: 'a protected area with its scope', target: '/orders/1', scopes: ['orders:read'], status: 200 },
  { name: 'letter case of a protected literal', target: '/ADMIN/x', status: 400 },
  { name: 'one letter upper-cased', target: '/Admin/x', status: 400 },
  { name: 'an encoded letter in a protected literal', target: '/%61dmin/x', status: 400 },
  { name: 'an encoded letter under the catch-all only', target: '/public/%70age', status: 200 },
  {
    name: 'dot segments climbing out of a protected area',
    target: '/admin/x/../../public',
    status: 400,
  },
  { name: 'dot segments climbing into a protected area', target: '/public/../admin/x', status: 400 },
  { name: 'encoded dot segments', target: '/public/%2e%2e/admin/x', status: 400 },
  { name: 'a "." segment', target: '/public/./page', status: 400 },
  {
    name: '";" path parameters on a protected literal',
    target: '/admin;jsessionid=1/x',
    status: 400,
  },
  { name: '";" after a dot segment', target: '/public/..;/admin/x', status: 400 },
  { name: 'an encoded slash', target: '/admin%2Fx', status: 400 },
  { name: 'an encoded slash, lower case', target: '/public%2f..%2fadmin', status: 400 },
  { name: 'an encoded backslash', target: '/public/..%5cadmin', status: 400 },
  { name: 'double encoding', target: '/public/%252e%252e/admin', status: 400 },
  { name: 'overlong UTF-8 dots', target: '/public/%C0%AE%C0%AE/admin', status: 400 },
  { name: 'an encoded NUL', target: '/public/%00', status: 400 },
  { name: 'a duplicate slash', target: '//admin/x', status: 400 },
  { name: 'a raw "#" before dot segments', target: '/public/page#/../../admin/x', status: 400 },
  { name: 'a trailing slash after a protected literal', target: '/settings/', status: 401 },
  { name: 'a format suffix on a protected literal', target: '/admin.json', status: 400 },
  { name: 'a format suffix and a trailing slash', target: '/settings.json/', status: 400 },
  { name: 'two suffixes on a protected literal', target: '/admin.tar.gz', status: 400 },
  { name: 'a format suffix under the catch-all only', target: '/public/page.html', status: 200 },
  { name: 'HEAD of a GET-only protected route', method: 'HEAD', target: '/orders/1', status: 401 },
  {
    name: 'a method override turning a public POST into a protected PUT',
    method: 'POST',
    target: '/settings',
    headers: { 'X-HTTP-Method-Override': 'PUT' },
    status: 400,
  },
  {
    name: 'a _method query parameter naming PUT',
    method: 'POST',
    target: '/settings?_method=PUT',
    status: 400,
  },
  {
    name: 'a _method query parameter with its name percent-encoded',
    method: 'POST',
    target: '/settings?%5Fmethod=PUT&_%6Dethod=PUT',
    status: 400,
  },
  {
    name: 'a method override naming the method of the same rule',
    method: 'POST',
    target: '/public/page',
    headers: { 'X-HTTP-Method-Override': 'PUT' },
    status: 200,
  },
  {
    name: 'an absolute-form target',
    target: 'http://www.example.com/admin/x',
    status: 400,
    // Envoy turns an absolute-form target into origin-form; appended to path_prefix, it misses /envoy/.
    through: { 'Envoy ext_authz HTTP': 404 },
  },
  { name: 'a target longer than 8 KiB', target: `/public/${'a'.repeat(8200)}`, status: 400 },
  { name: 'the protected host', target: '/public/page', host: 'admin.example.com', status: 401 },
  {
    name: 'the protected host in capitals, with a port',
    target: '/public/page',
    host: 'ADMIN.Example.com:8443',
    status: 401,
  },
  {
    name: 'a host with user information',
    target: '/public/page',
    host: 'admin.example.com@www.example.com',
    status: 400,
  },
];

describe.each(Object.entries(DOORS))('%s', (door, ask) => {
  it.each(ROWS)('$name: $target → $status', async (row) => {
    const headers: Headers = {
      ...row.headers,
      ...(row.scopes === undefined ? {} : { Authorization: `Bearer ${await world.token(row.scopes)}` }),
    };
    const status = await ask(row.method ?? 'GET', row.target, row.host ?? 'www.example.com', headers);
    expect(status).toBe(row.through?.[door] ?? row.status);
  });
});

describe('forward-auth: the request is described once, by the proxy', () => {
  const ask = async (headers: [string, string][]) =>
    (await rawRequest(port, 'GET', '/auth', Object.fromEntries([['Host', '127.0.0.1'], ...headers]))).status;
  const lines = (headers: [string, string][]) =>
    new Promise<number>((resolve, reject) => {
      // Repeated lines, as a client can send them: Node's request options would join them.
      const raw = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
      const socket = createConnection({ host: '127.0.0.1', port }, () =>
        socket.end(`GET /auth HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${raw}\r\n`),
      );
      let text = '';
      socket.setEncoding('latin1').on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('end', () => resolve(Number(text.slice(9, 12))));
      socket.on('error', reject);
    });

  it.each([
    {
      name: "a client's X-Forwarded-Method/-Uri riding along NGINX's subrequest",
      headers: {
        'X-Forwarded-Method': 'GET',
        'X-Forwarded-Uri': '/public/page',
        'X-Original-Method': 'GET',
        'X-Original-URI': '/admin/x',
      },
      status: 400,
    },
    {
      name: "a client's X-Original-URI riding along Caddy's or Traefik's request",
      headers: {
        'X-Forwarded-Method': 'GET',
        'X-Forwarded-Host': 'www.example.com',
        'X-Forwarded-Uri': '/admin/x',
        'X-Original-URI': '/public/page',
      },
      status: 400,
    },
    {
      name: "NGINX's host read from Host, what NGINX routed on, not from a client's X-Forwarded-Host",
      headers: {
        Host: 'admin.example.com',
        'X-Forwarded-Host': 'www.example.com',
        'X-Original-Method': 'GET',
        'X-Original-URI': '/public/page',
      },
      status: 401,
    },
  ])('$name → $status', async ({ headers, status }) => {
    expect(await ask(Object.entries(headers))).toBe(status);
  });

  it('refuses two hosts in one X-Forwarded-Host and in two lines', async () => {
    const described: [string, string][] = [
      ['X-Forwarded-Method', 'GET'],
      ['X-Forwarded-Uri', '/public/page'],
    ];
    expect(await ask([...described, ['X-Forwarded-Host', 'admin.example.com, www.example.com']])).toBe(400);
    expect(
      await lines([
        ...described,
        ['X-Forwarded-Host', 'admin.example.com'],
        ['X-Forwarded-Host', 'www.example.com'],
      ]),
    ).toBe(400);
  });

  it('refuses a method whose rule changes with its letter case', async () => {
    const get = (method: string) =>
      ask([
        ['X-Forwarded-Method', method],
        ['X-Forwarded-Host', 'www.example.com'],
        ['X-Forwarded-Uri', '/orders/1'],
      ]);
    expect(await get('GET')).toBe(401);
    expect(await get('get')).toBe(400);
  });
});

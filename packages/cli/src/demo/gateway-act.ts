/**
 * The demo's gateway act: the same issuer, now guarding an unprotected API through
 * `@tokenward/gateway`. With NGINX installed, requests go through real NGINX configured with the
 * gateway's README recipe; without it, they go to the gateway's `/auth` the way NGINX would ask.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Gateway, nginxConfig, startGateway } from '@tokenward/gateway';
import { clientCredentialsToken, errorCodeOf, request } from './http.js';
import type { DemoEnvironment } from './servers.js';

export interface GatewayCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly expected: { readonly status: number; readonly challenge?: string };
  readonly got: {
    readonly status: number;
    readonly code: string | null;
    readonly wwwAuthenticate: string | null;
    /** `X-Auth-Subject` as the API received it (through NGINX) or as the gateway answered it. */
    readonly subject: string | null;
  };
  readonly matched: boolean;
}

export interface GatewayActResult {
  /** `nginx` when the requests went through NGINX, `gateway` when NGINX is not installed. */
  readonly via: 'nginx' | 'gateway';
  readonly cases: readonly GatewayCase[];
}

interface Plan {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly token?: 'read' | 'refund';
  readonly expect: { readonly status: number; readonly challenge?: string; readonly subject?: string };
}

const SPOOFED = 'mallory';

const PLANS: readonly Plan[] = [
  {
    name: 'valid token, spoofed X-Auth-Subject',
    method: 'GET',
    path: '/orders',
    token: 'read',
    expect: { status: 200, subject: 'orders-service' },
  },
  {
    name: 'missing scope (403 with its challenge)',
    method: 'POST',
    path: '/orders/refund',
    token: 'read',
    expect: { status: 403, challenge: 'insufficient_scope' },
  },
  { name: 'no token', method: 'GET', path: '/orders', expect: { status: 401, challenge: 'Bearer realm=' } },
  {
    name: 'no rule for the route (deny by default)',
    method: 'GET',
    path: '/admin',
    token: 'refund',
    expect: { status: 403 },
  },
  {
    name: 'path traversal out of /orders (refused: upstreams resolve ".." differently)',
    method: 'GET',
    path: '/orders/../admin',
    token: 'refund',
    expect: { status: 400 },
  },
  { name: 'public route', method: 'GET', path: '/health', expect: { status: 200 } },
];

/** Whether an `nginx` binary can be run here. */
export function nginxInstalled(): boolean {
  return spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0;
}

export async function runGatewayAct(
  env: DemoEnvironment,
  onCase: (result: GatewayCase) => void,
): Promise<GatewayActResult> {
  // The earlier outage scenarios left the key set failing; the gateway starts on a healthy issuer.
  env.issuer.clearFaults();
  const server = env.issuer.server('default');
  const tokens = {
    read: await clientCredentialsToken(server.tokenEndpoint, env.client, ['orders:read']),
    refund: await clientCredentialsToken(server.tokenEndpoint, env.client, ['orders:read', 'orders:refund']),
  };
  const api = await startApi();
  const gateway = await startGateway({
    port: 0,
    policy: {
      issuers: { orders: { issuer: server.issuer, audience: server.audience } },
      routes: [
        { match: { path: '/orders', methods: ['GET'] }, issuer: 'orders', scopes: ['orders:read'] },
        { match: { path: '/orders/refund', methods: ['POST'] }, issuer: 'orders', scopes: ['orders:refund'] },
        { match: { path: '/health' }, auth: 'none' },
      ],
    },
  });
  const nginx = nginxInstalled() ? await startNginx(gateway, portOf(api)) : undefined;
  try {
    const cases: GatewayCase[] = [];
    for (const plan of PLANS) {
      const headers: Record<string, string> = { 'x-auth-subject': SPOOFED };
      if (plan.token !== undefined) headers.authorization = `Bearer ${tokens[plan.token]}`;
      const answer =
        nginx === undefined
          ? await request(`${gateway.url}/auth`, {
              headers: { ...headers, 'x-original-method': plan.method, 'x-original-uri': plan.path },
            })
          : await request(`http://127.0.0.1:${nginx.port}/`, {
              method: plan.method,
              headers,
              path: plan.path,
            });
      const result = toCase(plan, answer, nginx !== undefined);
      cases.push(result);
      onCase(result);
    }
    return { via: nginx === undefined ? 'gateway' : 'nginx', cases };
  } finally {
    await nginx?.close();
    await gateway.close();
    await new Promise((resolve) => api.close(resolve));
  }
}

function toCase(plan: Plan, answer: Awaited<ReturnType<typeof request>>, throughNginx: boolean): GatewayCase {
  const challenge = single(answer.headers['www-authenticate']);
  // Through NGINX the API echoes the subject it received; alone, the gateway's answer carries it.
  const subject = throughNginx
    ? answer.status === 200 && plan.path !== '/health'
      ? (JSON.parse(answer.body) as { subject: string | null }).subject
      : null
    : single(answer.headers['x-auth-subject']);
  const { expect } = plan;
  const matched =
    answer.status === expect.status &&
    (expect.challenge === undefined || (challenge ?? '').includes(expect.challenge)) &&
    (expect.subject === undefined || subject === expect.subject);
  return {
    name: plan.name,
    method: plan.method,
    path: plan.path,
    expected: {
      status: expect.status,
      ...(expect.challenge === undefined ? {} : { challenge: expect.challenge }),
    },
    got: { status: answer.status, code: errorCodeOf(answer) ?? null, wwwAuthenticate: challenge, subject },
    matched,
  };
}

function single(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

/** The unprotected API behind the gateway: it answers with the identity NGINX handed it. */
async function startApi(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url, subject: req.headers['x-auth-subject'] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** Foreground NGINX on a free loopback port, every file in a temporary folder. */
async function startNginx(gateway: Gateway, upstreamPort: number) {
  const dir = mkdtempSync(join(tmpdir(), 'tokenward-demo-nginx-'));
  for (const kind of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, kind));
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = portOf(probe);
  await new Promise((resolve) => probe.close(resolve));
  const addresses = {
    listen: port,
    gateway: `127.0.0.1:${gateway.port}`,
    upstream: `127.0.0.1:${upstreamPort}`,
  };
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, addresses));
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const close = async () => {
    child.kill('SIGQUIT');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const up = await request(`http://127.0.0.1:${port}/health`).then(
      () => true,
      () => false,
    );
    if (up) return { port, close };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await close();
  throw new Error('NGINX did not start');
}

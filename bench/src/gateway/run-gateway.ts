/**
 * `pnpm --filter @tokenward/bench run bench:gateway [--quick]`: what `@tokenward/gateway` costs.
 * - decisions per second of the gateway alone (its `/auth`, as NGINX asks it);
 * - requests per second through NGINX to an API, without the authorizer and with it
 *   (the README recipe), with the same token repeated and with distinct tokens;
 * reported as ratios to NGINX without the authorizer, measured in the same run. Every request of
 * every load must succeed. Needs `pnpm build` first and `nginx` on PATH. A full (not `--quick`)
 * run writes its table into the gateway section of RESULTS.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '@tokenward/core';
import { nginxConfig } from '@tokenward/gateway';
import { startIssuer } from '@tokenward/issuer';
import { autocannon } from '../lib/untyped-packages.js';
import { withGatewaySection } from '../report/gateway-section.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 3 : 10;
const CONNECTIONS = 32;
// More than the verifier's result cache holds, so with LRU eviction every distinct call verifies.
const DISTINCT = DEFAULTS.resultCacheMax + 2000;
const PATH = '/orders/1';
const GATEWAY_BIN = fileURLToPath(new URL('../../../packages/gateway/dist/bin.js', import.meta.url));

interface Row {
  readonly workload: string;
  readonly requestsPerSecond: number;
}

async function main(): Promise<void> {
  const started = new Date();
  const loadAtStart = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'tokenward-bench-gateway-'));
  const issuer = await startIssuer({ port: 0 });
  const children: ChildProcess[] = [];
  const upstream = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  try {
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const server = issuer.server('default');
    const same = await server.mintAccessToken({ sub: 'bench', scp: ['orders:read'] });
    const distinct = await Promise.all(
      Array.from({ length: DISTINCT }, (_, index) =>
        server.mintAccessToken({ sub: `user-${index}`, scp: ['orders:read'] }),
      ),
    );
    const policy = join(dir, 'policy.yaml');
    writeFileSync(
      policy,
      `issuers:\n  orders: { issuer: ${server.issuer}, audience: ${server.audience} }\nroutes:\n  - match: { path: /orders/**, methods: [GET] }\n    issuer: orders\n    scopes: [orders:read]\n`,
    );
    const gatewayPort = await startGateway(policy, children);
    const plain = await startNginx(
      join(dir, 'plain'),
      plainConfig(join(dir, 'plain'), upstreamPort),
      children,
    );
    const guarded = await startNginx(
      join(dir, 'guarded'),
      (prefix, listen) =>
        nginxConfig(prefix, {
          listen,
          gateway: `127.0.0.1:${gatewayPort}`,
          upstream: `127.0.0.1:${upstreamPort}`,
        }),
      children,
    );
    const authHeaders = { 'x-original-method': 'GET', 'x-original-uri': PATH };
    const rows: Row[] = [];
    const measure = async (
      workload: string,
      port: number,
      path: string,
      headers: Record<string, string>,
      tokens: readonly string[],
    ) => {
      const requestsPerSecond = await load(port, path, headers, tokens);
      rows.push({ workload, requestsPerSecond });
      console.log(
        `${workload.padEnd(52)} ${Math.round(requestsPerSecond).toLocaleString('en-US').padStart(9)} req/s`,
      );
    };
    await measure('NGINX → API, no authorizer', plain, PATH, {}, [same]);
    await measure('NGINX → gateway → API, same token', guarded, PATH, {}, [same]);
    await measure(`NGINX → gateway → API, ${DISTINCT} distinct tokens`, guarded, PATH, {}, distinct);
    await measure('gateway alone (/auth), same token', gatewayPort, '/auth', authHeaders, [same]);
    await measure(
      `gateway alone (/auth), ${DISTINCT} distinct tokens`,
      gatewayPort,
      '/auth',
      authHeaders,
      distinct,
    );
    const base = rows[0]!.requestsPerSecond;
    console.log('\nRatios to NGINX without the authorizer, same run:');
    for (const row of rows.slice(1))
      console.log(`  ${row.workload.padEnd(52)} ${(row.requestsPerSecond / base).toFixed(2)}×`);
    if (!quick) publish(rows, started, loadAtStart);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    upstream.close();
    await issuer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the table into RESULTS.md's gateway section. */
function publish(rows: readonly Row[], started: Date, loadAtStart: number): void {
  const base = rows[0]!.requestsPerSecond;
  const seconds = Math.round((Date.now() - started.getTime()) / 1000);
  const section = [
    '## Gateway (`bench:gateway`)',
    '',
    `Run ${started.toISOString()}, ${seconds} s; ${SECONDS} s per load, ${CONNECTIONS} connections (autocannon), one gateway process and one NGINX worker; load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end (1 min, 2 cores, shared machine). NGINX uses the README recipe; the API answers a fixed JSON body. Ratios are to NGINX without the authorizer in the same run.`,
    '',
    '| workload | req/s | ratio |',
    '| --- | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.workload} | ${Math.round(row.requestsPerSecond).toLocaleString('en-US')} | ${(row.requestsPerSecond / base).toFixed(2)}× |`,
    ),
  ].join('\n');
  const file = fileURLToPath(new URL('../../RESULTS.md', import.meta.url));
  writeFileSync(file, withGatewaySection(readFileSync(file, 'utf8'), section));
  console.log(`\nwrote the gateway section of ${file}`);
}

/** Loads `port` for SECONDS; fails unless every request was answered 2xx. */
async function load(
  port: number,
  path: string,
  headers: Record<string, string>,
  tokens: readonly string[],
): Promise<number> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'GET',
        path,
        setupRequest: (request) => {
          request.headers = { ...headers, authorization: `Bearer ${tokens[next]}` };
          next = next + 1 === tokens.length ? 0 : next + 1;
          return request;
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result['2xx'] === 0) {
    throw new Error(
      `port ${port}${path}: ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors`,
    );
  }
  return result.requests.total / result.duration;
}

async function startGateway(policy: string, children: ChildProcess[]): Promise<number> {
  const child = spawn(process.execPath, [GATEWAY_BIN, '--policy', policy, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const ready = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (ready) resolve(Number(ready[1]));
    });
    child.on('exit', (code) => reject(new Error(`the gateway exited with ${code}`)));
  });
}

function plainConfig(prefix: string, upstreamPort: number) {
  return (_: string, listen: number) => `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${prefix}/${kind};`).join('\n')}
    # The recipe's server without auth_request: the same proxying, so the ratio is the authorizer's cost.
    server {
        listen 127.0.0.1:${listen};
        location / { proxy_pass http://127.0.0.1:${upstreamPort}; }
    }
}
`;
}

async function startNginx(
  prefix: string,
  config: (prefix: string, listen: number) => string,
  children: ChildProcess[],
): Promise<number> {
  mkdirSync(prefix, { recursive: true });
  for (const kind of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(join(prefix, kind), { recursive: true });
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const listen = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  writeFileSync(join(prefix, 'nginx.conf'), config(prefix, listen));
  const child = spawn(
    'nginx',
    ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')],
    { stdio: 'inherit' },
  );
  children.push(child);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const up = await fetch(`http://127.0.0.1:${listen}/`).then(
      () => true,
      () => false,
    );
    if (up) return listen;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('NGINX did not start');
}

await main();

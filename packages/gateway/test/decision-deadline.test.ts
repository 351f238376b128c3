/**
 * The decision deadline (`decisionTimeout`) against a real introspection endpoint that takes the
 * request and never answers (the reference issuer's, on loopback): the gateway answers its outage
 * answer once the deadline passes, abandons the work without an unhandled rejection and keeps
 * deciding; behind the NGINX recipe the client gets that 503, not the proxy's 504 after its wait.
 */
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TempFiles, tempFiles } from './support/files.js';
import { ensureBuilt, GATEWAY_BIN, type RunningProcess, spawnProcess } from './support/process.js';
import { useProxiedWorld } from './support/proxied-world.js';
import { startNginx } from './support/proxies.js';
import { rawRequest } from './support/raw-request.js';
import { startWorld, type World } from './support/world.js';

/**
 * Every token of `/orders/**` introspected too (`mode: always`), by the issuer's built-in client,
 * with the issuer's exchanges bounded by `httpTimeout` seconds.
 */
const introspectingPolicy = (httpTimeout: number) => (defaultIssuer: string) =>
  `issuers:
  orders:
    issuer: ${defaultIssuer}
    audience: api://default
    httpTimeout: ${httpTimeout}
    introspection: { mode: always, clientId: test-client, clientSecret: test-secret, maxCacheAge: 0 }
routes:
  - match: { path: /orders/** }
    issuer: orders
    scopes: [orders:read]
  - match: { path: /** }
    auth: none
`;

const hangIntrospection = (world: World) =>
  world.issuer.setFault({ server: 'default', endpoint: 'introspect', delayMs: 'never' });

describe('the gateway with decisionTimeout 0.5 s and an introspection endpoint that never answers', () => {
  let world: World;
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  beforeAll(async () => {
    process.on('unhandledRejection', record);
    world = await startWorld({ decisionTimeout: 0.5 }, introspectingPolicy(2));
  });
  afterAll(async () => {
    await world?.close();
    process.off('unhandledRejection', record);
  });

  const ask = (uri: string, token?: string) =>
    fetch(`${world.gateway.url}/auth`, {
      headers: {
        'X-Original-Method': 'GET',
        'X-Original-URI': uri,
        ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      },
    });

  it('answers 503 ERR_DECISION_TIMEOUT with Retry-After, no-store and the challenge, and logs one line', async () => {
    const token = await world.token(['orders:read']);
    hangIntrospection(world);
    const response = await ask('/orders/1', token);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(await response.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'The API cannot check access tokens right now; retry later',
      code: 'ERR_DECISION_TIMEOUT',
    });
    const lines = world.logs.filter((line) => line.includes('ERR_DECISION_TIMEOUT'));
    expect(lines).toEqual([
      'refused forward_auth "GET" "/orders/1" 503 ERR_DECISION_TIMEOUT rule "* /orders/**": no decision within decisionTimeout (0.5 s): discovery, the key set, introspection or the replay store did not answer in time',
    ]);
  });

  it('keeps deciding while the abandoned introspection hangs, and it ends without an unhandled rejection', async () => {
    const token = await world.token(['orders:read']);
    // A public route needs nothing from the issuer: decided at once, hanging endpoint or not.
    expect((await ask('/public/page')).status).toBe(200);
    expect((await ask('/orders/2', token)).status).toBe(503);
    world.issuer.clearFaults();
    // The hung exchanges fail at the issuer's httpTimeout (2 s); the same token is then introspected
    // afresh and allowed.
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt += 1)
      status = (await ask('/orders/2', token)).status;
    expect(status).toBe(200);
    expect(unhandled).toEqual([]);
  });
});

describe('tokenward-gateway --decision-timeout 0.5, its issuer exchanges bounded at 1 s', () => {
  let issuer: ReferenceIssuer;
  let files: TempFiles;
  let running: RunningProcess;
  let base: string;
  beforeAll(async () => {
    ensureBuilt();
    issuer = await startIssuer({ port: 0 });
    files = tempFiles();
    const policy = files.write('deadline.yaml', introspectingPolicy(1)(issuer.server('default').issuer));
    running = spawnProcess([GATEWAY_BIN, '--policy', policy, '--port', '0', '--decision-timeout', '0.5']);
    const ready = /^tokenward gateway listening on (http:\/\/127\.0\.0\.1:\d+)$/;
    base = ready.exec(await running.line(ready))![1]!;
  }, 180_000);
  afterAll(async () => {
    running?.child.kill('SIGKILL');
    await issuer?.close();
    files?.remove();
  });

  it('answers the deadline’s 503 and stays up once the work it abandoned has failed on its own', async () => {
    const token = await issuer.server('default').mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const ask = () =>
      fetch(`${base}/auth`, {
        headers: {
          'X-Original-Method': 'GET',
          'X-Original-URI': '/orders/1',
          Authorization: `Bearer ${token}`,
        },
      });
    issuer.setFault({ server: 'default', endpoint: 'introspect', delayMs: 'never' });
    const late = await ask();
    expect([late.status, ((await late.json()) as { code: string }).code]).toEqual([
      503,
      'ERR_DECISION_TIMEOUT',
    ]);
    issuer.clearFaults();
    // The abandoned exchange fails at httpTimeout (1 s); the same token is then introspected afresh.
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt += 1) status = (await ask()).status;
    expect(status).toBe(200);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const stderr = running.stderr();
    expect(stderr).not.toMatch(/Unhandled|\n\s+at /);
    expect(stderr.match(/ERR_DECISION_TIMEOUT/g)?.length).toBeGreaterThanOrEqual(1);
  });
});

describe('NGINX auth_request in front of a gateway whose issuer outlasts the recipe’s 15 s wait', () => {
  // httpTimeout 20 s: without the deadline, NGINX gives up first and answers its own 504.
  const running = useProxiedWorld(startNginx, introspectingPolicy(20), { decisionTimeout: 2 });

  it('passes on the gateway’s 503 with Retry-After once its deadline passes, never the proxy’s 504', async () => {
    const { world, upstream, proxy } = running();
    const token = await world.token(['orders:read']);
    hangIntrospection(world);
    const before = upstream.seen.length;
    try {
      const response = await rawRequest(proxy.port, 'GET', '/orders/1', {
        Host: 'api.example.com',
        Authorization: `Bearer ${token}`,
      });
      expect(response.status, proxy.logs()).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(upstream.seen.slice(before)).toEqual([]);
    } finally {
      world.issuer.clearFaults();
    }
  });
});

/**
 * A gateway's life: health and readiness, metrics, reloads (a bad policy keeps the old one), the
 * key-set outage answer, failures to start (each with its reason), and draining on close.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayStartError } from '../src/errors.js';
import { type GatewayOptions, startGateway } from '../src/gateway.js';
import { tempFiles } from './support/files.js';
import { startWorld, testPolicy, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({ metricsPort: 0 });
});
afterAll(() => world.close());

const ask = (uri: string, headers: Record<string, string> = {}) =>
  fetch(`${world.gateway.url}/auth`, {
    headers: { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': uri, ...headers },
  });

describe('health, readiness and metrics', () => {
  it('answers /healthz and /readyz once the keys are fetched', async () => {
    expect((await fetch(`${world.gateway.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${world.gateway.url}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, 'ready\n']);
  });

  it('counts decisions by rule and code in Prometheus text format', async () => {
    await ask('/health');
    await ask('/nowhere');
    const response = await fetch(world.gateway.metricsUrl!);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain(
      'tokenward_gateway_decisions_total{route="* /health",code="OK",via="forward_auth"} 1',
    );
    expect(text).toContain(
      'tokenward_gateway_decisions_total{route="(no rule)",code="ERR_POLICY_DENIED",via="forward_auth"} 1',
    );
    expect(text).toMatch(
      /tokenward_gateway_key_set_fetches_total\{issuer="[^"]+\/oauth2\/default",reason="warm",result="ok"\} 1/,
    );
    expect(text).toContain('tokenward_gateway_decision_duration_seconds_bucket');
    expect(text).toContain('tokenward_gateway_ready 1');
  });
});

describe('key-set outage', () => {
  it('answers 503 with Retry-After and no internals when an unknown key cannot be fetched', async () => {
    const server = world.issuer.server('default');
    world.issuer.setFault({ server: 'default', endpoint: 'jwks', status: 503 });
    try {
      server.rotateKeys();
      const token = await world.token(['orders:read']);
      const response = await ask('/orders/1', { Authorization: `Bearer ${token}` });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({ code: 'ERR_JWKS_FETCH_FAILED' });
      expect(body).not.toContain('http');
      expect(body).not.toContain('127.0.0.1');
      expect(world.logs.some((line) => line.includes('could not be fetched'))).toBe(true);
    } finally {
      world.issuer.clearFaults();
    }
  });
});

describe('reload', () => {
  it('swaps in a valid new policy, and keeps the old one when the new one is invalid', async () => {
    const { files, policyFile } = world;
    const before = await ask('/reports');
    expect(before.status).toBe(403);
    files.write(
      'policy.yaml',
      `${testPolicy(world.issuer.server('default').issuer)}  - match: { path: /reports }\n    auth: none\n`,
    );
    expect(await world.gateway.reload()).toEqual({ ok: true, rules: 6, warnings: [] });
    expect((await ask('/reports')).status).toBe(200);

    files.write('policy.yaml', 'routes:\n  - match: { path: reports }\n');
    const failed = await world.gateway.reload();
    expect(failed.ok).toBe(false);
    expect(failed.ok ? '' : failed.message).toContain(
      `${policyFile}:2: routes[0].match.path: must start with "/"`,
    );
    expect((await ask('/reports')).status).toBe(200);
    const metrics = await world.gateway.metrics();
    expect(metrics).toContain('tokenward_gateway_policy_reloads_total{result="ok"} 1');
    expect(metrics).toContain('tokenward_gateway_policy_reloads_total{result="failed"} 1');
    files.write('policy.yaml', testPolicy(world.issuer.server('default').issuer));
  });
});

describe('failures to start', () => {
  const files = tempFiles();
  afterAll(() => files.remove());

  const startError = (options: Parameters<typeof startGateway>[0]) =>
    startGateway(options).then(
      async (gateway) => {
        await gateway.close();
        throw new Error('the gateway started');
      },
      (error: unknown) => {
        if (!(error instanceof GatewayStartError)) throw error;
        return error;
      },
    );

  it('reports an invalid policy with its lines', async () => {
    const policy = files.write(
      'bad.yaml',
      'issuers: {}\nroutes:\n  - match: { path: /a }\n    issuer: orders\n',
    );
    const error = await startError({ policy, port: 0 });
    expect(error.reason).toBe('policy');
    expect(error.message).toBe(
      `the policy ${policy} has a problem:\n  ${policy}:4: routes[0].issuer: names the issuer "orders", which is not under issuers (known: none)`,
    );
  });

  it('reports an issuer whose keys cannot be fetched, naming it', async () => {
    const closed = await startIssuer({ port: 0 });
    const issuer = `${closed.origin}/oauth2/default`;
    await closed.close();
    const policy = files.write('down.yaml', testPolicy(issuer));
    const error = await startError({ policy, port: 0 });
    expect(error.reason).toBe('issuer');
    expect(error.message).toMatch(
      new RegExp(`^the keys of issuer "orders" \\(${issuer}\\) could not be fetched: `),
    );
  });

  it('refuses a maxHeaderSize outside 16 KiB to 1 MiB before loading the policy, naming the option', async () => {
    for (const maxHeaderSize of [8192, 2 * 1024 * 1024, 20_000.5]) {
      await expect(startGateway({ policy: world.policyFile, port: 0, maxHeaderSize })).rejects.toMatchObject({
        code: 'ERR_CONFIG',
        message: `maxHeaderSize must be a whole number of bytes from 16384 to 1048576; found ${maxHeaderSize}`,
      });
    }
  });

  it('refuses a decisionTimeout outside more than 0 to 60 seconds, naming the option', async () => {
    for (const [decisionTimeout, found] of [
      [0, '0'],
      [60.5, '60.5'],
      [Number.NaN, 'NaN'],
      ['12', '"12"'],
    ] as const) {
      const options = { policy: world.policyFile, port: 0, decisionTimeout } as GatewayOptions;
      await expect(startGateway(options)).rejects.toMatchObject({
        code: 'ERR_CONFIG',
        message: `decisionTimeout must be a number of seconds greater than 0 and at most 60; found ${found}`,
      });
    }
  });

  it('refuses an option it does not know, such as a misspelt one, listing those it knows', async () => {
    const options = { policy: world.policyFile, port: 0, decisionTimout: 5 } as GatewayOptions;
    await expect(startGateway(options)).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message:
        'unknown option `decisionTimout`; known options: policy, port, host, maxHeaderSize, grpcPort, ' +
        'metricsPort, envoyPathPrefix, drainSeconds, decisionTimeout, onLog, clock, replayStore',
    });
  });

  it('reports a port in use', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    try {
      for (const option of ['port', 'grpcPort', 'metricsPort'] as const) {
        const error = await startError({ policy: world.policyFile, port: 0, [option]: port });
        expect(error.reason).toBe('listen');
        expect(error.message).toMatch(
          new RegExp(`^the (HTTP|gRPC|metrics) port ${port} on 127\\.0\\.0\\.1 is already in use$`),
        );
      }
    } finally {
      squatter.close();
    }
  });
});

describe('close', () => {
  it('finishes a decision under way, then stops listening', async () => {
    const other = await startGateway({ policy: world.policyFile, port: 0 });
    // A new key makes the decision fetch the key set, which the issuer holds back for a moment.
    world.issuer.server('default').rotateKeys();
    const token = await world.token(['orders:read']);
    const fetchesBefore = world.issuer.requestCount({ server: 'default', endpoint: 'jwks' });
    world.issuer.setFault({ server: 'default', endpoint: 'jwks', delayMs: 300, times: 1 });
    const pending = fetch(`${other.url}/auth`, {
      headers: {
        'X-Forwarded-Method': 'GET',
        'X-Forwarded-Uri': '/orders/1',
        Authorization: `Bearer ${token}`,
      },
    });
    await until(() => world.issuer.requestCount({ server: 'default', endpoint: 'jwks' }) > fetchesBefore);
    const closing = other.close();
    expect((await pending).status).toBe(200);
    await closing;
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});

/** Resolves once `condition` holds, checking on each turn of the event loop (bounded). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !condition(); turn += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (!condition()) throw new Error('the condition never held');
}

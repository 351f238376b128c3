/**
 * The command as users run it: `tokenward-gateway` (and `tokenward gateway`) as real processes:
 * the ready line, SIGHUP reloads, SIGTERM draining, and one clear message with its exit code for
 * each way a start can fail.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TempFiles, tempFiles } from './support/files.js';
import { CLI_BIN, ensureBuilt, GATEWAY_BIN, spawnProcess } from './support/process.js';
import { testPolicy } from './support/world.js';

let issuer: ReferenceIssuer;
let files: TempFiles;
let policy: string;

beforeAll(async () => {
  ensureBuilt();
  issuer = await startIssuer({ port: 0 });
  files = tempFiles();
  policy = files.write('policy.yaml', testPolicy(issuer.server('default').issuer));
}, 180_000);
afterAll(async () => {
  await issuer.close();
  files.remove();
});

const READY =
  /^tokenward gateway listening on http:\/\/127\.0\.0\.1:(\d+) grpc on 127\.0\.0\.1:(\d+) metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics$/;

/** Runs the command to its end and returns its exit code and output. */
async function run(args: readonly string[]) {
  const running = spawnProcess([GATEWAY_BIN, ...args]);
  const code = await running.exited;
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

describe('tokenward-gateway', () => {
  it('prints the ready line, reloads on SIGHUP (keeping the old policy when the new one is bad), drains on SIGTERM', async () => {
    const running = spawnProcess([
      GATEWAY_BIN,
      '--policy',
      policy,
      '--port',
      '0',
      '--grpc-port',
      '0',
      '--metrics-port',
      '0',
    ]);
    const [, port, , metricsPort] = READY.exec(await running.line(READY))!;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain(
      'tokenward_gateway_ready 1',
    );

    files.write('policy.yaml', 'routes: []\n');
    running.child.kill('SIGHUP');
    expect(await running.line(/policy reload failed/, 'stderr')).toBe(
      `tokenward-gateway: policy reload failed, keeping the previous policy: the policy ${policy} has a problem:`,
    );
    const health = await fetch(`${base}/auth`, {
      headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/health' },
    });
    expect(health.status).toBe(200);

    files.write('policy.yaml', testPolicy(issuer.server('default').issuer));
    running.child.kill('SIGHUP');
    expect(await running.line(/policy reloaded/, 'stderr')).toBe(
      `tokenward-gateway: policy reloaded from ${policy} (5 rules)`,
    );

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.stdout().split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('exits 0 on SIGINT too', async () => {
    const running = spawnProcess([GATEWAY_BIN, '--policy', policy, '--port', '0']);
    await running.line(/^tokenward gateway listening on http:\/\/127\.0\.0\.1:\d+$/);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
  });

  it('exits 2 with every problem of an invalid policy, with lines, and no stack trace', async () => {
    const bad = files.write(
      'bad.yaml',
      'issuers: {}\nroutes:\n  - match: { path: /a }\n    issuer: orders\n',
    );
    const result = await run(['--policy', bad, '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `tokenward-gateway: the policy ${bad} has a problem:\n  ${bad}:4: routes[0].issuer: names the issuer "orders", which is not under issuers (known: none)\n`,
    );
    expect(result.stdout).toBe('');
  });

  it('exits 2 for a missing policy file and for bad flags', async () => {
    const missing = await run(['--policy', `${files.dir}/nope.yaml`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: cannot be read (no such file)');
    const noPolicy = await run(['--port', '0']);
    expect([noPolicy.code, noPolicy.stderr]).toEqual([
      2,
      'tokenward-gateway: --policy <file> is required\nRun tokenward-gateway --help for usage.\n',
    ]);
    const badPort = await run(['--policy', policy, '--port', '99999']);
    expect(badPort.stderr).toContain('--port must be a port number from 0 to 65535; found "99999"');
    const badSize = await run(['--policy', policy, '--max-header-size', '8k']);
    expect([badSize.code, badSize.stderr.split('\n')[0]]).toEqual([
      2,
      'tokenward-gateway: --max-header-size must be a whole number of bytes from 16384 to 1048576; found "8k"',
    ]);
    const badDeadline = await run(['--policy', policy, '--decision-timeout', '15s']);
    expect([badDeadline.code, badDeadline.stderr.split('\n')[0]]).toEqual([
      2,
      'tokenward-gateway: --decision-timeout must be a number of seconds greater than 0 and at most 60; found "15s"',
    ]);
  });

  it('exits 3 when an issuer cannot be reached at start', async () => {
    const gone = await startIssuer({ port: 0 });
    const down = files.write('down.yaml', testPolicy(gone.server('default').issuer));
    await gone.close();
    const result = await run(['--policy', down, '--port', '0']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^tokenward-gateway: the keys of issuer "orders" \(http:\/\/127\.0\.0\.1:\d+\/oauth2\/default\) could not be fetched: /,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 when a port is in use', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    try {
      const http = await run(['--policy', policy, '--port', String(port)]);
      expect([http.code, http.stderr]).toEqual([
        1,
        `tokenward-gateway: the HTTP port ${port} on 127.0.0.1 is already in use\n`,
      ]);
      const grpc = await run(['--policy', policy, '--port', '0', '--grpc-port', String(port)]);
      expect([grpc.code, grpc.stderr]).toEqual([
        1,
        `tokenward-gateway: the gRPC port ${port} on 127.0.0.1 is already in use\n`,
      ]);
    } finally {
      squatter.close();
    }
  });
});

describe('tokenward gateway', () => {
  it('is the same command inside the tokenward CLI', async () => {
    const running = spawnProcess([CLI_BIN, 'gateway', '--policy', policy, '--port', '0']);
    await running.line(/^tokenward gateway listening on http:\/\/127\.0\.0\.1:\d+$/);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const bad = spawnProcess([CLI_BIN, 'gateway', '--policy', `${files.dir}/nope.yaml`]);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/^tokenward gateway: the policy .*nope\.yaml has a problem:/);
  });
});

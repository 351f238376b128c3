/**
 * `tokenward-gateway` with its introspection credential outside the policy file: only in the
 * environment, only in a file (a secret, or a private key for private_key_jwt). The real command
 * introspects opaque tokens at the reference issuer's endpoint with it, and never prints it.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TempFiles, tempFiles } from './support/files.js';
import { ensureBuilt, GATEWAY_BIN, type RunningProcess, spawnProcess } from './support/process.js';

const SECRET = randomBytes(24).toString('base64url');
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PRIVATE_JWK = keys.privateKey.export({ format: 'jwk' });

let issuer: ReferenceIssuer;
let server: AuthServer;
let files: TempFiles;

beforeAll(async () => {
  ensureBuilt();
  issuer = await startIssuer({
    port: 0,
    servers: ['default'],
    clients: [
      { clientId: 'gateway-secret', clientSecret: SECRET },
      { clientId: 'gateway-key', jwks: { keys: [keys.publicKey.export({ format: 'jwk' })] } },
    ],
  });
  server = issuer.server('default');
  files = tempFiles();
}, 180_000);
afterAll(async () => {
  await issuer.close();
  files.remove();
});

/** A policy introspecting every opaque token of the `default` server with `client` (YAML lines). */
function policy(client: string): string {
  return `issuers:
  orders:
    issuer: ${server.issuer}
    audience: api://default
    introspection:
      mode: fallback
      maxCacheAge: 0
      ${client}
routes:
  - match: { path: /orders/** }
    issuer: orders
    scopes: [orders:read]
`;
}

const READY = /^tokenward gateway listening on http:\/\/127\.0\.0\.1:(\d+)$/;

async function start(policyFile: string, env: Record<string, string> = {}) {
  const running = spawnProcess([GATEWAY_BIN, '--policy', policyFile, '--port', '0'], env);
  const [, port] = READY.exec(await running.line(READY))!;
  return { running, base: `http://127.0.0.1:${port}` };
}

/** The gateway's answer for GET /orders/1 with an opaque token the issuer minted just now. */
async function ordersWithOpaqueToken(base: string) {
  const token = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { format: 'opaque' });
  return fetch(`${base}/auth`, {
    headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/orders/1', Authorization: `Bearer ${token}` },
  });
}

async function stop(running: RunningProcess) {
  running.child.kill('SIGTERM');
  expect(await running.exited).toBe(0);
  return running.stdout() + running.stderr();
}

describe('introspection credentials outside the policy file', () => {
  it('accepts an opaque token with the client secret only in the environment, and reloads with it', async () => {
    const file = files.write(
      'env.yaml',
      policy('clientId: gateway-secret\n      clientSecret: { env: GW_SECRET }'),
    );
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    const { running, base } = await start(file, { GW_SECRET: SECRET });
    const allowed = await ordersWithOpaqueToken(base);
    expect([allowed.status, allowed.headers.get('x-auth-subject')]).toEqual([200, 'alice']);

    running.child.kill('SIGHUP');
    expect(await running.line(/policy reloaded/, 'stderr')).toBe(
      `tokenward-gateway: policy reloaded from ${file} (1 rules)`,
    );
    expect((await ordersWithOpaqueToken(base)).status).toBe(200);
    expect(await stop(running)).not.toContain(SECRET);
  });

  it('accepts an opaque token with the client secret only in a file', async () => {
    files.write('gateway-secret', `${SECRET}\n`);
    const file = files.write(
      'file.yaml',
      policy('clientId: gateway-secret\n      clientSecret: { file: gateway-secret }'),
    );
    const { running, base } = await start(file);
    const allowed = await ordersWithOpaqueToken(base);
    expect([allowed.status, allowed.headers.get('x-auth-subject')]).toEqual([200, 'alice']);
    expect(await stop(running)).not.toContain(SECRET);
  });

  it('accepts an opaque token with a private_key_jwt key only in a file', async () => {
    files.write('gateway-key.json', JSON.stringify(PRIVATE_JWK));
    const file = files.write(
      'key.yaml',
      policy('clientId: gateway-key\n      privateKey: { file: gateway-key.json }'),
    );
    const { running, base } = await start(file);
    const allowed = await ordersWithOpaqueToken(base);
    expect([allowed.status, allowed.headers.get('x-auth-subject')]).toEqual([200, 'alice']);
    expect(await stop(running)).not.toContain(PRIVATE_JWK.d!);
  });

  it('exits 2 naming the field and the variable when the variable is not set', async () => {
    const file = files.write(
      'unset.yaml',
      policy('clientId: gateway-secret\n      clientSecret: { env: GW_UNSET }'),
    );
    const running = spawnProcess([GATEWAY_BIN, '--policy', file, '--port', '0']);
    expect(await running.exited).toBe(2);
    expect(running.stderr()).toBe(
      `tokenward-gateway: the policy ${file} has a problem:\n  ${file}:9: issuers.orders.introspection.clientSecret: the environment variable GW_UNSET is not set\n`,
    );
    expect(running.stdout()).toBe('');
  });

  it('keeps the running policy when a reload names a missing file, and never prints the secret', async () => {
    const file = files.write(
      'reload.yaml',
      policy('clientId: gateway-secret\n      clientSecret: { env: GW_SECRET }'),
    );
    const { running, base } = await start(file, { GW_SECRET: SECRET });
    files.write('reload.yaml', policy('clientId: gateway-secret\n      clientSecret: { file: gone }'));
    running.child.kill('SIGHUP');
    await running.line(/policy reload failed/, 'stderr');
    expect((await ordersWithOpaqueToken(base)).status).toBe(200);
    const output = await stop(running);
    expect(output).toContain(
      `policy reload failed, keeping the previous policy: the policy ${file} has a problem:\n  ${file}:9: issuers.orders.introspection.clientSecret: the file gone cannot be read (no such file)\n`,
    );
    expect(output).not.toContain(SECRET);
  });
});

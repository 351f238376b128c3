/**
 * The README's Cloudflare Workers recipe in real workerd with a KV namespace binding (workerd's
 * own KV client, backed by a writable `disk` service that keeps one file per key): the first
 * isolate finds KV empty, fetches discovery and the key set once and writes the snapshot after
 * its response (`ctx.waitUntil`); a new workerd process on the same KV verifies without a fetch.
 */
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { KeySetSnapshot } from '@tokenward/core';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from './bundle.js';
import { SNAPSHOT_KEY, startWorkerd } from './workerd.js';

let issuer: ReferenceIssuer;
let directory: string;
let worker: string;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['kv'] });
  directory = await mkdtemp(join(tmpdir(), 'tokenward-workers-kv-'));
  worker = await bundle(directory, 'recipes/cloudflare-worker.ts', 'es');
}, 60_000);

afterAll(async () => {
  await issuer?.close();
  await rm(directory, { recursive: true, force: true });
});

/**
 * Resolves to the JSON `path` holds once it is written whole (watched, since the recipe writes
 * after its response); rejects after 20 s.
 */
function jsonWritten(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dirname(path));
    const deadline = setTimeout(() => {
      watcher.close();
      reject(new Error(`${basename(path)} was not written`));
    }, 20_000);
    const check = () =>
      readFile(path, 'utf8').then(
        (text) => {
          const value: unknown = JSON.parse(text);
          clearTimeout(deadline);
          watcher.close();
          resolve(value);
        },
        // Not there yet, or not whole yet: the next change is checked again.
        () => undefined,
      );
    watcher.on('change', (_event, name) => {
      if (name === basename(path)) void check().catch(() => undefined);
    });
    void check().catch(() => undefined);
  });
}

describe('the Workers recipe keeps its key-set snapshot in KV (workerd)', () => {
  it('a cold isolate fetches once and writes KV; a new process on that KV fetches nothing', async () => {
    const server = issuer.server('kv');
    const bindings = { ISSUER: server.issuer, AUDIENCE: server.audience };
    const kv = join(directory, 'kv');
    await mkdir(kv);
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const orders = async (url: string) => {
      const response = await fetch(`${url}/orders`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: await response.json() };
    };
    const fetches = () => ({
      discovery: issuer.requestCount({ server: 'kv', endpoint: 'discovery' }),
      jwks: issuer.requestCount({ server: 'kv', endpoint: 'jwks' }),
    });
    const ok = { status: 200, body: { subject: 'alice', orders: [] } };

    const saved = jsonWritten(join(kv, SNAPSHOT_KEY));
    const cold = await startWorkerd({ worker, bindings, kv });
    try {
      expect(await orders(cold.url)).toEqual(ok);
      expect(fetches()).toEqual({ discovery: 1, jwks: 1 });
      const snapshot = (await saved) as KeySetSnapshot;
      expect(snapshot.issuers.map((entry) => entry.issuer)).toEqual([server.issuer]);
      expect(snapshot.issuers[0]!.keys.length).toBeGreaterThan(0);
    } finally {
      await cold.close();
    }

    const restored = await startWorkerd({ worker, bindings, kv });
    try {
      expect(await orders(restored.url)).toEqual(ok);
      expect(fetches()).toEqual({ discovery: 1, jwks: 1 });
    } finally {
      await restored.close();
    }
  });
});

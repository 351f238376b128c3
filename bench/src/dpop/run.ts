/**
 * What DPoP costs a request: the request step (`authenticateRequest`) on one Bearer token against
 * the same step on a DPoP-bound token with a fresh proof per request (proof signature, `htu`,
 * `ath`, thumbprint, and the proof burned in the replay store), with the in-memory store and with
 * a real redis-server on loopback (ioredis). Rounds alternate the lanes; the report is each lane's
 * median requests per second and its ratio to Bearer in the same run. Proofs are signed before
 * each timed round, so the client's signing is not billed to the API.
 *
 *   node bench/dist/dpop/run.js [--rounds 5] [--requests 4000]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AccessTokenVerifier,
  authenticateRequest,
  createAccessTokenVerifier,
  type ReplayStore,
} from '@tokenward/core';
import { startIssuer } from '@tokenward/issuer';
import { createRedisStore } from '@tokenward/redis';
import { Redis } from 'ioredis';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';

const ORIGIN = 'https://api.bench.example';
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, requests: { type: 'string', default: '4000' } },
});
const ROUNDS = Number(values.rounds);
const REQUESTS = Number(values.requests);

const issuer = await startIssuer({ port: 0, servers: ['default'] });
const server = issuer.server('default');
const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwk = await exportJWK(publicKey);
const bearerToken = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { expiresIn: 3600 });
const boundToken = await server.mintAccessToken(
  { sub: 'alice', scp: ['orders:read'] },
  { expiresIn: 3600, dpopJkt: await calculateJwkThumbprint(jwk) },
);
const ath = createHash('sha256').update(boundToken).digest('base64url');
const redis = await startRedisServer();
const client = new Redis(redis.url);

const verifierWith = (replayStore?: ReplayStore, resultCache = true): AccessTokenVerifier =>
  createAccessTokenVerifier({
    issuer: server.issuer,
    audience: server.audience,
    ...(resultCache ? {} : { resultCache: false }),
    dpop: { mode: 'allowed', origins: [ORIGIN], ...(replayStore === undefined ? {} : { replayStore }) },
  });

interface Lane {
  readonly name: string;
  readonly verifier: AccessTokenVerifier;
  readonly dpop: boolean;
}
const lanes: Lane[] = [
  { name: 'Bearer', verifier: verifierWith(), dpop: false },
  // The token's signature checked on every request, as for a token seen once: what a proof adds to.
  { name: 'Bearer, no result cache', verifier: verifierWith(undefined, false), dpop: false },
  { name: 'DPoP, in-memory replay store', verifier: verifierWith(), dpop: true },
  { name: 'DPoP, Redis replay store', verifier: verifierWith(createRedisStore({ client })), dpop: true },
];

const proofs = (count: number): Promise<string[]> =>
  Promise.all(
    Array.from({ length: count }, () =>
      new SignJWT({
        jti: randomUUID(),
        htm: 'GET',
        htu: `${ORIGIN}/orders`,
        iat: Math.floor(Date.now() / 1000),
        ath,
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .sign(privateKey),
    ),
  );

/** Requests per second of `REQUESTS` serial requests through the request step. */
async function round(lane: Lane): Promise<number> {
  const signed = lane.dpop ? await proofs(REQUESTS) : [];
  const authorization = lane.dpop ? `DPoP ${boundToken}` : `Bearer ${bearerToken}`;
  const start = process.hrtime.bigint();
  for (let index = 0; index < REQUESTS; index += 1) {
    const headers = lane.dpop ? { authorization, dpop: signed[index]! } : { authorization };
    const outcome = await authenticateRequest(lane.verifier, {
      method: 'GET',
      url: '/orders?page=1',
      headers,
    });
    if (outcome.kind !== 'authenticated') throw new Error(`${lane.name}: not authenticated`);
  }
  return REQUESTS / (Number(process.hrtime.bigint() - start) / 1e9);
}

// Warm-up: discovery, key set, imports, JIT.
for (const lane of lanes) {
  await lane.verifier.warm();
  await round(lane);
}
const samples = new Map(lanes.map((lane) => [lane.name, [] as number[]]));
for (let index = 0; index < ROUNDS; index += 1) {
  for (const lane of index % 2 === 0 ? lanes : [...lanes].reverse())
    samples.get(lane.name)!.push(await round(lane));
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const bearer = median(samples.get('Bearer')!);
console.log(
  `DPoP cost through authenticateRequest, ${ROUNDS} rounds x ${REQUESTS} serial requests, Node ${process.version}`,
);
console.log('| lane | requests/s (median) | ratio to Bearer |');
console.log('| --- | ---: | ---: |');
for (const lane of lanes) {
  const rate = median(samples.get(lane.name)!);
  console.log(`| ${lane.name} | ${Math.round(rate).toLocaleString('en')} | ${(rate / bearer).toFixed(2)} |`);
}

client.disconnect();
await redis.close();
await issuer.close();

/** redis-server on a free loopback port, no persistence, for this run only. */
async function startRedisServer(): Promise<{ url: string; close(): Promise<void> }> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  probe.close();
  const dir = mkdtempSync(join(tmpdir(), 'tokenward-bench-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  while (!output.includes('Ready to accept connections')) {
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    output += chunk.toString();
  }
  child.stdout!.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    async close() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

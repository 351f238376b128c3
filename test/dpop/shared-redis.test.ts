/**
 * Replay protection across instances (RFC 9449 section 11.1): an Express process and a Fastify
 * process behind an imagined load balancer share one real redis-server as their replay store.
 * A proof accepted by one is refused by the other; of 100 identical proofs sent at once to both,
 * exactly one is served; a paused or stopped Redis makes them answer 503 (fail closed), and they
 * serve again once it is back, without a restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../../packages/redis/test/support/redis-server.js';
import { freeLoopbackPort } from './apis.js';
import { buildIfMissing, type ClientKey, clientKey, proofFor } from './client.js';

interface ApiProcess {
  readonly origin: string;
  readonly child: ChildProcess;
}

/** The external origin both instances serve behind the (imagined) load balancer: every proof's htu. */
const ORIGIN = 'https://api.shared.example';
let redis: RedisServer;
let issuer: ReferenceIssuer;
let apis: ApiProcess[];
let key: ClientKey;
let token: string;

async function startApiProcess(framework: string): Promise<ApiProcess> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [join(import.meta.dirname, 'api-process.mjs')], {
    cwd: import.meta.dirname,
    env: {
      ...process.env,
      FRAMEWORK: framework,
      ISSUER: issuer.server('default').issuer,
      PORT: String(port),
      DPOP_ORIGIN: ORIGIN,
      REDIS_URL: redis.url,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  while (!output.includes('ready')) {
    await Promise.race([
      once(child.stdout!, 'data'),
      once(child, 'exit').then(([code]) => Promise.reject(new Error(`API process exited with ${code}`))),
    ]);
  }
  return { origin: `http://127.0.0.1:${port}`, child };
}

beforeAll(async () => {
  buildIfMissing();
  redis = await startRedisServer();
  issuer = await startIssuer({ port: 0, servers: ['default'] });
  apis = await Promise.all([startApiProcess('express'), startApiProcess('fastify')]);
  key = await clientKey();
  token = await issuer.server('default').mintAccessToken({ sub: 'alice' }, { dpopJkt: key.thumbprint });
}, 120_000);

afterAll(async () => {
  for (const api of apis ?? []) {
    const exited = once(api.child, 'exit');
    api.child.kill('SIGTERM');
    await exited;
  }
  await issuer?.close();
  await redis?.close();
});

/** GET /orders on `api` with `proof`. */
async function call(api: ApiProcess, proof: string) {
  const response = await fetch(`${api.origin}/orders`, {
    headers: { authorization: `DPoP ${token}`, dpop: proof },
  });
  const body = (await response.json()) as { code?: string; served?: string };
  return { status: response.status, body, headers: response.headers };
}

const freshProof = () => proofFor(key, { htu: `${ORIGIN}/orders`, accessToken: token });

describe('two API processes sharing one Redis (DP-7)', () => {
  it('a proof accepted by the Express process is refused by the Fastify process, and the other way round', async () => {
    const [expressApi, fastifyApi] = apis as [ApiProcess, ApiProcess];
    const first = await freshProof();
    expect((await call(expressApi, first)).status).toBe(200);
    const refused = await call(fastifyApi, first);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('ERR_DPOP_REPLAYED');
    expect(refused.headers.get('www-authenticate')).toMatch(
      /^DPoP realm="api", algs="[^"]+", error="invalid_dpop_proof"/,
    );

    const other = await freshProof();
    expect((await call(fastifyApi, other)).status).toBe(200);
    expect((await call(expressApi, other)).body.code).toBe('ERR_DPOP_REPLAYED');
  });

  it('100 identical proofs sent at once, half to each process: exactly one 200', async () => {
    const proof = await freshProof();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, index) => call(apis[index % 2]!, proof)),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    // Every other answer is a replay: none was let through, and none failed for want of time.
    expect(
      new Set(answers.filter((answer) => answer.status !== 200).map((answer) => answer.body.code)),
    ).toEqual(new Set(['ERR_DPOP_REPLAYED']));
  });

  it('Redis paused: 503 ERR_REPLAY_STORE_UNAVAILABLE with Retry-After from both; served again once unpaused', async () => {
    await redis.pause();
    try {
      for (const api of apis) {
        const answer = await call(api, await freshProof());
        expect(answer.status).toBe(503);
        expect(answer.body.code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
        expect(answer.headers.get('retry-after')).toBe('30');
        expect(JSON.stringify(answer.body)).not.toMatch(/redis|127\.0\.0\.1|ECONN/i);
      }
    } finally {
      await redis.unpause();
    }
    for (const api of apis) expect((await call(api, await freshProof())).status).toBe(200);
  });

  it('Redis stopped: 503 from both; after a restart both serve again without being restarted', async () => {
    await redis.stop();
    for (const api of apis) {
      const answer = await call(api, await freshProof());
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    }
    await redis.restart();
    // The processes' clients reconnect on their own; ask until both are served (bounded by the test timeout).
    for (const api of apis) {
      let status = 0;
      while (status !== 200) status = (await call(api, await freshProof())).status;
    }
  });
});

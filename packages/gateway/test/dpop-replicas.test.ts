/**
 * DPoP replay across gateway replicas (RFC 9449 section 11.1): two gateways behind one proxy share
 * a real redis-server as their replay store, so a proof one of them accepted the other refuses;
 * with their default in-memory stores each accepts it once. The store outlives a reload, a Redis
 * that is down makes DPoP requests fail closed (503), and `tokenward-gateway --replay-redis` is
 * a replica like the others.
 */
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedClient, connect } from '../../redis/test/support/clients.js';
import { type RedisServer, startRedisServer } from '../../redis/test/support/redis-server.js';
import { type Gateway, startGateway } from '../src/gateway.js';
import { createDpopClient, type DpopClient } from './support/dpop-client.js';
import { type TempFiles, tempFiles } from './support/files.js';
import { ensureBuilt, GATEWAY_BIN, type RunningProcess, spawnProcess } from './support/process.js';

const ORIGIN = 'https://api.example.com';
let redis: RedisServer;
let issuer: ReferenceIssuer;
let files: TempFiles;
let client: DpopClient;
let token: string;
/** The Redis clients of the two shared replicas, as an application would hold them. */
let clients: ConnectedClient[];
let shared: [Gateway, Gateway];
let memory: [Gateway, Gateway];
let command: RunningProcess;
let commandUrl: string;

/** One policy file per gateway, so a reload of one changes no other. */
const policyText = (dpopExtra = '') => `issuers:
  orders:
    issuer: ${issuer.server('default').issuer}
    audience: api://default
    dpop: { mode: allowed, origins: [${ORIGIN}]${dpopExtra} }
routes:
  - match: { path: /orders/**, methods: [GET] }
    issuer: orders
`;

beforeAll(async () => {
  ensureBuilt();
  redis = await startRedisServer();
  issuer = await startIssuer({ port: 0, servers: ['default'] });
  files = tempFiles();
  client = await createDpopClient();
  token = await issuer.server('default').mintAccessToken({ sub: 'alice' }, { dpopJkt: client.thumbprint });
  clients = [await connect('ioredis 5', redis.url), await connect('node-redis 5', redis.url)];
  const start = (name: string, replayClient?: ConnectedClient) =>
    startGateway({
      policy: files.write(`${name}.yaml`, policyText()),
      port: 0,
      onLog: () => {},
      ...(replayClient === undefined ? {} : { replayStore: replayClient.store() }),
    });
  shared = [await start('a', clients[0]), await start('b', clients[1])];
  memory = [await start('m1'), await start('m2')];
  command = spawnProcess([
    GATEWAY_BIN,
    '--policy',
    files.write('command.yaml', policyText()),
    '--port',
    '0',
    '--replay-redis',
    redis.url,
  ]);
  commandUrl = /listening on (\S+)/.exec(await command.line(/^tokenward gateway listening on /))![1]!;
}, 180_000);

afterAll(async () => {
  command?.child.kill('SIGTERM');
  await command?.exited;
  for (const gateway of [...(shared ?? []), ...(memory ?? [])]) await gateway.close();
  for (const redisClient of clients ?? []) await redisClient.close();
  await issuer?.close();
  await redis?.close();
  files?.remove();
});

const freshProof = () => client.proof({ htu: `${ORIGIN}/orders/42`, token });

/** What Caddy or Traefik ask a gateway at `url` for `GET https://api.example.com/orders/42` with `proof`. */
async function ask(url: string, proof: string) {
  const response = await fetch(`${url}/auth`, {
    headers: {
      'X-Forwarded-Method': 'GET',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'api.example.com',
      'X-Forwarded-Uri': '/orders/42',
      Authorization: `DPoP ${token}`,
      DPoP: proof,
    },
  });
  const text = await response.text();
  return {
    status: response.status,
    code: text === '' ? undefined : (JSON.parse(text) as { code?: string }).code,
    challenge: response.headers.get('www-authenticate'),
    retryAfter: response.headers.get('retry-after'),
  };
}

const REPLAYED = {
  status: 401,
  code: 'ERR_DPOP_REPLAYED',
  challenge: expect.stringMatching(/^DPoP realm="api", algs="[^"]+", error="invalid_dpop_proof"/),
};

describe('gateway replicas sharing one Redis (DP-7)', () => {
  it('a proof replica A accepted is refused by replica B; with in-memory stores both accept it', async () => {
    const [a, b] = shared;
    const proof = await freshProof();
    expect((await ask(a.url, proof)).status).toBe(200);
    expect(await ask(b.url, proof)).toMatchObject(REPLAYED);

    // The gap the shared store closes: each process remembers only what it saw itself.
    const [m1, m2] = memory;
    const seenByOne = await freshProof();
    expect((await ask(m1.url, seenByOne)).status).toBe(200);
    expect((await ask(m2.url, seenByOne)).status).toBe(200);
    expect(await ask(m1.url, seenByOne)).toMatchObject(REPLAYED);
  });

  it('a reload that rebuilds the verifier keeps its replay store, shared or in memory', async () => {
    for (const [gateway, name] of [
      [shared[0], 'a'],
      [memory[0], 'm1'],
    ] as const) {
      const proof = await freshProof();
      expect((await ask(gateway.url, proof)).status).toBe(200);
      // Another clock skew is another verifier: only the store can remember the proof.
      files.write(`${name}.yaml`, policyText(', clockSkew: 20'));
      expect(await gateway.reload()).toMatchObject({ ok: true });
      expect(await ask(gateway.url, proof)).toMatchObject(REPLAYED);
      expect((await ask(gateway.url, await freshProof())).status).toBe(200);
    }
  });

  it('tokenward-gateway --replay-redis is one more replica', async () => {
    const fromReplica = await freshProof();
    expect((await ask(shared[0].url, fromReplica)).status).toBe(200);
    expect(await ask(commandUrl, fromReplica)).toMatchObject(REPLAYED);
    const fromCommand = await freshProof();
    expect((await ask(commandUrl, fromCommand)).status).toBe(200);
    expect(await ask(shared[1].url, fromCommand)).toMatchObject(REPLAYED);
  });

  it('Redis stopped: every replica refuses DPoP with 503 and Retry-After (fail closed), and serves once it is back', async () => {
    await redis.stop();
    for (const url of [...shared.map((gateway) => gateway.url), commandUrl]) {
      expect(await ask(url, await freshProof())).toMatchObject({
        status: 503,
        code: 'ERR_REPLAY_STORE_UNAVAILABLE',
        retryAfter: '30',
      });
    }
    expect(await command.line(/lost the connection to Redis/, 'stderr')).toBe(
      `tokenward-gateway: lost the connection to Redis at 127.0.0.1:${redis.port}: DPoP requests are refused (503) until it is back`,
    );

    const reconnected = clients.map((redisClient) => redisClient.ready());
    await redis.restart();
    await Promise.all(reconnected);
    await command.line(/connected to Redis at .* again/, 'stderr');
    const proof = await freshProof();
    expect((await ask(commandUrl, proof)).status).toBe(200);
    for (const gateway of shared) expect(await ask(gateway.url, proof)).toMatchObject(REPLAYED);
  });
});

const USAGE_HINT = '\nRun tokenward-gateway --help for usage.';
const BAD_URL =
  '--replay-redis must be a URL like redis://host:6379 or rediss://:password@host:6380/0; the one given';

describe('tokenward-gateway --replay-redis at start: one line on stderr, no stack trace', () => {
  it.each([
    [
      '2 for a database path, not echoing the password',
      'redis://:hunter2@127.0.0.1/orders',
      2,
      `${BAD_URL} has a path other than a database number${USAGE_HINT}`,
    ],
    ['2 for another scheme', 'http://127.0.0.1:6379', 2, `${BAD_URL} has the scheme "http:"${USAGE_HINT}`],
    [
      '3 when Redis cannot be reached',
      'redis://127.0.0.1:1',
      3,
      'Redis at 127.0.0.1:1 (--replay-redis) could not be reached: connect ECONNREFUSED 127.0.0.1:1',
    ],
  ])('exits %s', async (_name, url, code, message) => {
    const running = spawnProcess([GATEWAY_BIN, '--policy', `${files.dir}/a.yaml`, '--replay-redis', url]);
    expect(await running.exited).toBe(code);
    expect([running.stdout(), running.stderr()]).toEqual(['', `tokenward-gateway: ${message}\n`]);
  });
});

describe('TOKENWARD_REPLAY_REDIS: the URL without a flag, keeping a password out of the process list', () => {
  const variable = (url: string) => ({ TOKENWARD_REPLAY_REDIS: url });

  it('makes tokenward-gateway one more replica', async () => {
    const fromEnv = spawnProcess(
      [GATEWAY_BIN, '--policy', files.write('env.yaml', policyText()), '--port', '0'],
      variable(redis.url),
    );
    try {
      const url = /listening on (\S+)/.exec(await fromEnv.line(/^tokenward gateway listening on /))![1]!;
      const proof = await freshProof();
      expect((await ask(url, proof)).status).toBe(200);
      expect(await ask(shared[0].url, proof)).toMatchObject(REPLAYED);
    } finally {
      fromEnv.child.kill('SIGTERM');
      await fromEnv.exited;
    }
  });

  it.each([
    [
      '2 for a bad URL, naming the variable and not echoing the password',
      [],
      'redis://:hunter2@127.0.0.1/orders',
      2,
      `TOKENWARD_REPLAY_REDIS${BAD_URL.slice('--replay-redis'.length)} has a path other than a database number${USAGE_HINT}`,
    ],
    [
      '3 when its Redis cannot be reached',
      [],
      'redis://127.0.0.1:1',
      3,
      'Redis at 127.0.0.1:1 (TOKENWARD_REPLAY_REDIS) could not be reached: connect ECONNREFUSED 127.0.0.1:1',
    ],
    [
      '3 for the flag, which wins over the variable',
      ['--replay-redis', 'redis://127.0.0.1:1'],
      'http://bad',
      3,
      'Redis at 127.0.0.1:1 (--replay-redis) could not be reached: connect ECONNREFUSED 127.0.0.1:1',
    ],
  ])('exits %s', async (_name, flags, url, code, message) => {
    const running = spawnProcess([GATEWAY_BIN, '--policy', `${files.dir}/a.yaml`, ...flags], variable(url));
    expect(await running.exited).toBe(code);
    expect([running.stdout(), running.stderr()]).toEqual(['', `tokenward-gateway: ${message}\n`]);
  });
});

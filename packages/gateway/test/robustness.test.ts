/**
 * What a misbehaving client or proxy can do to the authorizer: random bytes and oversized or
 * repeated headers on the HTTP port, garbage on the gRPC port, values meant to break log lines,
 * and as many distinct paths and subjects as it likes. The gateway answers or drops the
 * connection, never crashes, writes one log line per refusal, and keeps its metrics bounded.
 */
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckClient, connectCheckClient } from './support/grpc-client.js';
import { rawRequest } from './support/raw-request.js';
import { startWorld, type World } from './support/world.js';

let world: World;
let grpc: CheckClient;
let port: number;
beforeAll(async () => {
  world = await startWorld({ grpcPort: 0 });
  grpc = connectCheckClient(world.gateway.grpcAddress!);
  port = Number(new URL(world.gateway.url).port);
});
afterAll(async () => {
  grpc.close();
  await world.close();
});

/** A small seeded generator (mulberry32), so a failing run can be replayed byte for byte. */
function randomBytesFrom(seed: number): (length: number) => Buffer {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (length) => Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
}

/** Writes `bytes` on a fresh connection and resolves with whatever came back once it closes. */
function sendBytes(target: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: target }, () => socket.end(bytes));
    let text = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => {});
    socket.setTimeout(5000, () => socket.destroy());
  });
}

const traefikHeaders = (uri: string) => ({
  'X-Forwarded-Method': 'GET',
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-Host': 'api.example.com',
  'X-Forwarded-Uri': uri,
});

async function stillDeciding() {
  expect((await rawRequest(port, 'GET', '/healthz')).status).toBe(200);
  const token = await world.token(['orders:read']);
  const allowed = await rawRequest(port, 'GET', '/auth', {
    ...traefikHeaders('/orders/1'),
    Authorization: `Bearer ${token}`,
  });
  expect(allowed.status).toBe(200);
}

describe('the HTTP port', () => {
  it('survives 300 connections of random bytes and of requests with random bytes in them', async () => {
    const random = randomBytesFrom(0x70ba11);
    for (let round = 0; round < 100; round += 1) {
      const junk = random(1 + (round % 64) * 17);
      const answers = await Promise.all([
        sendBytes(port, junk),
        sendBytes(
          port,
          Buffer.concat([Buffer.from('GET /auth HTTP/1.1\r\nHost: x\r\nX-Forwarded-Uri: /'), junk]),
        ),
        sendBytes(
          port,
          Buffer.concat([
            Buffer.from('GET /auth HTTP/1.1\r\nHost: x\r\nX-Forwarded-Method: GET\r\n'),
            junk,
            Buffer.from('\r\n\r\n'),
          ]),
        ),
      ]);
      for (const answer of answers) {
        // Node answers malformed requests 400 (or 431) and closes; a 5xx would say it broke.
        expect(answer === '' || /^HTTP\/1\.1 [1-4]\d\d /.test(answer), answer.slice(0, 80)).toBe(true);
      }
    }
    await stillDeciding();
  });

  it('reads 40 KiB of headers, answers headers over 64 KiB with 431 and eight Authorization lines with 400', async () => {
    const padded = (bytes: number) =>
      Buffer.from(
        `GET /auth HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Forwarded-Method: GET\r\nX-Forwarded-Uri: /health\r\nX-Padding: ${'a'.repeat(bytes)}\r\n\r\n`,
      );
    expect(await sendBytes(port, padded(40_000))).toMatch(/^HTTP\/1\.1 200 /);
    expect(await sendBytes(port, padded(70_000))).toMatch(/^HTTP\/1\.1 431 /);
    const token = await world.token(['orders:read']);
    const lines = Array.from({ length: 8 }, () => `Authorization: Bearer ${token}\r\n`).join('');
    const many = await sendBytes(
      port,
      Buffer.from(
        `GET /auth HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Forwarded-Method: GET\r\nX-Forwarded-Uri: /orders/1\r\n${lines}\r\n`,
      ),
    );
    expect(many).toMatch(/^HTTP\/1\.1 400 /);
    await stillDeciding();
  });

  it('reads every header line, however many: a method override after 2,000 others still decides', async () => {
    // Node keeps only the first 2,000 lines by default and drops the rest without a word, while
    // the proxy passes them all to the API, which would run this GET as the POST it names.
    const token = await world.token(['orders:read']);
    const padding = Array.from({ length: 2000 }, (_, index) => `X-Pad-${index}: 1\r\n`).join('');
    const answer = await sendBytes(
      port,
      Buffer.from(
        `GET /auth HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Forwarded-Method: GET\r\nX-Forwarded-Uri: /orders/1\r\nAuthorization: Bearer ${token}\r\n${padding}X-HTTP-Method-Override: POST\r\n\r\n`,
      ),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('its rule depends on a method override');
    await stillDeciding();
  });

  it('refuses two credentials Envoy merged into one Authorization value, over HTTP and gRPC', async () => {
    const token = await world.token(['orders:read']);
    const merged = `Bearer ${token}, Bearer ${token}`;
    const http = await rawRequest(port, 'GET', '/envoy/orders/1', { Authorization: merged });
    expect(http.status).toBe(400);
    const grpcAnswer = await grpc.check({
      method: 'GET',
      path: '/orders/1',
      headers: { authorization: merged },
    });
    expect(grpcAnswer.denied_response?.status.code).toBe(400);
  });

  it('answers HEAD /healthz and /readyz, and a query on them, like GET', async () => {
    for (const [method, target] of [
      ['HEAD', '/healthz'],
      ['HEAD', '/readyz'],
      ['GET', '/readyz?verbose=1'],
    ] as const) {
      expect((await rawRequest(port, method, target)).status, `${method} ${target}`).toBe(200);
    }
  });
});

describe('the gRPC port', () => {
  it('survives random bytes, then answers a real Check', async () => {
    const grpcPort = Number(world.gateway.grpcAddress!.split(':').at(-1));
    const random = randomBytesFrom(0x9e3779b9);
    for (let round = 0; round < 50; round += 1) {
      await sendBytes(
        grpcPort,
        Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), random(1 + round * 13)]),
      );
      await sendBytes(grpcPort, random(1 + round * 7));
    }
    const token = await world.token(['orders:read']);
    const response = await grpc.check({
      method: 'GET',
      path: '/orders/1',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status.code).toBe(0);
  });
});

describe('log lines', () => {
  it('writes one line per refusal and none for an allowed request, escaped, without the query', async () => {
    const token = await world.token(['orders:read']);
    const before = world.logs.length;
    await rawRequest(port, 'GET', '/auth', {
      ...traefikHeaders('/orders/1'),
      Authorization: `Bearer ${token}`,
    });
    expect(world.logs.length).toBe(before);

    await rawRequest(port, 'GET', '/auth', traefikHeaders(`/orders/1?access_token=${token}`));
    await rawRequest(port, 'GET', '/auth', {
      ...traefikHeaders('/orders/1'),
      Authorization: `Bearer ${token}x`,
    });
    await grpc.check({ method: 'GET', path: '/orders/1\r\nrefused forged line', headers: {} });
    await grpc.check({
      method: 'GET',
      path: '/orders/1',
      headers: { authorization: 'Ba\u2028sic\nx', 'x-auth-subject': 'mallory' },
    });
    const lines = world.logs.slice(before);
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).toMatch(/^refused (forward_auth|envoy_grpc) /);
      expect(line).not.toMatch(/[\r\n\u2028\u2029]/);
      expect(line).not.toContain(token.split('.')[2]!);
    }
    expect(lines[0]).toMatch(
      /^refused forward_auth "GET" "\/orders\/1" 401 ERR_TOKEN_MISSING rule "GET,HEAD \/orders\/\*\*": /,
    );
    expect(lines[2]).toContain('"/orders/1\\u000d\\u000arefused forged line" 400 ERR_INVALID_REQUEST');
  });
});

describe('metrics', () => {
  it('keep one series per rule, code and door, whatever the paths and subjects', async () => {
    const series = async () =>
      (await world.gateway.metrics())
        .split('\n')
        .filter((line) => line.startsWith('tokenward_gateway_decisions_total{'));
    const send = async (round: number) => {
      const token = await world.issuer
        .server('default')
        .mintAccessToken({ sub: `user-${round}`, scp: ['orders:read'] });
      await rawRequest(port, 'GET', '/auth', {
        ...traefikHeaders(`/orders/${round}`),
        Authorization: `Bearer ${token}`,
      });
      await rawRequest(port, 'GET', '/auth', traefikHeaders(`/unrouted/${round}`));
      await rawRequest(port, 'GET', '/auth', traefikHeaders(`/orders/${round}/%2e%2e`));
    };
    for (let round = 0; round < 5; round += 1) await send(round);
    const after5 = await series();
    for (let round = 5; round < 60; round += 1) await send(round);
    const after60 = await series();
    expect(after60.map((line) => line.replace(/ \d+$/, ''))).toEqual(
      after5.map((line) => line.replace(/ \d+$/, '')),
    );
    expect(after60.join('\n')).not.toMatch(/user-|unrouted/);
  });
});

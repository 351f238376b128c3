/**
 * Every message a user can observe — `TokenwardError` messages from core, and the status body
 * and `WWW-Authenticate` challenge that Express and Fastify send — cites RFC sections, never the
 * internal requirement IDs of docs/security-requirements.md, and challenges stay printable ASCII.
 * The cases are real: tokens minted by the reference issuer on loopback, real Express and
 * Fastify servers on port 0, and a key set that really fails.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAccessTokenVerifier,
  createIdTokenVerifier,
  extractBearerToken,
  isTokenwardError,
} from '@tokenward/core';
import { authErrorHandler, requireAuth, requireScopes } from '@tokenward/express';
import tokenward from '@tokenward/fastify';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirementIdsIn } from '../support/requirement-ids.js';
import { failingAccessTokens, failingIdTokens, misconfigurations, type TokenCase } from './cases.js';

/** One thing a user saw, and where. */
interface Observed {
  readonly where: string;
  readonly text: string;
}

/** Printable ASCII only: the characters a header value may carry everywhere. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

let issuer: ReferenceIssuer;
let tokens: TokenCase[];

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default', 'payments'] });
  tokens = await failingAccessTokens(issuer);
});

afterAll(async () => {
  await issuer.close();
});

/** What a caught error shows: its message, its challenge, and the code (to prove it failed). */
function observeError(where: string, error: unknown): { code: string; seen: Observed[] } {
  if (!isTokenwardError(error)) throw new Error(`${where}: expected a TokenwardError, got ${String(error)}`);
  const challenge = error.headers['www-authenticate'] ?? error.headers['WWW-Authenticate'] ?? '';
  return {
    code: error.code,
    seen: [
      { where: `${where} message`, text: error.message },
      { where: `${where} WWW-Authenticate`, text: challenge },
    ],
  };
}

function expectSpeaksToUsers(seen: readonly Observed[]): void {
  expect(seen.length).toBeGreaterThan(0);
  const withIds = seen
    .filter(({ text }) => requirementIdsIn(text).length > 0)
    .map(({ where, text }) => `${where}: ${text}`);
  expect(withIds).toEqual([]);
  const nonAscii = seen
    .filter(({ where, text }) => where.endsWith('WWW-Authenticate') && !PRINTABLE_ASCII.test(text))
    .map(({ where, text }) => `${where}: ${text}`);
  expect(nonAscii).toEqual([]);
  const sectionSigns = seen
    .filter(({ text }) => text.includes('§'))
    .map(({ where, text }) => `${where}: ${text}`);
  expect(sectionSigns).toEqual([]);
}

describe('core', () => {
  it('refuses every failing access token with a message free of requirement IDs', async () => {
    const own = issuer.server('default');
    const verifier = createAccessTokenVerifier({ issuer: own.issuer, audience: own.audience });
    const codes = new Set<string>();
    const seen: Observed[] = [];
    for (const { name, token, scopes } of tokens) {
      const error = await Promise.resolve()
        .then(() => verifier.verify(token, scopes === undefined ? undefined : { scopes: [...scopes] }))
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      const observed = observeError(name, error);
      codes.add(observed.code);
      seen.push(...observed.seen);
    }
    expect(codes.size).toBeGreaterThanOrEqual(12);
    expectSpeaksToUsers(seen);
  });

  it('refuses every failing ID token with a message free of requirement IDs', async () => {
    const own = issuer.server('default');
    const verifier = createIdTokenVerifier({ issuer: own.issuer, clientId: 'spa-client' });
    const codes = new Set<string>();
    const seen: Observed[] = [];
    for (const { name, token, options } of await failingIdTokens(issuer)) {
      const error = await verifier.verify(token, options).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      const observed = observeError(name, error);
      codes.add(observed.code);
      seen.push(...observed.seen);
    }
    expect(codes.size).toBeGreaterThanOrEqual(6);
    expectSpeaksToUsers(seen);
  });

  it('refuses every misconfiguration with ERR_CONFIG and a message free of requirement IDs', () => {
    const seen = misconfigurations(issuer).flatMap(({ name, options }) => {
      let error: unknown;
      try {
        createAccessTokenVerifier(options as unknown as Parameters<typeof createAccessTokenVerifier>[0]);
      } catch (caught) {
        error = caught;
      }
      const observed = observeError(name, error);
      expect(observed.code, name).toBe('ERR_CONFIG');
      return observed.seen;
    });
    const idSeen = [{}, { issuer: issuer.server('default').issuer }].map((options) => {
      try {
        createIdTokenVerifier(options as unknown as Parameters<typeof createIdTokenVerifier>[0]);
        return { where: 'id-token options', text: '' };
      } catch (caught) {
        return observeError('id-token options', caught).seen[0]!;
      }
    });
    expectSpeaksToUsers([...seen, ...idSeen]);
  });

  it('refuses malformed requests with a message free of requirement IDs', async () => {
    const requests = [
      { headers: { authorization: 'Bearer' } },
      { headers: { authorization: 'Bearer a b' } },
      { headers: { authorization: 'Bearer a, Bearer b' } },
      {
        headers: { authorization: 'Bearer a' },
        rawHeaders: ['Authorization', 'Bearer a', 'Authorization', 'Bearer b'],
      },
      { headers: { authorization: 'Bearer a' }, query: { access_token: 'b' } },
    ];
    const seen: Observed[] = [];
    for (const [index, input] of requests.entries()) {
      const error = await Promise.resolve()
        .then(() =>
          extractBearerToken(input as Parameters<typeof extractBearerToken>[0], { allowQuery: true }),
        )
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      seen.push(...observeError(`request ${index}`, error).seen);
    }
    expectSpeaksToUsers(seen);
  });

  it('answers an unreachable key set with 503 and a message free of requirement IDs', async () => {
    const own = issuer.server('default');
    const seen: Observed[] = [];
    for (const fault of [
      { server: 'default', endpoint: 'jwks', status: 503 },
      { server: 'default', endpoint: 'jwks', body: 'not json' },
      { server: 'default', endpoint: 'discovery', issuer: 'https://evil.example' },
      { server: 'default', endpoint: 'discovery', status: 404 },
    ] as const) {
      issuer.setFault(fault);
      const verifier = createAccessTokenVerifier({ issuer: own.issuer, audience: own.audience });
      const error = await Promise.resolve()
        .then(() => verifier.verify(tokens.find(({ name }) => name === 'a missing scope')!.token))
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      issuer.clearFaults();
      const observed = observeError(`${fault.endpoint} fault`, error);
      expect((error as { status: number }).status).toBe(503);
      seen.push(...observed.seen);
    }
    expectSpeaksToUsers(seen);
  });
});

/** A GET with the given header lines (node:http sends an array value as repeated lines). */
function get(
  url: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; challenge: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          challenge: String(res.headers['www-authenticate'] ?? ''),
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Requests that fail before any token is verified. */
const BAD_REQUESTS: ReadonlyArray<{
  name: string;
  path: string;
  headers: Record<string, string | string[]>;
}> = [
  { name: 'no credentials', path: '/api/orders', headers: {} },
  { name: 'another scheme', path: '/api/orders', headers: { authorization: 'Basic dXNlcjpwYXNz' } },
  { name: 'a scheme without a token', path: '/api/orders', headers: { authorization: 'Bearer' } },
  {
    name: 'two Authorization lines',
    path: '/api/orders',
    headers: { authorization: ['Bearer a', 'Bearer b'] },
  },
  {
    name: 'a token in the header and the query',
    path: '/api/orders?access_token=b',
    headers: { authorization: 'Bearer a' },
  },
];

async function observeHttp(baseUrl: string, adapter: string): Promise<Observed[]> {
  const seen: Observed[] = [];
  const statuses = new Set<number>();
  const send = async (name: string, path: string, headers: Record<string, string | string[]>) => {
    const { status, challenge, body } = await get(`${baseUrl}${path}`, headers);
    statuses.add(status);
    expect(status, `${adapter}: ${name}`).toBeGreaterThanOrEqual(400);
    seen.push({ where: `${adapter} ${name} WWW-Authenticate`, text: challenge });
    seen.push({ where: `${adapter} ${name} body`, text: body });
  };
  for (const { name, token, scopes } of tokens) {
    await send(name, scopes === undefined ? '/api/orders' : '/api/orders/write', {
      authorization: `Bearer ${token}`,
    });
  }
  for (const { name, path, headers } of BAD_REQUESTS) await send(name, path, headers);
  expect([...statuses].sort()).toEqual([400, 401, 403]);
  return seen;
}

describe('Express', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let baseUrl: string;

  beforeAll(async () => {
    const own = issuer.server('default');
    const app = express();
    app.use('/api', requireAuth({ issuer: own.issuer, audience: own.audience, allowQuery: true }));
    app.get('/api/orders', (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/api/orders/write', requireScopes(['orders:write']), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(authErrorHandler());
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers every failing request with a body and challenge free of requirement IDs', async () => {
    expectSpeaksToUsers(await observeHttp(baseUrl, 'Express'));
  });
});

describe('Fastify', () => {
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    const own = issuer.server('default');
    app = Fastify();
    await app.register(tokenward, { issuer: own.issuer, audience: own.audience, allowQuery: true });
    app.get('/api/orders', { preHandler: app.requireAuth() }, async () => ({ ok: true }));
    app.get('/api/orders/write', { preHandler: app.requireAuth({ scopes: ['orders:write'] }) }, async () => ({
      ok: true,
    }));
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers every failing request with a body and challenge free of requirement IDs', async () => {
    expectSpeaksToUsers(await observeHttp(baseUrl, 'Fastify'));
  });
});

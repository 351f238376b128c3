/**
 * HTTP attack rows, each sent over a real socket to an Express app and to a Fastify app (both on
 * port 0, see `http-apps.ts`), in front of the reference issuer on loopback. Both adapters must
 * give the same answer.
 */
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import tokenward from '@tokenward/fastify';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFamilies } from './cases/index.js';
import { caseTitle } from './forge.js';
import { type RunningApi, startExpressApi, startFastifyApi } from './http-apps.js';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  readonly query?: string | undefined;
  /** A form body: sent as a form POST. */
  readonly form?: string | undefined;
}

/** One request with exactly these header lines (a list sends the field once per value). */
function send(url: string, { method, path, headers, query, form }: Sent): Promise<Answer> {
  const target = `${url}${path}${query === undefined ? '' : `?${query}`}`;
  const sent =
    form === undefined ? headers : { ...headers, 'content-type': 'application/x-www-form-urlencoded' };
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      target,
      { method: form === undefined ? method : 'POST', headers: sent },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(form);
  });
}

/** An issuer URL on a loopback port nothing listens on (bound, then released). */
async function unreachableIssuer(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/oauth2/default`;
}

let issuer: ReferenceIssuer;
let unreachable: string;
const apis = new Map<string, RunningApi>();

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['payments', 'outage', 'mismatch'] });
  issuer.setFault({
    server: 'outage',
    endpoint: 'jwks',
    status: 500,
    body: 'upstream db-primary.internal:5432 connection reset',
    contentType: 'text/plain',
  });
  issuer.setFault({
    server: 'mismatch',
    endpoint: 'discovery',
    issuer: 'https://evil.example/oauth2/mismatch',
  });
  unreachable = await unreachableIssuer();
  const trust = (id: string) => ({ issuer: issuer.server(id).issuer, audience: issuer.server(id).audience });
  const settings = {
    main: trust('default'),
    outage: trust('outage'),
    mismatch: trust('mismatch'),
    unreachable: { issuer: unreachable, audience: 'api://default' },
  };
  apis.set('Express', await startExpressApi(settings));
  apis.set('Fastify', await startFastifyApi(settings));
});
afterAll(async () => {
  for (const api of apis.values()) await api.close();
  await issuer.close();
});

describe.each(['Express', 'Fastify'])('HTTP attacks, %s', (adapter) => {
  for (const [family, rows] of Object.entries(httpFamilies)) {
    describe(family, () => {
      it.each(rows.map((row) => [caseTitle({ ...row, expect: String(row.expect.status) }), row] as const))(
        '%s',
        async (_title, row) => {
          const answer = await send(apis.get(adapter)!.url, {
            method: row.method ?? 'GET',
            path: row.path ?? '/orders',
            headers: await row.headers(issuer, { issuer, unreachable }),
            query: await row.query?.(issuer),
            form: await row.form?.(issuer),
          });
          expect(answer.status).toBe(row.expect.status);
          const challenge = String(answer.headers['www-authenticate'] ?? '');
          if (row.expect.code !== undefined) {
            expect(JSON.parse(answer.body)).toMatchObject({ code: row.expect.code });
            expect(challenge).toMatch(/^Bearer realm="/);
          }
          if (row.expect.says !== undefined) {
            expect(JSON.parse(answer.body)).toMatchObject({
              error_description: expect.stringMatching(row.expect.says),
            });
          }
          if (row.expect.code === 'ERR_TOKEN_MISSING') expect(challenge).not.toContain('error=');
          // A preflight is answered by the auth step: no handler's JSON, no challenge.
          if (row.expect.status === 204)
            expect({ body: answer.body, challenge }).toEqual({ body: '', challenge: '' });
          if (row.expect.status >= 500) {
            expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
            expect(challenge).not.toContain('error_description');
          }
          expect(challenge.length).toBeLessThanOrEqual(1024);
          for (const secret of row.hides?.({ issuer, unreachable }) ?? []) {
            expect(answer.body).not.toContain(secret);
            expect(JSON.stringify(answer.headers)).not.toContain(secret);
          }
        },
      );
    });
  }
});

describe('Fastify: config.auth where the plugin cannot enforce it', () => {
  it('[BT-7] RFC 6750 section 3.1: a route outside the plugin context declaring config.auth is a start-up error, not a public route', async () => {
    const app = Fastify();
    await app.register(async (api) => {
      await api.register(tokenward, { issuer: issuer.server('default').issuer, audience: 'api://default' });
    });
    // Refused when the route is declared or, at the latest, when the app starts: never served.
    const failure = await (async () => {
      app.get('/orders', { config: { auth: { scopes: ['orders:read'] } } }, async () => ({ open: true }));
      await app.ready();
    })().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    await app.close();
    expect(failure?.message).toMatch(/config\.auth of GET \/orders is declared outside the context/);
  });
});

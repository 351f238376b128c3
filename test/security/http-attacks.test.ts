/**
 * HTTP attack rows, each sent over a real socket to an Express app and to a Fastify app (both
 * on port 0, both protecting `GET /orders` with the scope `orders:read`), in front of the
 * reference issuer on loopback. Both adapters must give the same answer.
 */
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authErrorHandler, requireAuth, requireScopes } from '@tokenward/express';
import tokenward from '@tokenward/fastify';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import express, { type Request, type Response } from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFamilies } from './cases/index.js';
import { caseTitle } from './forge.js';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

interface Sent {
  readonly headers: Record<string, string | string[]>;
  readonly query?: string | undefined;
  /** A form body: sent as a form POST. */
  readonly form?: string | undefined;
}

/** One request to `/orders` with exactly these header lines (a list sends the field once per value). */
function send(url: string, { headers, query, form }: Sent): Promise<Answer> {
  const target = `${url}/orders${query === undefined ? '' : `?${query}`}`;
  const method = form === undefined ? 'GET' : 'POST';
  const sent =
    form === undefined ? headers : { ...headers, 'content-type': 'application/x-www-form-urlencoded' };
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(target, { method, headers: sent }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(form);
  });
}

interface RunningApi {
  readonly url: string;
  close(): Promise<void>;
}

async function startExpress(issuer: string, audience: string): Promise<RunningApi> {
  const app = express();
  const handler = (req: Request, res: Response) => {
    res.json({ subject: req.auth?.subject });
  };
  const auth = [requireAuth({ issuer, audience }), requireScopes(['orders:read'])];
  app.get('/orders', auth, handler);
  app.post('/orders', express.urlencoded({ extended: false }), auth, handler);
  app.use(authErrorHandler());
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startFastify(issuer: string, audience: string): Promise<RunningApi> {
  const app = Fastify();
  // Form bodies reach the plugin as the raw string, which core reads like a parsed form.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );
  await app.register(tokenward, { issuer, audience });
  app.route({
    method: ['GET', 'POST'],
    url: '/orders',
    preHandler: app.requireAuth({ scopes: ['orders:read'] }),
    handler: async (request) => ({ subject: request.auth?.subject }),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

let issuer: ReferenceIssuer;
const apis = new Map<string, RunningApi>();

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['payments'] });
  const { issuer: iss, audience } = issuer.server('default');
  apis.set('Express', await startExpress(iss, audience));
  apis.set('Fastify', await startFastify(iss, audience));
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
            headers: await row.headers(issuer),
            query: await row.query?.(issuer),
            form: await row.form?.(issuer),
          });
          expect(answer.status).toBe(row.expect.status);
          if (row.expect.says !== undefined) {
            expect(JSON.parse(answer.body)).toMatchObject({
              error_description: expect.stringMatching(row.expect.says),
            });
          }
          const challenge = String(answer.headers['www-authenticate'] ?? '');
          if (row.expect.code !== undefined) {
            expect(JSON.parse(answer.body)).toMatchObject({ code: row.expect.code });
            expect(challenge).toMatch(/^Bearer realm="/);
          }
          if (row.expect.code === 'ERR_TOKEN_MISSING') expect(challenge).not.toContain('error=');
          expect(challenge.length).toBeLessThanOrEqual(1024);
          for (const secret of row.hides?.(issuer) ?? []) {
            expect(answer.body).not.toContain(secret);
            expect(JSON.stringify(answer.headers)).not.toContain(secret);
          }
        },
      );
    });
  }
});

/**
 * The two APIs the DPoP end-to-end tests call: one Express app and one Fastify app, each
 * protecting `GET /orders` (scope `orders:read`), `GET /orders/:id` (answering the `id` it was
 * routed) and `POST /orders` with tokenward, listening on
 * loopback at a port chosen before they start, since the API's origin is part of its DPoP
 * configuration (`dpop.origins`, the base of every proof's `htu`).
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AccessTokenVerifierOptions } from '@tokenward/core';
import { authErrorHandler, requireAuth, requireScopes } from '@tokenward/express';
import tokenward from '@tokenward/fastify';
import express from 'express';
import Fastify from 'fastify';

export type Framework = 'express' | 'fastify';
export const FRAMEWORKS: readonly Framework[] = ['express', 'fastify'];

export interface RunningApi {
  /** `http://127.0.0.1:PORT`, also the API's configured DPoP origin. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Verifier options without `dpop.origins`: each API adds its own origin. */
export type ApiOptions = Omit<AccessTokenVerifierOptions, 'dpop'> & {
  readonly dpop: Omit<NonNullable<AccessTokenVerifierOptions['dpop']>, 'origins'>;
};

export async function startApi(framework: Framework, options: ApiOptions): Promise<RunningApi> {
  const port = await freeLoopbackPort();
  const origin = `http://127.0.0.1:${port}`;
  const verifierOptions = {
    ...options,
    dpop: { ...options.dpop, origins: [origin] },
  } as AccessTokenVerifierOptions;
  return framework === 'express'
    ? startExpress(verifierOptions, port, origin)
    : startFastify(verifierOptions, port, origin);
}

async function startExpress(options: AccessTokenVerifierOptions, port: number, origin: string) {
  const app = express();
  app.use(express.json());
  app.get('/orders', requireAuth(options), requireScopes(['orders:read']), (req, res) => {
    res.json({ subject: req.auth?.subject, thumbprint: req.auth?.dpop?.thumbprint });
  });
  app.get('/orders/:id', requireAuth(options), (req, res) => {
    res.json({ subject: req.auth?.subject, id: req.params.id });
  });
  app.post('/orders', requireAuth(options), (req, res) => {
    res.status(201).json({ subject: req.auth?.subject });
  });
  app.use(authErrorHandler({ log: false }));
  const server = app.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function startFastify(options: AccessTokenVerifierOptions, port: number, origin: string) {
  const app = Fastify();
  await app.register(tokenward, options);
  app.get('/orders', { config: { auth: { scopes: ['orders:read'] } } }, async (request) => ({
    subject: request.auth?.subject,
    thumbprint: request.auth?.dpop?.thumbprint,
  }));
  app.get<{ Params: { id: string } }>('/orders/:id', { config: { auth: {} } }, async (request) => ({
    subject: request.auth?.subject,
    id: request.params.id,
  }));
  app.post('/orders', { config: { auth: {} } }, async (request, reply) => {
    reply.code(201);
    return { subject: request.auth?.subject };
  });
  await app.listen({ port, host: '127.0.0.1' });
  return { origin, close: () => app.close() };
}

/** A port free on loopback right now (the tests start the API on it at once). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

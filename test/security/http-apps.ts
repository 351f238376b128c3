/**
 * The two APIs every HTTP row goes to, one per adapter, on port 0 and in front of the reference
 * issuer, each with the adapter's default error path (Express: `authErrorHandler`; Fastify: its
 * default error handler):
 * - `GET` and form `POST /orders`: the scope `orders:read` (no query or form tokens accepted);
 * - `/admin`, every method (Express `app.all`, a Fastify route listing `OPTIONS`): the scope
 *   `orders:admin`; its handler answers 200, so a preflight that reached it would show;
 * - `GET /outage`: trusts a server whose key set answers 500 with internal text;
 * - `GET /mismatch`: trusts a server whose discovery document names another issuer;
 * - `GET /unreachable`: trusts an issuer on a loopback port nothing listens on.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { authErrorHandler, requireAuth, requireScopes } from '@tokenward/express';
import tokenward from '@tokenward/fastify';
import express, { type Request, type Response } from 'express';
import Fastify from 'fastify';

export interface Trust {
  readonly issuer: string;
  readonly audience: string;
}

export interface ApiTrust {
  readonly main: Trust;
  readonly outage: Trust;
  readonly mismatch: Trust;
  readonly unreachable: Trust;
}

export interface RunningApi {
  readonly url: string;
  close(): Promise<void>;
}

const ADMIN_METHODS = ['GET', 'DELETE', 'OPTIONS'] as const;

export async function startExpressApi(trust: ApiTrust): Promise<RunningApi> {
  const app = express();
  const handler = (req: Request, res: Response) => {
    res.json({ subject: req.auth?.subject ?? null });
  };
  const auth = requireAuth(trust.main);
  app.get('/orders', auth, requireScopes(['orders:read']), handler);
  app.post('/orders', express.urlencoded({ extended: false }), auth, requireScopes(['orders:read']), handler);
  app.all('/admin', auth, requireScopes(['orders:admin']), handler);
  app.get('/outage', requireAuth(trust.outage), handler);
  app.get('/mismatch', requireAuth(trust.mismatch), handler);
  app.get('/unreachable', requireAuth(trust.unreachable), handler);
  app.use(authErrorHandler({ log: false }));
  return listenOnLoopback(app);
}

/** An Express app listening on a free loopback port; `close` drops kept-alive connections too. */
export async function listenOnLoopback(app: express.Express): Promise<RunningApi> {
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

export async function startFastifyApi(trust: ApiTrust): Promise<RunningApi> {
  const app = Fastify();
  const handler = async (request: { auth?: { subject: string } | null }) => ({
    subject: request.auth?.subject ?? null,
  });
  // Form bodies reach the plugin as the raw string, which core reads like a parsed form.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );
  await app.register(async (api) => {
    await api.register(tokenward, trust.main);
    api.route({
      method: ['GET', 'POST'],
      url: '/orders',
      preHandler: api.requireAuth({ scopes: ['orders:read'] }),
      handler,
    });
    api.route({
      method: [...ADMIN_METHODS],
      url: '/admin',
      config: { auth: { scopes: ['orders:admin'] } },
      handler,
    });
  });
  for (const name of ['outage', 'mismatch', 'unreachable'] as const) {
    await app.register(async (api) => {
      await api.register(tokenward, trust[name]);
      api.get(`/${name}`, { config: { auth: {} } }, handler);
    });
  }
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

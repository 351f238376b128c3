import { once } from 'node:events';
import { Agent, createServer, IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authErrorHandler, optionalAuth, requireAuth, requireScopes } from '../src/index.js';
import { bearer, trust } from './support/issuer.js';
import { expressVersions, listen, type RunningApp } from './support/listen.js';

let issuer: ReferenceIssuer;
const subjectOf = (req: Request) => (req.auth === undefined ? null : req.auth.subject);

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default', 'partners'] });
});

afterAll(async () => {
  await issuer.close();
});

async function tokenFor(sub: string, server = 'default', scp: string[] = []): Promise<string> {
  return issuer.server(server).mintAccessToken({ sub, scp });
}

async function getJson(url: string, token?: string): Promise<unknown> {
  const response = await fetch(url, { headers: token === undefined ? {} : bearer(token) });
  return { status: response.status, body: await response.json() };
}

/** GETs on one kept-alive connection, in order; each answer names the server side's socket port. */
async function onOneConnection(url: string, tokens: (string | undefined)[]): Promise<unknown[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const answers: unknown[] = [];
  try {
    for (const token of tokens) {
      const req = request(url, { agent, headers: token === undefined ? {} : bearer(token) });
      req.end();
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      let text = '';
      for await (const chunk of res) text += chunk;
      answers.push(JSON.parse(text));
    }
  } finally {
    agent.destroy();
  }
  return answers;
}

describe.each(expressVersions)('req.auth on $label', ({ express }) => {
  let app: RunningApp;
  let other: RunningApp;

  beforeAll(async () => {
    const server = express();
    const partners = express();
    const api = express();
    const router = express.Router();
    const verified = trust(issuer.server('default'));

    server.get(
      '/later',
      requireAuth(verified),
      (_req, _res, next) => next(),
      (req, res) => {
        res.json({ subject: subjectOf(req) });
      },
    );
    server.get('/throws', requireAuth(verified), () => {
      throw new Error('handler failed');
    });
    server.get('/optional', optionalAuth(verified), (req, res) => {
      res.json({ subject: subjectOf(req), socket: req.socket.remotePort });
    });
    const assignBefore = (req: Request, _res: Response, next: NextFunction) => {
      (req as { auth?: unknown }).auth = { subject: 'set before' };
      next();
    };
    server.get('/assigned-before', assignBefore, requireAuth(verified), (req, res) => {
      res.json({ subject: subjectOf(req) });
    });
    server.get('/assigned-before-anonymous', assignBefore, optionalAuth(verified), (req, res) => {
      res.json({ subject: subjectOf(req) });
    });
    server.get(
      '/assigned-after',
      requireAuth(verified),
      (req, _res, next) => {
        (req as { auth?: unknown }).auth = { subject: 'set after' };
        next();
      },
      requireScopes(['orders:read']),
      (req, res) => res.json({ subject: subjectOf(req) }),
    );

    router.get('/orders', requireAuth(verified), (req, res, next) => {
      res.setHeader('x-router-subject', String(subjectOf(req)));
      next();
    });
    api.use('/v1', router);
    partners.get('/who', requireAuth(trust(issuer.server('partners'))), (req, res) => {
      res.json({ subject: subjectOf(req) });
    });
    server.use('/api/parent-then-sub', requireAuth(verified));
    server.use('/api', api);
    server.use('/partners', partners);
    server.get('/api/v1/orders', (req, res) => {
      res.json({ subject: subjectOf(req), inRouter: res.getHeader('x-router-subject') });
    });
    api.get('/parent-then-sub', (req, res) => res.json({ subject: subjectOf(req) }));
    server.use((error: Error, req: Request, res: Response, next: NextFunction) => {
      if (error.message !== 'handler failed') return next(error);
      res.status(500).json({ subject: subjectOf(req) });
    });
    server.use(authErrorHandler({ log: false }));
    app = await listen(server);

    // A second, separate app in the same process, without tokenward.
    const plain = express();
    plain.get('/plain', (req, _res, next) => {
      const before = req.auth ?? null;
      (req as { auth?: unknown }).auth = { subject: 'own' };
      next(before === null ? undefined : new Error('req.auth was set on a request no one verified'));
    });
    plain.get('/plain', (req, res) => res.json({ subject: subjectOf(req) }));
    other = await listen(plain);
  });

  afterAll(async () => {
    await app.close();
    await other.close();
  });

  it('is readable in a later handler', async () => {
    expect(await getJson(`${app.url}/later`, await tokenFor('alice'))).toEqual({
      status: 200,
      body: { subject: 'alice' },
    });
  });

  it('is readable in an error handler after the route threw', async () => {
    expect(await getJson(`${app.url}/throws`, await tokenFor('alice'))).toEqual({
      status: 500,
      body: { subject: 'alice' },
    });
  });

  it('is undefined for optionalAuth without credentials, also after verified requests', async () => {
    await getJson(`${app.url}/optional`, await tokenFor('alice'));
    expect(await getJson(`${app.url}/optional`)).toMatchObject({ status: 200, body: { subject: null } });
  });

  it("is replaced by requireAuth's result when another middleware set it before", async () => {
    expect(await getJson(`${app.url}/assigned-before`, await tokenFor('alice'))).toEqual({
      status: 200,
      body: { subject: 'alice' },
    });
    expect(await getJson(`${app.url}/assigned-before-anonymous`)).toEqual({
      status: 200,
      body: { subject: 'set before' },
    });
  });

  it('takes what a later middleware assigns, while route checks still use the verified token', async () => {
    expect(
      await getJson(`${app.url}/assigned-after`, await tokenFor('alice', 'default', ['orders:read'])),
    ).toEqual({ status: 200, body: { subject: 'set after' } });
    const withoutScope = await getJson(`${app.url}/assigned-after`, await tokenFor('alice'));
    expect(withoutScope).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
  });

  it('is set per app: a mounted sub-app with its own issuer, and an app without tokenward', async () => {
    expect(await getJson(`${app.url}/partners/who`, await tokenFor('bob', 'partners'))).toEqual({
      status: 200,
      body: { subject: 'bob' },
    });
    expect(await getJson(`${other.url}/plain`)).toEqual({ status: 200, body: { subject: 'own' } });
  });

  it('crosses app boundaries: set in a router of a sub-app, read in the parent, and the other way', async () => {
    // A fresh parent whose first verification happens inside the mounted sub-app.
    const parent = express();
    const sub = express();
    const router = express.Router();
    router.get('/fails', requireAuth(trust(issuer.server('default'))), () => {
      throw new Error('handler failed');
    });
    sub.use('/v1', router);
    parent.use('/api', sub);
    parent.use((error: Error, req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ subject: subjectOf(req), error: error.message });
    });
    const fresh = await listen(parent);
    try {
      expect(await getJson(`${fresh.url}/api/v1/fails`, await tokenFor('frank'))).toEqual({
        status: 500,
        body: { subject: 'frank', error: 'handler failed' },
      });
    } finally {
      await fresh.close();
    }
    expect(await getJson(`${app.url}/api/v1/orders`, await tokenFor('carol'))).toEqual({
      status: 200,
      body: { subject: 'carol', inRouter: 'carol' },
    });
    expect(await getJson(`${app.url}/api/parent-then-sub`, await tokenFor('dave'))).toEqual({
      status: 200,
      body: { subject: 'dave' },
    });
  });

  it('does not carry over to the next request on a kept-alive connection', async () => {
    const [alice, anonymous, bob] = (await onOneConnection(`${app.url}/optional`, [
      await tokenFor('alice'),
      undefined,
      await tokenFor('bob'),
    ])) as { subject: string | null; socket: number }[];
    expect([alice?.subject, anonymous?.subject, bob?.subject]).toEqual(['alice', null, 'bob']);
    expect(new Set([alice?.socket, anonymous?.socket, bob?.socket]).size).toBe(1);
  });
});

describe('req.auth outside Express', () => {
  it("leaves Node's own requests alone: a plain node:http server never sees an auth property", async () => {
    const server = plainNodeServer();
    await once(server.listen(0, '127.0.0.1'), 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(await response.json()).toEqual({ hasAuth: false });
      expect('auth' in IncomingMessage.prototype).toBe(false);
    } finally {
      server.close();
    }
  });

  it('is a property of the request itself when its prototype chain holds no IncomingMessage', async () => {
    const token = await tokenFor('erin');
    const req = {
      method: 'GET',
      originalUrl: '/orders',
      headers: bearer(token),
      rawHeaders: ['Authorization', `Bearer ${token}`],
      socket: { remoteAddress: '127.0.0.1' },
    };
    const passed = new Promise<unknown>((resolve) => {
      const middleware = requireAuth(trust(issuer.server('default')));
      middleware(req as unknown as Request, {} as Response, resolve);
    });
    expect(await passed).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(req, 'auth')?.value).toMatchObject({ subject: 'erin' });
    expect('auth' in Object.prototype).toBe(false);
  });
  it('is the verified token where a middleware set req.auth before tokenward first met the request chain', async () => {
    // A request of an Express copy no tokenward middleware has seen yet: no accessor on its base request.
    const base = Object.create(IncomingMessage.prototype) as object;
    const appRequest = Object.create(base) as object;
    const requestFor = async (sub: string, own: object) => {
      const token = await tokenFor(sub);
      return Object.assign(Object.create(appRequest) as Request, {
        method: 'GET',
        originalUrl: '/orders',
        headers: bearer(token),
        rawHeaders: ['Authorization', `Bearer ${token}`],
        socket: { remoteAddress: '127.0.0.1' },
        ...own,
      });
    };
    const middleware = requireAuth(trust(issuer.server('default')));
    const run = (req: Request) => new Promise((resolve) => middleware(req, {} as Response, resolve));
    const early = await requestFor('grace', { auth: { subject: 'set before' } });
    expect(await run(early)).toBeUndefined();
    expect(early.auth?.subject).toBe('grace');
    const later = await requestFor('heidi', {});
    expect(await run(later)).toBeUndefined();
    expect([later.auth?.subject, Object.hasOwn(later, 'auth')]).toEqual(['heidi', false]);
    expect(typeof Object.getOwnPropertyDescriptor(base, 'auth')?.get).toBe('function');
  });

  it("is set through an auth accessor the request chain already has, such as another copy's", async () => {
    const theirs = new WeakMap<object, unknown>();
    const base = Object.create(IncomingMessage.prototype) as object;
    Object.defineProperty(base, 'auth', {
      configurable: true,
      get(this: object) {
        return theirs.get(this);
      },
      set(this: object, auth: unknown) {
        theirs.set(this, auth);
      },
    });
    const token = await tokenFor('ivan');
    const req = Object.assign(Object.create(Object.create(base) as object) as Request, {
      method: 'GET',
      originalUrl: '/orders',
      headers: bearer(token),
      rawHeaders: ['Authorization', `Bearer ${token}`],
      socket: { remoteAddress: '127.0.0.1' },
    });
    const middleware = requireAuth(trust(issuer.server('default')));
    expect(await new Promise((resolve) => middleware(req, {} as Response, resolve))).toBeUndefined();
    expect([req.auth?.subject, (theirs.get(req) as Request['auth'])?.subject]).toEqual(['ivan', 'ivan']);
  });
});

function plainNodeServer() {
  return createServer((req, res) => res.end(JSON.stringify({ hasAuth: 'auth' in req })));
}

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createAccessTokenVerifier } from '@tokenward/core';
import {
  authErrorHandler,
  optionalAuth,
  requireAuth,
  requireClaims,
  resourceMetadataHandler,
} from '@tokenward/express';
import express, { type Request, type Response } from 'express';
import { type AdapterHarness, RESOURCE_METADATA, STEP_UP } from '../harness.js';

const subject = (req: Request, res: Response) => {
  res.json({ subject: req.auth?.subject });
};
const subjectAndScopes = (req: Request, res: Response) => {
  res.json({ subject: req.auth?.subject, scopes: req.auth?.scopes });
};

export const expressHarness: AdapterHarness = {
  name: 'express',
  async start({ realm, main, outage, resource, dpop, introspection }) {
    const app = express();
    const mcp = createAccessTokenVerifier({ ...resource, realm });
    app.use(resourceMetadataHandler(mcp, RESOURCE_METADATA));
    app.get('/mcp', requireAuth(mcp, { scopes: ['mcp:tools'] }), subject);
    // The scopes on requireAuth itself: its challenges then name them, as Fastify's config.auth does.
    const orders = requireAuth({ ...main, realm, scopes: ['orders:read'] });
    app.get('/orders', orders, subject);
    app.options('/orders', orders, subject);
    // The form is parsed before requireAuth, which then sees an access_token field beside the header.
    app.post('/orders', express.urlencoded({ extended: false }), orders, subject);
    app.get('/gold', requireAuth({ ...main, realm }), requireClaims({ tier: 'gold' }), subject);
    app.get('/outage', requireAuth({ ...outage, realm }), subject);
    app.get('/strong', requireAuth({ ...main, realm, ...STEP_UP }), subject);
    app.get('/dpop', requireAuth({ ...dpop.allowed, realm, scopes: ['orders:read'] }), subject);
    app.get('/dpop-nonce', requireAuth({ ...dpop.nonced, realm }), subject);
    app.get('/dpop-nonce-next', requireAuth({ ...dpop.noncedNextStep, realm }), subject);
    app.get('/dpop-outage', requireAuth({ ...dpop.outage, realm }), subject);
    const scoped = { realm, scopes: ['orders:read'] };
    app.get('/introspected', requireAuth({ ...introspection.fallback, ...scoped }), subjectAndScopes);
    app.get('/introspected-always', requireAuth({ ...introspection.always, ...scoped }), subjectAndScopes);
    app.get(
      '/introspected-strong',
      requireAuth({ ...introspection.always, realm, ...STEP_UP }),
      subjectAndScopes,
    );
    app.get('/introspected-outage', requireAuth({ ...introspection.outage, realm }), subjectAndScopes);
    app.get('/maybe', optionalAuth({ ...main, realm }), (req, res) => {
      res.json({ subject: req.auth?.subject ?? 'anonymous' });
    });
    app.use(authErrorHandler({ log: false }));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        }),
    };
  },
};

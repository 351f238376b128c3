import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { authErrorHandler, requireAuth, requireClaims, requireScopes } from '@tokenward/express';
import express, { type Request, type Response } from 'express';
import type { AdapterHarness } from '../harness.js';

const subject = (req: Request, res: Response) => {
  res.json({ subject: req.auth?.subject });
};

export const expressHarness: AdapterHarness = {
  name: 'express',
  async start({ realm, main, outage }) {
    const app = express();
    const auth = requireAuth({ ...main, realm });
    app.get('/orders', auth, requireScopes(['orders:read']), subject);
    app.options('/orders', auth, requireScopes(['orders:read']), subject);
    app.get('/gold', auth, requireClaims({ tier: 'gold' }), subject);
    app.get('/outage', requireAuth({ ...outage, realm }), subject);
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

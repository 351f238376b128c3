import type { Server } from 'node:http';
import { requireAuth } from '@tokenward/express';
import { auth } from 'express-oauth2-jwt-bearer';
import { type ExpressHandler, type ExpressResponse, express } from '../lib/untyped-packages.js';
import { ORDERS_BODY, PROTECTED_PATH, type ServerConfig } from './server-config.js';

function authMiddleware(config: ServerConfig): ExpressHandler[] {
  switch (config.auth) {
    case 'none':
      return [];
    case 'tokenward':
      return [requireAuth({ issuer: config.issuer, audience: config.audience })];
    case 'peer':
      return [auth({ issuerBaseURL: config.issuer, audience: config.audience, tokenSigningAlg: 'RS256' })];
  }
}

/** Express 5 with the default final handler answering auth errors from their `status` and `headers`. */
export function listenExpress(config: ServerConfig): Promise<Server> {
  const app = express();
  // 'test' keeps the final handler from printing a stack for every 401 of the proof requests.
  app.set('env', 'test');
  app.get(PROTECTED_PATH, ...authMiddleware(config), (_request: unknown, response: ExpressResponse) => {
    response.json(ORDERS_BODY);
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

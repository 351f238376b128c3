// Hono (any runtime: Workers, Deno, Bun, Node, edge): `requireAuth` for a group of routes, a
// route's scopes with `requireScopes`, `c.get('auth')` typed through TokenwardEnv.
import { requireAuth, requireScopes, type TokenwardEnv } from '@tokenward/hono';
import { Hono } from 'hono';

export function createApp(trust: { issuer: string; audience: string }): Hono<TokenwardEnv> {
  const app = new Hono<TokenwardEnv>();
  app.use('/api/*', requireAuth(trust));
  app.get('/api/orders', requireScopes(['orders:read']), (c) =>
    c.json({ subject: c.get('auth').subject, orders: [] }),
  );
  return app;
}

import { createAccessTokenVerifier } from '@tokenward/core';
import {
  optionalAuth,
  requireAuth,
  requireClaims,
  resourceMetadata,
  type TokenwardEnv,
} from '@tokenward/hono';
import { type Context, Hono } from 'hono';
import { type AdapterHarness, RESOURCE_METADATA, STEP_UP } from '../harness.js';
import { serveFetch } from '../serve-fetch.js';

const subject = (c: Context<TokenwardEnv>) => c.json({ subject: c.get('auth').subject });
const subjectAndScopes = (c: Context<TokenwardEnv>) =>
  c.json({ subject: c.get('auth').subject, scopes: c.get('auth').scopes });

export const honoHarness: AdapterHarness = {
  name: 'hono',
  async start({ realm, main, outage, resource, dpop, introspection }) {
    const verifier = createAccessTokenVerifier({ ...main, realm });
    const mcp = createAccessTokenVerifier({ ...resource, realm });
    const app = new Hono<TokenwardEnv>();
    app.use(resourceMetadata(mcp, RESOURCE_METADATA));
    app.get('/mcp', requireAuth(mcp, { scopes: ['mcp:tools'] }), subject);
    // The scopes on requireAuth itself: its challenges then name them, as the other adapters' do.
    app.on(
      ['GET', 'OPTIONS', 'POST'],
      '/orders',
      requireAuth(verifier, { scopes: ['orders:read'] }),
      subject,
    );
    app.get('/gold', requireAuth(verifier), requireClaims({ tier: 'gold' }), subject);
    app.get('/strong', requireAuth(verifier, STEP_UP), subject);
    app.get('/outage', requireAuth({ ...outage, realm }), subject);
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
    app.get('/maybe', optionalAuth(verifier), (c) =>
      c.json({ subject: c.get('auth')?.subject ?? 'anonymous' }),
    );
    return serveFetch(async (request) => app.fetch(request));
  },
};

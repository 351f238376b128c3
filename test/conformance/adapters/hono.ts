import { createAccessTokenVerifier } from '@tokenward/core';
import { requireAuth, requireClaims, requireScopes, type TokenwardEnv } from '@tokenward/hono';
import { type Context, Hono } from 'hono';
import { type AdapterHarness, STEP_UP } from '../harness.js';
import { serveFetch } from '../serve-fetch.js';

const subject = (c: Context<TokenwardEnv>) => c.json({ subject: c.get('auth').subject });

export const honoHarness: AdapterHarness = {
  name: 'hono',
  async start({ realm, main, outage }) {
    const verifier = createAccessTokenVerifier({ ...main, realm });
    const app = new Hono<TokenwardEnv>();
    app.on(['GET', 'OPTIONS'], '/orders', requireAuth(verifier), requireScopes(['orders:read']), subject);
    app.get('/gold', requireAuth(verifier), requireClaims({ tier: 'gold' }), subject);
    app.get('/strong', requireAuth(verifier, STEP_UP), subject);
    app.get('/outage', requireAuth({ ...outage, realm }), subject);
    return serveFetch(async (request) => app.fetch(request));
  },
};

import { type AccessTokenResult, createAccessTokenVerifier, withAuth } from '@tokenward/core';
import { type AdapterHarness, STEP_UP } from '../harness.js';
import { serveFetch } from '../serve-fetch.js';

const subject = (_request: Request, auth: AccessTokenResult) => Response.json({ subject: auth.subject });

export const fetchHarness: AdapterHarness = {
  name: 'fetch',
  async start({ realm, main, outage }) {
    const verifier = createAccessTokenVerifier({ ...main, realm });
    const orders = withAuth(verifier, subject, { scopes: ['orders:read'] });
    const routes: Record<string, (request: Request) => Promise<Response>> = {
      'GET /orders': orders,
      'OPTIONS /orders': orders,
      'GET /gold': withAuth(verifier, subject, { claims: { tier: 'gold' } }),
      'GET /strong': withAuth(verifier, subject, STEP_UP),
      'GET /outage': withAuth(createAccessTokenVerifier({ ...outage, realm }), subject),
    };
    return serveFetch((request) => {
      const route = routes[`${request.method} ${new URL(request.url).pathname}`];
      return route === undefined ? Promise.resolve(new Response(null, { status: 404 })) : route(request);
    });
  },
};

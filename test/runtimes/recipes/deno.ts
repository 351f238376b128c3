// Deno: `deno serve --allow-net --allow-env server.ts` serves the default export's fetch.
import { createAccessTokenVerifier, withAuth } from '@tokenward/core';

const verifier = createAccessTokenVerifier({
  issuer: process.env.ISSUER ?? 'https://acme.okta.com/oauth2/default',
  audience: process.env.AUDIENCE ?? 'api://default',
});

export default {
  fetch: withAuth(verifier, (_request, auth) => Response.json({ subject: auth.subject, orders: [] }), {
    scopes: ['orders:read'],
  }),
};

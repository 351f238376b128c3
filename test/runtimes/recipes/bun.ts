// Bun: `bun run server.ts` serves the default export (`Bun.serve` options).
import { createAccessTokenVerifier, withAuth } from '@tokenward/core';

const verifier = createAccessTokenVerifier({
  issuer: process.env.ISSUER ?? 'https://acme.okta.com/oauth2/default',
  audience: process.env.AUDIENCE ?? 'api://default',
});

export default {
  hostname: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 3000),
  fetch: withAuth(verifier, (_request, auth) => Response.json({ subject: auth.subject, orders: [] }), {
    scopes: ['orders:read'],
  }),
};

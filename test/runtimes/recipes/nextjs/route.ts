// Next.js route handler (app/api/orders/route.ts) on the edge runtime; in the Node.js runtime the
// same code works (Node resolves tokenward's Node entry).
import { createAccessTokenVerifier, withAuth } from '@tokenward/core';

export const runtime = 'edge';

const verifier = createAccessTokenVerifier({
  issuer: process.env.ISSUER ?? 'https://acme.okta.com/oauth2/default',
  audience: process.env.AUDIENCE ?? 'api://default',
});

export const GET = withAuth(
  verifier,
  (_request, auth) => Response.json({ subject: auth.subject, orders: [] }),
  {
    scopes: ['orders:read'],
  },
);

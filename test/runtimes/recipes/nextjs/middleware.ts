// Next.js middleware (middleware.ts): refuse requests without a valid token before any route runs.
// Returning nothing lets the request go on to its route.
import { authenticate, createAccessTokenVerifier } from '@tokenward/core';

const verifier = createAccessTokenVerifier({
  issuer: process.env.ISSUER ?? 'https://acme.okta.com/oauth2/default',
  audience: process.env.AUDIENCE ?? 'api://default',
});

export async function middleware(request: Request): Promise<Response | undefined> {
  const auth = await authenticate(verifier, request);
  return auth instanceof Response ? auth : undefined;
}

export const config = { matcher: '/api/:path*' };

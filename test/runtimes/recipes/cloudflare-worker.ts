// Cloudflare Workers: `withAuth` around a module worker's fetch handler. Bindings: ISSUER,
// AUDIENCE and, optionally, KEY_SNAPSHOT (the JSON of `verifier.snapshot()`, e.g. saved at deploy
// time or read from KV) so that a cold isolate verifies its first token without a fetch.
import {
  type AccessTokenResult,
  type AccessTokenVerifier,
  createAccessTokenVerifier,
  withAuth,
} from '@tokenward/core';

export interface Env {
  ISSUER: string;
  AUDIENCE: string;
  KEY_SNAPSHOT?: string;
}

const listOrders = (_request: Request, auth: AccessTokenResult) =>
  Response.json({ subject: auth.subject, orders: [] });

// One verifier per isolate, built on the first request (bindings arrive with it): the keys it
// fetches or restores serve every later request of this isolate.
let orders: ((request: Request, env: Env) => Promise<Response>) | undefined;

function protect(env: Env): (request: Request, env: Env) => Promise<Response> {
  const verifier: AccessTokenVerifier = createAccessTokenVerifier({
    issuer: env.ISSUER,
    audience: env.AUDIENCE,
    snapshot: env.KEY_SNAPSHOT === undefined ? undefined : JSON.parse(env.KEY_SNAPSHOT),
  });
  return withAuth(verifier, listOrders, { scopes: ['orders:read'] });
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    orders ??= protect(env);
    return orders(request, env);
  },
};

// Cloudflare Workers: `withAuth` around a module worker's fetch handler, its key set kept in
// Workers KV so that a cold isolate verifies its first token without a fetch. Bindings: ISSUER,
// AUDIENCE and KEYS, a KV namespace. An isolate starts from the snapshot in KV; when its verifier
// had to fetch keys (none in KV yet, or they expired or rotated), the response goes out first and
// the new snapshot is written after it (`ctx.waitUntil`) for the isolates that start later.
import {
  type AccessTokenResult,
  type AccessTokenVerifier,
  createAccessTokenVerifier,
  type KeySetSnapshot,
  withAuth,
} from '@tokenward/core';

/** What this recipe uses of a KV namespace binding (`KVNamespace` in @cloudflare/workers-types). */
export interface KeyValueNamespace {
  get(key: string, type: 'json'): Promise<unknown>;
  put(key: string, value: string): Promise<void>;
}

export interface Env {
  ISSUER: string;
  AUDIENCE: string;
  KEYS: KeyValueNamespace;
}

/** What this recipe uses of the handler's third argument (`ExecutionContext`). */
export interface Context {
  waitUntil(promise: Promise<unknown>): void;
}

const SNAPSHOT_KEY = 'tokenward-keys';

const listOrders = (_request: Request, auth: AccessTokenResult) =>
  Response.json({ subject: auth.subject, orders: [] });

interface Api {
  readonly verifier: AccessTokenVerifier;
  readonly orders: (request: Request) => Promise<Response>;
}

// One verifier per isolate: the keys it restores or fetches serve every later request here.
let api: Api | undefined;
// Set when the verifier fetched a key set; the request that sees it saves a new snapshot.
let keysFetched = false;

async function start(env: Env): Promise<Api> {
  // Each cold request reads KV itself: on Workers a request must not wait on another's I/O.
  const snapshot = (await env.KEYS.get(SNAPSHOT_KEY, 'json')) as KeySetSnapshot | null;
  if (api !== undefined) return api; // another request of this isolate started first
  const verifier = createAccessTokenVerifier({
    issuer: env.ISSUER,
    audience: env.AUDIENCE,
    snapshot,
    onEvent: (event) => {
      if (event.type === 'jwks_fetched') keysFetched = true;
    },
  });
  api = { verifier, orders: withAuth(verifier, listOrders, { scopes: ['orders:read'] }) };
  return api;
}

export default {
  async fetch(request: Request, env: Env, ctx: Context): Promise<Response> {
    const { verifier, orders } = api ?? (await start(env));
    const response = await orders(request);
    if (keysFetched) {
      keysFetched = false;
      ctx.waitUntil(env.KEYS.put(SNAPSHOT_KEY, JSON.stringify(verifier.snapshot())));
    }
    return response;
  },
};

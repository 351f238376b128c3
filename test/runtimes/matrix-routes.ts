/**
 * The small API every runtime serves: a recipe's own handler (the Fetch adapter as a user writes
 * it) for `/orders`, the Hono recipe for `/api/*`, the Hono MCP recipe for `/mcp` and its
 * metadata, and the routes only the matrix needs.
 */
import { type AccessTokenResult, createAccessTokenVerifier, withAuth } from '@tokenward/core';
import { createApp } from './recipes/hono.js';
import { createMcpApp } from './recipes/hono-mcp.js';

export interface Trust {
  readonly issuer: string;
  readonly audience: string;
}

/** What the runtime is told (as JSON, the platform's way: bindings, environment, build-time define). */
export interface MatrixConfig {
  /** The server behind `/orders` and `/api/*`. */
  readonly main: Trust;
  /** A server whose key set cannot be fetched. */
  readonly outage: Trust;
  /** A server this runtime alone asks, so that its fetches can be counted. */
  readonly cold: Trust;
  /** A server known only from `snapshot`. */
  readonly restored: Trust;
  /** The resource behind `/mcp` and its metadata: tokens of `main`'s issuer naming it in `aud`. */
  readonly resource: { readonly issuer: string; readonly resource: string };
  /** The browser origin `/mcp` allows (CORS). */
  readonly browserOrigin: string;
  /** `verifier.snapshot()` of a verifier of `restored`, as JSON. */
  readonly snapshot: string;
  /** `verifier.snapshot()` of a verifier of `main`, as JSON: what the Workers recipe's KV holds at the start. */
  readonly mainSnapshot: string;
  /** This runtime's own origin, the base of DPoP proofs' `htu`. */
  readonly origin: string;
}

/** The secret of `/dpop-nonce`'s stateless server nonces (RFC 9449 section 9). */
const NONCE_KEY = 'a-runtime-matrix-nonce-secret-of-32-characters';

export type Handler = (request: Request) => Promise<Response>;

const subject = (_request: Request, auth: AccessTokenResult) => Response.json({ subject: auth.subject });

/** The matrix API: `recipe` answers what no matrix route does, with the platform's extra arguments. */
export function matrixRoutes<Rest extends unknown[]>(
  config: MatrixConfig,
  recipe: (request: Request, ...rest: Rest) => Promise<Response>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  const hono = createApp(config.main);
  const mcp = createMcpApp(config.resource, config.browserOrigin);
  const routes: Record<string, Handler> = {
    '/outage': withAuth(createAccessTokenVerifier(config.outage), subject),
    '/cold': withAuth(createAccessTokenVerifier(config.cold), subject),
    '/dpop': withAuth(
      createAccessTokenVerifier({ ...config.main, dpop: { mode: 'allowed', origins: [config.origin] } }),
      subject,
    ),
    '/dpop-nonce': withAuth(
      createAccessTokenVerifier({
        ...config.main,
        dpop: { mode: 'required', origins: [config.origin], nonceKeys: [NONCE_KEY] },
      }),
      subject,
    ),
    '/restored': withAuth(
      createAccessTokenVerifier({ ...config.restored, snapshot: JSON.parse(config.snapshot) }),
      subject,
    ),
  };
  return async (request, ...rest) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/api/')) return hono.fetch(request);
    if (pathname === '/mcp' || pathname.startsWith('/.well-known/')) return mcp.fetch(request);
    const route = routes[pathname];
    return route === undefined ? recipe(request, ...rest) : route(request);
  };
}

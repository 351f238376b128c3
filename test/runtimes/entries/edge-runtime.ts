// Vercel's edge runtime: the Next.js middleware, then the route handler, as Next runs them; the
// environment is inlined when bundling, as Next does for edge code.

import { type MatrixConfig, matrixRoutes } from '../matrix-routes.js';
import { middleware } from '../recipes/nextjs/middleware.js';
import { GET } from '../recipes/nextjs/route.js';

interface FetchEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}

const route = matrixRoutes(JSON.parse(process.env.MATRIX ?? '') as MatrixConfig, async (request) => {
  return (await middleware(request)) ?? GET(request);
});

(
  globalThis as unknown as { addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void }
).addEventListener('fetch', (event) => event.respondWith(route(event.request)));

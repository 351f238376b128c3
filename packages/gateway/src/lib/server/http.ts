/**
 * The authorizer's HTTP endpoints: `/auth` (forward-auth for NGINX, Caddy, Traefik),
 * `/envoy/<path>` (Envoy HTTP `ext_authz`), `/healthz` and `/readyz`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { httpAnswer } from '../decision/answer.js';
import type { Decision } from '../decision/decide.js';
import { headersEnvoyRemoves, unsetIdentityHeaders } from '../decision/identity.js';
import { fromEnvoyHttp, fromForwardAuth } from '../request/original-request.js';
import { type AuthorizerState, decideAndRecord } from './state.js';

/**
 * Bytes of request line and headers the HTTP port reads by default. A proxy passes on the client's
 * headers and adds its own: this is above what the recipes' proxies accept (NGINX's
 * `large_client_header_buffers 4 8k`, Caddy's `max_header_size 32KiB`) plus what they add, so a
 * request a proxy accepted is decided, not refused with a 431 that NGINX would turn into a 500.
 */
export const DEFAULT_MAX_HEADER_SIZE = 64 * 1024;

/** The range of `maxHeaderSize`: Node's own default (16 KiB) to 1 MiB (Go's, so Traefik's and Caddy's). */
export const MAX_HEADER_SIZE_RANGE = { min: 16 * 1024, max: 1024 * 1024 } as const;

/** Why `bytes` cannot be the HTTP port's header limit, or `undefined` when it can. */
export function maxHeaderSizeProblem(bytes: number): string | undefined {
  const { min, max } = MAX_HEADER_SIZE_RANGE;
  if (Number.isInteger(bytes) && bytes >= min && bytes <= max) return undefined;
  return `must be a whole number of bytes from ${min} to ${max}`;
}

export function createAuthorizerServer(state: AuthorizerState, maxHeaderSize: number): Server {
  // NGINX's subrequest for an HTTP/1.0 request without Host has no Host either (the recipe's
  // `$host` is then empty, and NGINX drops an empty header). It is decided as a request without a
  // host, which only rules for any host match, instead of getting Node's 400: RFC 9112 section 3.2
  // asks for Host from HTTP/1.1 clients, and this one describes an HTTP/1.0 request.
  const options = { maxHeaderSize, requireHostHeader: false };
  const server = createServer(options, (request, response) => {
    // A proxy may send the original body along (Envoy's with_request_body): it is not needed.
    request.resume();
    route(state, request, response).catch((error: unknown) => {
      // Never a crash: the proxy gets a 500 (it refuses the request), the operator the cause.
      state.log(`answer failed: ${String(error)}`);
      if (response.headersSent) response.destroy();
      else plain(response, 500, 'the authorizer could not answer\n');
    });
  });
  // Every header line is read: Node keeps only the first 2,000 by default and drops the rest
  // silently, while the proxy passes them all to the API, so a method override or a second
  // credential past that count would reach the API undecided. maxHeaderSize still bounds the bytes.
  server.maxHeadersCount = 0;
  // Proxies keep connections to the authorizer open; a slow or stuck one must not pin sockets forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // An idle connection is closed by the proxy first (NGINX's upstream keepalive_timeout is 60 s):
  // a close from this side while a proxy reuses the connection would fail that request.
  server.keepAliveTimeout = 65_000;
  return server;
}

async function route(
  state: AuthorizerState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = request.url ?? '/';
  const path = url.split('?', 1)[0];
  if (path === '/healthz') return plain(response, 200, 'ok\n');
  if (path === '/readyz') {
    const ready = state.ready() && !state.draining();
    return plain(response, ready ? 200 : 503, ready ? 'ready\n' : 'not ready\n');
  }
  if (path === '/auth') {
    const decision = await decideAndRecord(state, 'forward_auth', () =>
      fromForwardAuth(request.headers, request.rawHeaders),
    );
    return send(state, response, decision);
  }
  if (url.startsWith(`${state.envoyPrefix}/`)) {
    const decision = await decideAndRecord(state, 'envoy_http', () =>
      fromEnvoyHttp(request.method ?? 'GET', url, state.envoyPrefix, request.headers, request.rawHeaders),
    );
    return send(state, response, decision, true);
  }
  return plain(
    response,
    404,
    'not found: the authorizer answers /auth, /envoy/<path>, /healthz and /readyz\n',
  );
}

function send(state: AuthorizerState, response: ServerResponse, decision: Decision, envoy = false): void {
  const names = state.policy().definition.identityHeaders;
  const answer = httpAnswer(decision, names);
  const headers: Record<string, string> = { ...answer.headers };
  if (decision.allowed && envoy) {
    headers['x-envoy-auth-headers-to-remove'] = headersEnvoyRemoves(names, headers).join(', ');
  } else if (decision.allowed) {
    // Forward-auth proxies copy what the answer has: an empty value replaces a client's own (NGINX
    // then drops the header), where an absent one would leave it, or, in Caddy 2.6, set the
    // unresolved placeholder text instead.
    for (const name of unsetIdentityHeaders(names, headers)) headers[name] = '';
    // The same for the nonce the Caddy recipe copies: empty when there is no fresh one.
    headers['DPoP-Nonce'] ??= '';
  }
  if (state.draining()) response.setHeader('Connection', 'close');
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(text);
}

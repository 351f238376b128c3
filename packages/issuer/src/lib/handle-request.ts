import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReferenceAuthServer } from '../auth-server.js';
import { handleAuthorize } from '../endpoints/authorize.js';
import { handleDiscovery } from '../endpoints/discovery.js';
import { handleIntrospect } from '../endpoints/introspect.js';
import { handleJwks } from '../endpoints/jwks.js';
import { handleRevoke } from '../endpoints/revoke.js';
import { handleToken } from '../endpoints/token.js';
import { handleUserinfo } from '../endpoints/userinfo.js';
import type { Endpoint, OrgServerLayout } from '../types.js';
import { applyFault, type DelayTimers } from './apply-fault.js';
import type { EndpointHandler, IssuerState } from './context.js';
import type { RequestCounter } from './counters.js';
import type { FaultTable } from './faults.js';
import { sendJson, sendNotFound, sendPreflight, setCorsHeaders } from './http.js';
import { matchRoute, type Route } from './routes.js';

/** Endpoints a browser may call cross-origin, with the methods their preflight allows. */
const CORS_METHODS: Partial<Record<Endpoint, string[]>> = {
  discovery: ['GET'],
  jwks: ['GET'],
  token: ['POST'],
  userinfo: ['GET', 'POST'],
};

const HANDLERS: Record<Endpoint, EndpointHandler> = {
  discovery: handleDiscovery,
  jwks: handleJwks,
  token: handleToken,
  authorize: handleAuthorize,
  introspect: handleIntrospect,
  revoke: handleRevoke,
  userinfo: handleUserinfo,
};

/** Everything the request handler reads; owned by the issuer. */
export interface RequestDependencies {
  readonly state: IssuerState;
  readonly counter: RequestCounter;
  readonly faults: FaultTable;
  readonly timers: DelayTimers;
  readonly adminEnabled: boolean;
  readonly orgServerLayout: OrgServerLayout;
  findServer(id: string): ReferenceAuthServer | undefined;
  handleAdmin(
    route: Extract<Route, { type: 'admin' }>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void>;
}

async function route(req: IncomingMessage, res: ServerResponse, deps: RequestDependencies): Promise<void> {
  const url = new URL(req.url ?? '/', deps.state.origin);
  const matched = matchRoute(url.pathname, deps.adminEnabled, deps.orgServerLayout);
  if (!matched) return sendNotFound(res);
  if (matched.type === 'admin') return deps.handleAdmin(matched, req, res);
  const server = deps.findServer(matched.serverId);
  if (!server) return sendNotFound(res);

  deps.counter.increment(server.id, matched.endpoint);
  const corsMethods = CORS_METHODS[matched.endpoint];
  // Set before faults too, so browser code sees an injected 503 as a 503 rather than a CORS failure.
  if (corsMethods) setCorsHeaders(res);
  const fault = deps.faults.take(server.id, matched.endpoint);
  let issuerOverride: string | undefined;
  if (fault) {
    const outcome = await applyFault(fault, req, res, deps.timers);
    if (outcome.handled) return;
    issuerOverride = outcome.issuerOverride;
  }
  if (req.method === 'OPTIONS' && corsMethods) return sendPreflight(res, corsMethods);
  const context = { req, res, url, server, state: deps.state, metadata: matched.metadata, issuerOverride };
  await HANDLERS[matched.endpoint](context);
}

/** Routes one request; any unexpected failure becomes a bare 500, never a stack trace. */
export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: RequestDependencies,
): Promise<void> {
  try {
    await route(req, res, deps);
  } catch {
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, { error: 'server_error', error_description: 'Internal error' });
  }
}

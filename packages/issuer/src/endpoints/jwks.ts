import type { EndpointContext } from '../lib/context.js';
import { sendJson, sendMethodNotAllowed } from '../lib/http.js';

/** The server's published public keys (RFC 7517 §5), cacheable for `jwksMaxAge` seconds. */
export async function handleJwks(context: EndpointContext): Promise<void> {
  const { req, res, server, state } = context;
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendMethodNotAllowed(res, ['GET']);
  sendJson(res, 200, server.jwks(), { 'Cache-Control': `max-age=${state.jwksMaxAge}` });
}

import { authenticateClient } from '../lib/client-auth.js';
import { isConfidential } from '../lib/clients.js';
import type { EndpointContext } from '../lib/context.js';
import { sendJson, sendMethodNotAllowed, sendOAuthError } from '../lib/http.js';
import { readForm } from '../lib/request-form.js';
import { verifyOwnToken } from '../lib/verify-own.js';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** Copies the RFC 7662 §2.2 members from the token's claims. */
function introspection(claims: Record<string, unknown>): Record<string, unknown> {
  const scopes = Array.isArray(claims.scp) ? claims.scp : undefined;
  const response: Record<string, unknown> = {
    active: true,
    ...(scopes ? { scope: scopes.join(' '), token_type: 'Bearer' } : {}),
    client_id: claims.cid ?? claims.aud,
    username: claims.sub,
  };
  for (const name of ['exp', 'iat', 'nbf', 'sub', 'aud', 'iss', 'jti', 'uid']) {
    if (claims[name] !== undefined) response[name] = claims[name];
  }
  return response;
}

/**
 * Token introspection (RFC 7662): confidential clients only (IN-1, IN-3); anything this server did
 * not issue, or that expired, is `{ active: false }` without a reason (IN-2).
 */
export async function handleIntrospect(context: EndpointContext): Promise<void> {
  const { req, res, server, state } = context;
  if (req.method !== 'POST') return sendMethodNotAllowed(res, ['POST']);
  const form = await readForm(req);
  if (!form.ok) return sendOAuthError(res, form.status, 'invalid_request', form.description);
  const auth = authenticateClient(req, form.params, state.clients, server.id);
  if (!auth.ok) return sendOAuthError(res, auth.status, auth.error, auth.description, auth.headers);
  if (!isConfidential(auth.client)) {
    return sendOAuthError(res, 401, 'invalid_client', 'Introspection needs a confidential client');
  }
  const token = form.params.get('token');
  if (token === undefined) return sendOAuthError(res, 400, 'invalid_request', 'token is required');
  const claims = verifyOwnToken(server, token);
  sendJson(res, 200, claims ? introspection(claims) : { active: false }, NO_STORE);
}

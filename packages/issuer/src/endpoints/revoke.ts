import { authenticateClient } from '../lib/client-auth.js';
import type { EndpointContext } from '../lib/context.js';
import { sendMethodNotAllowed, sendOAuthError } from '../lib/http.js';
import { readForm } from '../lib/request-form.js';
import { resolveActiveToken } from '../lib/resolve-token.js';

/**
 * Token revocation (RFC 7009 §2): the client authenticates as at the token endpoint (a public
 * client names itself) and may revoke only tokens issued to it. An unknown, expired or foreign
 * server's token is answered 200 like a revoked one (§2.2), so the answer reveals nothing.
 * `token_type_hint` is accepted and not needed (§2.1: the server searches every token type).
 */
export async function handleRevoke(context: EndpointContext): Promise<void> {
  const { req, res, server } = context;
  if (req.method !== 'POST') return sendMethodNotAllowed(res, ['POST']);
  const form = await readForm(req);
  if (!form.ok) return sendOAuthError(res, form.status, 'invalid_request', form.description);
  const auth = authenticateClient(context, form.params);
  if (!auth.ok) return sendOAuthError(res, auth.status, auth.error, auth.description, auth.headers);
  const token = form.params.get('token');
  if (token === undefined) return sendOAuthError(res, 400, 'invalid_request', 'token is required');

  const active = resolveActiveToken(server, token);
  if (active && active.claims.cid !== auth.client.clientId) {
    return sendOAuthError(res, 400, 'invalid_request', 'The token was not issued to this client');
  }
  if (active) server.revokeToken(token);
  res.writeHead(200, { 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Content-Length': 0 });
  res.end();
}

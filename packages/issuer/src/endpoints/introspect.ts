import { authenticateClient } from '../lib/client-auth.js';
import { isConfidential } from '../lib/clients.js';
import type { EndpointContext } from '../lib/context.js';
import { sendJson, sendMethodNotAllowed, sendOAuthError } from '../lib/http.js';
import { introspectionResponse } from '../lib/introspection.js';
import { readForm } from '../lib/request-form.js';
import { resolveActiveToken } from '../lib/resolve-token.js';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * Token introspection (RFC 7662): confidential clients only (§2.1, §4), authenticated like at
 * the token endpoint. Anything this server did not issue, or that expired or was revoked, is
 * `{ active: false }` without a reason (§2.2). `token_type_hint` is accepted and, as §2.1
 * allows, not needed: every kind of token this server issues is looked up.
 */
export async function handleIntrospect(context: EndpointContext): Promise<void> {
  const { req, res, server } = context;
  if (req.method !== 'POST') return sendMethodNotAllowed(res, ['POST']);
  const form = await readForm(req);
  if (!form.ok) return sendOAuthError(res, form.status, 'invalid_request', form.description);
  const auth = authenticateClient(context, form.params);
  if (!auth.ok) return sendOAuthError(res, auth.status, auth.error, auth.description, auth.headers);
  if (!isConfidential(auth.client)) {
    return sendOAuthError(res, 401, 'invalid_client', 'Introspection needs a confidential client');
  }
  const token = form.params.get('token');
  if (token === undefined) return sendOAuthError(res, 400, 'invalid_request', 'token is required');
  const active = resolveActiveToken(server, token);
  const answer = active
    ? server.tokens.reshapedAnswer(token, introspectionResponse(active))
    : { active: false };
  sendJson(res, 200, answer, NO_STORE);
}

import { authenticateClient } from '../lib/client-auth.js';
import type { EndpointContext } from '../lib/context.js';
import { bindTokenRequest } from '../lib/dpop/token-request.js';
import {
  authorizationCodeGrant,
  clientCredentialsGrant,
  type GrantRequest,
  type GrantResult,
} from '../lib/grants.js';
import { sendJson, sendMethodNotAllowed, sendOAuthError } from '../lib/http.js';
import { readForm } from '../lib/request-form.js';

const GRANTS = new Map<string, (request: GrantRequest) => Promise<GrantResult>>([
  ['client_credentials', clientCredentialsGrant],
  ['authorization_code', authorizationCodeGrant],
]);

/** RFC 6749 §5.1: token responses are never cached. */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * The token endpoint (RFC 6749 §3.2): `client_credentials` and `authorization_code` + PKCE, both
 * DPoP-bound when the request carries a proof (RFC 9449 §5). The proof is checked before the grant,
 * so a refused proof never uses up an authorization code.
 */
export async function handleToken(context: EndpointContext): Promise<void> {
  const { req, res, server, state } = context;
  if (req.method !== 'POST') return sendMethodNotAllowed(res, ['POST']);
  const form = await readForm(req);
  if (!form.ok) return sendOAuthError(res, form.status, 'invalid_request', form.description);
  const { params } = form;

  const auth = authenticateClient(context, params);
  if (!auth.ok) return sendOAuthError(res, auth.status, auth.error, auth.description, auth.headers);

  const grantType = params.get('grant_type');
  if (grantType === undefined) return sendOAuthError(res, 400, 'invalid_request', 'grant_type is required');
  const grant = GRANTS.get(grantType);
  if (!grant) {
    return sendOAuthError(res, 400, 'unsupported_grant_type', `grant_type "${grantType}" is not supported`);
  }
  const binding = bindTokenRequest(req, server, state.replay);
  if (!binding.ok) return sendOAuthError(res, 400, binding.error, binding.description, binding.headers);
  const result = await grant({
    server,
    client: auth.client,
    params,
    codes: state.codes,
    dpopJkt: binding.jkt,
  });
  if (!result.ok)
    return sendOAuthError(res, result.status, result.error, result.description, binding.headers);
  sendJson(res, 200, result.body, { ...NO_STORE, ...binding.headers });
}

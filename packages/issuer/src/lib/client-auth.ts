import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClientRegistration } from '../types.js';
import { JWT_BEARER_ASSERTION, verifyClientAssertion } from './client-assertion.js';
import { isConfidential } from './clients.js';
import type { EndpointContext } from './context.js';
import type { Params } from './form.js';

export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/** Client authentication methods the token, introspection and revocation endpoints accept. */
export const CLIENT_AUTH_METHODS: readonly AuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
];

export type ClientAuthentication =
  | { ok: true; client: ClientRegistration; method: AuthMethod }
  | { ok: false; status: 400 | 401; error: string; description: string; headers: Record<string, string> };

function fail(status: 400 | 401, error: string, description: string, basic = false): ClientAuthentication {
  // RFC 6749 §5.2: a 401 answer to a client that used the Authorization header carries WWW-Authenticate.
  const headers: Record<string, string> = basic
    ? { 'WWW-Authenticate': 'Basic realm="tokenward-issuer"' }
    : {};
  return { ok: false, status, error, description, headers };
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before being joined with ':' and base64-encoded. */
function parseBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  try {
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function authenticateBasic(
  context: EndpointContext,
  params: Params,
  authorization: string,
): ClientAuthentication {
  const credentials = parseBasic(authorization);
  if (!credentials) return fail(401, 'invalid_client', 'Malformed Basic credentials', true);
  const bodyClientId = params.get('client_id');
  if (bodyClientId !== undefined && bodyClientId !== credentials.id) {
    return fail(400, 'invalid_request', 'client_id in the body differs from the Basic credentials');
  }
  const client = context.state.clients.find(credentials.id, context.server.id);
  if (!client?.clientSecret || !sameSecret(credentials.secret, client.clientSecret)) {
    return fail(401, 'invalid_client', 'Client authentication failed', true);
  }
  return { ok: true, client, method: 'client_secret_basic' };
}

/** RFC 7523 §2.2; the assertion may name this endpoint, the issuer or the token endpoint as `aud`. */
function authenticateAssertion(context: EndpointContext, params: Params): ClientAuthentication {
  const assertion = params.get('client_assertion');
  if (params.get('client_assertion_type') !== JWT_BEARER_ASSERTION || assertion === undefined) {
    return fail(
      400,
      'invalid_request',
      `client_assertion needs client_assertion_type ${JWT_BEARER_ASSERTION}`,
    );
  }
  const { server, state, url } = context;
  const result = verifyClientAssertion(assertion, {
    clients: state.clients,
    serverId: server.id,
    audiences: [`${url.origin}${url.pathname}`, server.issuer, server.tokenEndpoint],
    clientId: params.get('client_id'),
    replay: state.replay,
  });
  if (!result.ok) return fail(401, 'invalid_client', result.description);
  return { ok: true, client: result.client, method: 'private_key_jwt' };
}

/**
 * Authenticates the client of a token, introspection or revocation request:
 * `client_secret_basic`, `client_secret_post`, `private_key_jwt`, or `none` (a public client
 * naming itself with `client_id`). Using more than one method is invalid_request (RFC 6749 §2.3).
 */
export function authenticateClient(context: EndpointContext, params: Params): ClientAuthentication {
  const authorization = context.req.headers.authorization;
  const usesBasic = authorization !== undefined && /^basic\b/i.test(authorization.trim());
  const usesPost = params.has('client_secret');
  const usesAssertion = params.has('client_assertion') || params.has('client_assertion_type');
  if ([usesBasic, usesPost, usesAssertion].filter(Boolean).length > 1) {
    return fail(400, 'invalid_request', 'Client authenticated with more than one method');
  }
  if (usesBasic) return authenticateBasic(context, params, authorization);
  if (usesAssertion) return authenticateAssertion(context, params);
  const clientId = params.get('client_id');
  if (clientId === undefined) return fail(401, 'invalid_client', 'No client authentication included');
  const client = context.state.clients.find(clientId, context.server.id);
  const secret = params.get('client_secret');
  if (secret !== undefined) {
    if (!client?.clientSecret || !sameSecret(secret, client.clientSecret)) {
      return fail(401, 'invalid_client', 'Client authentication failed');
    }
    return { ok: true, client, method: 'client_secret_post' };
  }
  if (!client || isConfidential(client)) return fail(401, 'invalid_client', 'Client authentication failed');
  return { ok: true, client, method: 'none' };
}

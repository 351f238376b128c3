import type { ServerResponse } from 'node:http';
import { allowsRedirectUri, parseScope, scopesAllowed } from '../lib/clients.js';
import type { EndpointContext } from '../lib/context.js';
import type { Params } from '../lib/form.js';
import { parseParams } from '../lib/form.js';
import { sendJson, sendMethodNotAllowed } from '../lib/http.js';
import { parseResources } from '../lib/resource.js';
import type { SignInRequest } from '../lib/session.js';

/** RFC 7636 §4.2: S256 challenge = base64url(SHA-256) = 43 characters. */
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** `acr_values`, `max_age` and `prompt` (OIDC Core §3.1.2.1); `undefined` for a malformed `max_age`. */
function signInRequest(params: Params): SignInRequest | undefined {
  const maxAge = params.get('max_age');
  if (maxAge !== undefined && !/^\d{1,10}$/.test(maxAge)) return undefined;
  return {
    acrValues: (params.get('acr_values') ?? '').split(' ').filter((value) => value !== ''),
    maxAge: maxAge === undefined ? undefined : Number(maxAge),
    forceLogin: (params.get('prompt') ?? '').split(' ').includes('login'),
  };
}

function redirect(res: ServerResponse, location: URL): void {
  res.writeHead(302, { Location: location.href, 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}

/** An error for a request whose redirect URI cannot be trusted: shown, never redirected (RFC 6749 §4.1.2.1). */
function sendErrorPage(res: ServerResponse, description: string): void {
  sendJson(
    res,
    400,
    { error: 'invalid_request', error_description: description },
    { 'Cache-Control': 'no-store' },
  );
}

/**
 * The authorization endpoint (RFC 6749 §4.1.1 with PKCE). The built-in test user is signed in and
 * consents automatically, again when `acr_values`, `max_age` or `prompt=login` ask for a stronger
 * or fresher sign-in than the session has (RFC 9470 §4); `resource` (RFC 8707) sets the token's
 * audience. The code goes back to the redirect URI with `state` and `iss` (RFC 9207).
 */
export async function handleAuthorize(context: EndpointContext): Promise<void> {
  const { req, res, url, server, state } = context;
  if (req.method !== 'GET') return sendMethodNotAllowed(res, ['GET']);
  const parsed = parseParams(url.search.slice(1));
  if (!parsed.ok) return sendErrorPage(res, parsed.description);
  const { params } = parsed;

  const clientId = params.get('client_id');
  const client = clientId === undefined ? undefined : state.clients.find(clientId, server.id);
  if (!client) return sendErrorPage(res, 'Unknown or missing client_id');
  const redirectUri = params.get('redirect_uri');
  if (redirectUri === undefined || !allowsRedirectUri(client, redirectUri)) {
    return sendErrorPage(res, 'redirect_uri is missing or not registered for this client');
  }

  const target = new URL(redirectUri);
  const stateParam = params.get('state');
  const respond = (values: Record<string, string>) => {
    for (const [name, value] of Object.entries(values)) target.searchParams.set(name, value);
    if (stateParam !== undefined) target.searchParams.set('state', stateParam);
    target.searchParams.set('iss', server.issuer);
    redirect(res, target);
  };
  const fail = (error: string, description: string) => respond({ error, error_description: description });

  if (params.get('response_type') !== 'code') {
    return fail('unsupported_response_type', 'Only response_type=code is supported');
  }
  const challenge = params.get('code_challenge');
  if (challenge === undefined) return fail('invalid_request', 'code_challenge is required (PKCE)');
  if (params.get('code_challenge_method') !== 'S256') {
    return fail('invalid_request', 'code_challenge_method must be S256');
  }
  if (!CODE_CHALLENGE.test(challenge)) return fail('invalid_request', 'code_challenge is malformed');
  const scopes = parseScope(params.get('scope') ?? '');
  if (!scopes || scopes.length === 0) return fail('invalid_scope', 'scope is missing or malformed');
  if (!scopesAllowed(client, scopes)) return fail('invalid_scope', 'Client may not request these scopes');
  const resources = parseResources(params.getAll('resource'));
  if (!resources.ok) return fail('invalid_target', resources.description);
  const request = signInRequest(params);
  if (!request) return fail('invalid_request', 'max_age must be a whole number of seconds');
  const signIn = state.session.signInFor(request, Math.floor(Date.now() / 1000));
  if (!signIn.ok) return fail('invalid_request', signIn.description);

  const code = state.codes.issue({
    serverId: server.id,
    clientId: client.clientId,
    redirectUri,
    scopes,
    nonce: params.get('nonce'),
    codeChallenge: challenge,
    signIn: signIn.signIn,
    resources: resources.resources,
  });
  respond({ code });
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ClientRegistration } from '../types.js';
import type { ClientRegistry } from './clients.js';
import type { Params } from './form.js';

export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

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

/**
 * Authenticates the client of a token or introspection request: `client_secret_basic`,
 * `client_secret_post`, or `none` (a public client naming itself with `client_id`).
 * Using more than one method is invalid_request (RFC 6749 §2.3).
 */
export function authenticateClient(
  req: IncomingMessage,
  params: Params,
  clients: ClientRegistry,
  serverId: string,
): ClientAuthentication {
  const authorization = req.headers.authorization;
  const usesBasic = authorization !== undefined && /^basic\b/i.test(authorization.trim());
  if (usesBasic && params.has('client_secret')) {
    return fail(
      400,
      'invalid_request',
      'Client authenticated with both client_secret_basic and client_secret_post',
    );
  }
  if (usesBasic) {
    const credentials = parseBasic(authorization);
    if (!credentials) return fail(401, 'invalid_client', 'Malformed Basic credentials', true);
    const bodyClientId = params.get('client_id');
    if (bodyClientId !== undefined && bodyClientId !== credentials.id) {
      return fail(400, 'invalid_request', 'client_id in the body differs from the Basic credentials');
    }
    const client = clients.find(credentials.id, serverId);
    if (!client?.clientSecret || !sameSecret(credentials.secret, client.clientSecret)) {
      return fail(401, 'invalid_client', 'Client authentication failed', true);
    }
    return { ok: true, client, method: 'client_secret_basic' };
  }
  const clientId = params.get('client_id');
  if (clientId === undefined) return fail(401, 'invalid_client', 'No client authentication included');
  const client = clients.find(clientId, serverId);
  const secret = params.get('client_secret');
  if (secret !== undefined) {
    if (!client?.clientSecret || !sameSecret(secret, client.clientSecret)) {
      return fail(401, 'invalid_client', 'Client authentication failed');
    }
    return { ok: true, client, method: 'client_secret_post' };
  }
  if (!client || client.clientSecret !== undefined) {
    return fail(401, 'invalid_client', 'Client authentication failed');
  }
  return { ok: true, client, method: 'none' };
}

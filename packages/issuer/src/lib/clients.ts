import type { ClientRegistration } from '../types.js';

/** The confidential client every issuer knows: `client_credentials` with any scope. */
export const SERVICE_CLIENT: ClientRegistration = { clientId: 'test-client', clientSecret: 'test-secret' };
/** The public SPA client every issuer knows: authorization code + PKCE from any loopback URI. */
export const SPA_CLIENT: ClientRegistration = { clientId: 'spa-client' };

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export class ClientRegistry {
  readonly #clients = new Map<string, ClientRegistration>();

  constructor(extra: readonly ClientRegistration[] = []) {
    for (const client of [SERVICE_CLIENT, SPA_CLIENT, ...extra]) {
      this.#clients.set(client.clientId, { ...client });
    }
  }

  /** The client if it exists and is registered with this server (`'org'` or a custom id). */
  find(clientId: string, serverId: string): ClientRegistration | undefined {
    const client = this.#clients.get(clientId);
    if (!client) return undefined;
    if (client.servers && !client.servers.includes(serverId)) return undefined;
    return client;
  }

  all(): ClientRegistration[] {
    return [...this.#clients.values()];
  }
}

/** A client that can authenticate: with a secret or with keys for `private_key_jwt`. */
export function isConfidential(client: ClientRegistration): boolean {
  return client.clientSecret !== undefined || client.jwks !== undefined;
}

/** Registered URIs match exactly; without registrations any http loopback URI is accepted. */
export function allowsRedirectUri(client: ClientRegistration, redirectUri: string): boolean {
  if (client.redirectUris) return client.redirectUris.includes(redirectUri);
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment.
  return (
    url.protocol === 'http:' &&
    (url.hostname === 'localhost' || url.hostname === '127.0.0.1') &&
    url.hash === ''
  );
}

/** Splits a `scope` parameter; `undefined` when a token is not a valid scope-token. */
export function parseScope(value: string): string[] | undefined {
  const scopes = value.split(' ').filter((scope) => scope !== '');
  return scopes.every((scope) => SCOPE_TOKEN.test(scope)) ? [...new Set(scopes)] : undefined;
}

/** Whether the client may be granted every requested scope. */
export function scopesAllowed(client: ClientRegistration, requested: readonly string[]): boolean {
  const allowed = client.scopes;
  return allowed === undefined || requested.every((scope) => allowed.includes(scope));
}

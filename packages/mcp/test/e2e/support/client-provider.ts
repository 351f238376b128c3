/**
 * The MCP client's side of OAuth for the tests: an `OAuthClientProvider` of the SDK for the
 * reference issuer's pre-registered public client `spa-client`, which "opens" the authorization
 * URL by requesting it (the issuer signs its test user in without a page) and keeps the code from
 * the redirect, as a browser landing on the redirect URI would hand it over.
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/** Where the client says it wants the code; nothing listens there, the provider reads the redirect. */
const REDIRECT_URL = 'http://127.0.0.1:9/callback';

export class TestClientProvider implements OAuthClientProvider {
  /** Every authorization URL the client was sent to, in order. */
  readonly authorizations: URL[] = [];
  #tokens: OAuthTokens | undefined;
  #codeVerifier: string | undefined;
  #code: string | undefined;

  constructor(tokens?: OAuthTokens) {
    this.#tokens = tokens;
  }

  get redirectUrl(): string {
    return REDIRECT_URL;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'tokenward MCP test client',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation() {
    return { client_id: 'spa-client' };
  }

  tokens(): OAuthTokens | undefined {
    return this.#tokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.#tokens = tokens;
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.#codeVerifier = codeVerifier;
  }

  codeVerifier(): string {
    if (this.#codeVerifier === undefined) throw new Error('no code verifier saved');
    return this.#codeVerifier;
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    this.authorizations.push(authorizationUrl);
    const response = await fetch(authorizationUrl, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status !== 302 || location === null) {
      throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
    }
    const redirect = new URL(location);
    const code = redirect.searchParams.get('code');
    if (code === null) throw new Error(`authorize redirected without a code: ${location}`);
    this.#code = code;
  }

  /** The code of the last authorization, once: what the redirect URI's page would hand over. */
  takeCode(): string {
    const code = this.#code;
    if (code === undefined) throw new Error('the client was not sent to authorize');
    this.#code = undefined;
    return code;
  }
}

/** One request the client made and what came back. */
export interface Exchange {
  readonly method: string;
  readonly url: URL;
  readonly body: string | undefined;
  readonly status: number;
  readonly headers: Headers;
}

/** A fetch for the client transport that records every exchange in `log`. */
export function recordingFetch(log: Exchange[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const body = init?.body === undefined || init.body === null ? undefined : String(init.body);
    const response = await fetch(request);
    log.push({
      method: request.method,
      url: new URL(request.url),
      body,
      status: response.status,
      headers: response.headers,
    });
    return response;
  };
}

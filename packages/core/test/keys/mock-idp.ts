import { HttpResponse, http } from 'msw';
import type { SetupServer } from 'msw/node';
import type { TestRsaKey } from './support.js';

export const ORIGIN = 'https://idp.example.test';
export const ISSUER = `${ORIGIN}/oauth2/default`;
export const JWKS_URI = `${ISSUER}/v1/keys`;
/** RFC 8414 §3.1 path-insertion form, the first discovery address tried. */
export const METADATA_URL = `${ORIGIN}/.well-known/oauth-authorization-server/oauth2/default`;

/**
 * An identity provider on msw: discovery at the RFC 8414 address and a JWKS whose keys, caching
 * header and failures the test changes, with every JWKS request recorded.
 */
export class MockIdp {
  keys: object[] = [];
  cacheControl: string | undefined = 'max-age=600';
  /** When set, answers JWKS requests instead of the key set. */
  jwksFailure: (() => Response | Promise<Response>) | undefined;
  discoveryHits = 0;
  readonly jwksRequests: Request[] = [];

  constructor(server: SetupServer, keys: readonly TestRsaKey[] = []) {
    this.keys = keys.map((key) => key.jwk);
    server.use(
      http.get(METADATA_URL, () => {
        this.discoveryHits += 1;
        return HttpResponse.json({ issuer: ISSUER, jwks_uri: JWKS_URI });
      }),
      http.get(JWKS_URI, ({ request }) => {
        this.jwksRequests.push(request);
        if (this.jwksFailure) return this.jwksFailure();
        const headers: Record<string, string> = {};
        if (this.cacheControl !== undefined) headers['cache-control'] = this.cacheControl;
        return HttpResponse.json({ keys: this.keys }, { headers });
      }),
    );
  }

  get jwksHits(): number {
    return this.jwksRequests.length;
  }

  publish(...keys: readonly TestRsaKey[]): void {
    this.keys = keys.map((key) => key.jwk);
  }
}

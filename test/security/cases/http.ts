/**
 * HTTP transport rules, sent over real sockets to an Express app and a Fastify app in front of
 * the reference issuer (the apps are in `../http-apps.ts`): the `Authorization` grammar (RFC 6750
 * section 2.1, RFC 9110 section 11.6.2), one credential per request (RFC 9110 section 5.3, RFC
 * 6750 section 2), a bare challenge when no bearer credentials came (RFC 6750 section 3.1),
 * refusals that neither list the API's issuers nor outgrow a header, 5xx answers without
 * internals, and CORS preflights answered at the auth step, never by a protected handler.
 */
import type { ErrorCode } from '@tokenward/core';
import type { ReferenceIssuer } from '@tokenward/issuer';

/** What rows may refer to: the running issuer and the issuer nothing answers for. */
export interface HttpLab {
  readonly issuer: ReferenceIssuer;
  /** The issuer of `/unreachable`, on a loopback port nothing listens on. */
  readonly unreachable: string;
}

export interface HttpAttack {
  readonly name: string;
  readonly rfc: string;
  readonly req: string;
  /** Default `GET` (a form POST with `form`). */
  readonly method?: 'OPTIONS' | 'DELETE';
  /** The route (see `../http-apps.ts`); default `/orders`. */
  readonly path?: '/orders' | '/admin' | '/outage' | '/mismatch' | '/unreachable';
  /** Request headers, given the running issuer; a list sends the field once per value. */
  readonly headers: (issuer: ReferenceIssuer, lab: HttpLab) => Promise<Record<string, string | string[]>>;
  /** A query string (without `?`) for the protected route, which does not read tokens there. */
  readonly query?: (issuer: ReferenceIssuer) => Promise<string>;
  /** A form body: the request becomes a form POST to the route, which does not read tokens there. */
  readonly form?: (issuer: ReferenceIssuer) => Promise<string>;
  readonly expect: {
    readonly status: number;
    readonly code?: ErrorCode;
    /** What the answer's `error_description` must say. */
    readonly says?: RegExp;
  };
  /** Text that must appear in no header and not in the body of the answer. */
  readonly hides?: (lab: HttpLab) => readonly string[];
}

/** A valid token for the protected route (`/orders`, scope `orders:read`). */
export const validToken = (issuer: ReferenceIssuer, claims: Record<string, unknown> = {}) =>
  issuer.server('default').mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...claims });

const withToken =
  (header: (token: string) => string | string[]) =>
  async (issuer: ReferenceIssuer): Promise<Record<string, string | string[]>> => ({
    authorization: header(await validToken(issuer)),
  });

const row = (rfc: string, req: string, attack: Omit<HttpAttack, 'rfc' | 'req'>): HttpAttack => ({
  rfc,
  req,
  ...attack,
});

const INVALID_REQUEST = { status: 400, code: 'ERR_INVALID_REQUEST' } as const;
const MISSING = { status: 401, code: 'ERR_TOKEN_MISSING' } as const;
const PREFLIGHT = { origin: 'https://app.example', 'access-control-request-method': 'DELETE' };
/** What a 5xx body says instead of its cause. */
const UNAVAILABLE = /cannot check access tokens right now/;
/** The reference issuer's origin, which every trusted issuer, discovery and key-set URL starts with. */
const origin = ({ issuer }: HttpLab) => issuer.orgServer.issuer;
const SEVERAL_WAYS = { ...INVALID_REQUEST, says: /more than one way/ } as const;
const accessToken = async (issuer: ReferenceIssuer) =>
  `access_token=${encodeURIComponent(await validToken(issuer))}`;

export const httpFamilies = {
  'HTTP: one credential per request': [
    row('RFC 9110 section 5.3', 'BT-9', {
      name: 'two Authorization lines with the same token',
      headers: withToken((token) => [`Bearer ${token}`, `Bearer ${token}`]),
      expect: INVALID_REQUEST,
    }),
    row('RFC 9110 section 5.3', 'BT-9', {
      name: 'a Bearer line and a Basic line',
      headers: withToken((token) => [`Bearer ${token}`, 'Basic YTpi']),
      expect: INVALID_REQUEST,
    }),
    row('RFC 9110 section 5.3', 'BT-9', {
      name: 'two Bearer credentials joined by a comma',
      headers: withToken((token) => `Bearer ${token}, Bearer ${token}`),
      expect: INVALID_REQUEST,
    }),
    row('RFC 9110 section 5.3', 'BT-9', {
      name: 'Basic then Bearer joined by a comma',
      headers: withToken((token) => `Basic YTpi, Bearer ${token}`),
      expect: INVALID_REQUEST,
    }),
    row('RFC 6750 section 2', 'BT-3', {
      name: 'the header and an access_token query parameter the route does not read',
      headers: withToken((token) => `Bearer ${token}`),
      query: accessToken,
      expect: SEVERAL_WAYS,
    }),
    row('RFC 6750 section 2', 'BT-3', {
      name: 'the header and an empty access_token query parameter',
      headers: withToken((token) => `Bearer ${token}`),
      query: async () => 'page=2&access_token=',
      expect: SEVERAL_WAYS,
    }),
    row('RFC 6750 section 2', 'BT-3', {
      name: 'the header and an access_token form field the route does not read',
      headers: withToken((token) => `Bearer ${token}`),
      form: accessToken,
      expect: SEVERAL_WAYS,
    }),
    row('RFC 6750 section 2.3', 'BT-5', {
      name: 'an access_token query parameter alone, on a route that does not read the query',
      headers: async () => ({}),
      query: accessToken,
      expect: { status: 401, code: 'ERR_TOKEN_MISSING' },
    }),
    row('RFC 6750 section 2', 'BT-3', {
      name: 'the header and an unrelated query parameter and form field (control)',
      headers: withToken((token) => `Bearer ${token}`),
      query: async () => 'page=2',
      form: async () => 'note=access_token',
      expect: { status: 200 },
    }),
  ],
  'HTTP: Authorization syntax': [
    row('RFC 6750 section 2.1', 'BT-1', {
      name: 'the Bearer scheme without a token',
      headers: async () => ({ authorization: 'Bearer' }),
      expect: INVALID_REQUEST,
    }),
    row('RFC 6750 section 2.1', 'BT-1', {
      name: 'the Bearer scheme and spaces only',
      headers: async () => ({ authorization: 'Bearer    ' }),
      expect: INVALID_REQUEST,
    }),
    row('RFC 6750 section 2.1', 'BT-1', {
      name: 'a token with a space inside',
      headers: withToken((token) => `Bearer ${token.slice(0, 10)} ${token.slice(10)}`),
      expect: INVALID_REQUEST,
    }),
    row('RFC 6750 section 2.1', 'BT-1', {
      name: 'a token in quotes',
      headers: withToken((token) => `Bearer "${token}"`),
      expect: INVALID_REQUEST,
    }),
    row('RFC 9110 section 11.6.2', 'BT-1', {
      name: 'a scheme with a character a token may not hold',
      headers: withToken((token) => `Bear(er ${token}`),
      expect: INVALID_REQUEST,
    }),
    row('RFC 9110 section 11.1', 'BT-2', {
      name: 'the scheme in lower case (control)',
      headers: withToken((token) => `bearer ${token}`),
      expect: { status: 200 },
    }),
    row('RFC 9110 section 11.1', 'BT-2', {
      name: 'the scheme in upper case, then two spaces (control)',
      headers: withToken((token) => `BEARER  ${token}`),
      expect: { status: 200 },
    }),
    row('RFC 6750 section 3.1', 'BT-7', {
      name: 'Basic credentials only: none for this API, a bare challenge naming the scheme found',
      headers: async () => ({ authorization: 'Basic YWxpY2U6c2VjcmV0' }),
      expect: { status: 401, code: 'ERR_TOKEN_MISSING', says: /Bearer.*found the "Basic" scheme/ },
      hides: () => ['YWxpY2U6c2VjcmV0'],
    }),
    row('RFC 6750 section 3.1', 'BT-7', {
      name: 'a Digest header: the scheme found is named, its parameters are not',
      headers: async () => ({
        authorization: 'Digest username="alice", response="6629fae49393a05397450978507c4ef1"',
      }),
      expect: { status: 401, code: 'ERR_TOKEN_MISSING', says: /found the "Digest" scheme/ },
      hides: () => ['6629fae49393a05397450978507c4ef1'],
    }),
    row('RFC 6750 section 3.1', 'BT-7', {
      name: 'no Authorization header',
      headers: async () => ({}),
      expect: { status: 401, code: 'ERR_TOKEN_MISSING' },
    }),
  ],
  'HTTP: what refusals show': [
    row('RFC 9068 section 4', 'AT-4', {
      name: "a sibling server's token: the answer does not name the issuer this API trusts",
      headers: async (issuer) => ({
        authorization: `Bearer ${await issuer.server('payments').mintAccessToken({ sub: 'alice' }, { audience: 'api://default' })}`,
      }),
      expect: { status: 401, code: 'ERR_ISSUER_MISMATCH' },
      hides: ({ issuer }) => [issuer.server('default').issuer],
    }),
    row('RFC 6750 section 3', 'BT-6', {
      name: 'a token with 5 long audiences: the challenge stays under 1 KiB',
      headers: async (issuer) => ({
        authorization: `Bearer ${await issuer
          .server('default')
          .mintAccessToken(
            { sub: 'alice', scp: ['orders:read'] },
            { audience: Array.from({ length: 5 }, (_, index) => `api://${String(index).repeat(300)}`) },
          )}`,
      }),
      expect: { status: 401, code: 'ERR_AUDIENCE_MISMATCH' },
    }),
  ],
  'HTTP: 5xx answers show no internals': [
    row('RFC 6750 section 3.1', '§4.13 error mapping', {
      name: 'a key set answering 500 with internal text: 503, no URL, no upstream text',
      path: '/outage',
      headers: async (issuer) => ({
        authorization: `Bearer ${await issuer.server('outage').mintAccessToken({ sub: 'alice' })}`,
      }),
      expect: { status: 503, code: 'ERR_JWKS_FETCH_FAILED', says: UNAVAILABLE },
      hides: (lab) => [origin(lab), '127.0.0.1', 'db-primary.internal', 'status 500', '/keys'],
    }),
    row('RFC 8414 section 3.3', '§4.13 error mapping', {
      name: 'a discovery document naming another issuer: 503, neither issuer shown',
      path: '/mismatch',
      headers: async (issuer) => ({
        authorization: `Bearer ${await issuer.server('mismatch').mintAccessToken({ sub: 'alice' })}`,
      }),
      expect: { status: 503, code: 'ERR_DISCOVERY_ISSUER_MISMATCH', says: UNAVAILABLE },
      hides: (lab) => [origin(lab), 'evil.example', 'well-known'],
    }),
    row('RFC 8414 section 3', '§4.13 error mapping', {
      name: 'an issuer nothing listens for: 503, no address, no network error text',
      path: '/unreachable',
      // Signed by the reference issuer but naming the unreachable one: its keys must be fetched.
      headers: async (issuer, lab) => ({
        authorization: `Bearer ${await validToken(issuer, { iss: lab.unreachable })}`,
      }),
      expect: { status: 503, code: 'ERR_DISCOVERY_FAILED', says: UNAVAILABLE },
      hides: (lab) => [lab.unreachable, '127.0.0.1', 'ECONNREFUSED', 'fetch failed'],
    }),
  ],
  'HTTP: CORS preflight never reaches a protected handler': [
    row('Fetch standard, CORS-preflight request', 'BT-7', {
      name: 'a preflight to a protected every-method route: 204 at the auth step, no handler answer',
      method: 'OPTIONS',
      path: '/admin',
      headers: async () => PREFLIGHT,
      expect: { status: 204 },
    }),
    row('Fetch standard, CORS-preflight request', 'BT-7', {
      name: 'a preflight carrying a junk bearer token: still 204, the token is not read',
      method: 'OPTIONS',
      path: '/admin',
      headers: async () => ({ ...PREFLIGHT, authorization: 'Bearer junk' }),
      expect: { status: 204 },
    }),
    row('RFC 6750 section 3.1', 'BT-7', {
      name: 'OPTIONS with Origin only is no preflight: challenged',
      method: 'OPTIONS',
      path: '/admin',
      headers: async () => ({ origin: 'https://app.example' }),
      expect: MISSING,
    }),
    row('RFC 6750 section 3.1', 'BT-7', {
      name: 'OPTIONS with Access-Control-Request-Method only is no preflight: challenged',
      method: 'OPTIONS',
      path: '/admin',
      headers: async () => ({ 'access-control-request-method': 'DELETE' }),
      expect: MISSING,
    }),
    row('RFC 6750 section 3.1', 'BT-7', {
      name: "OPTIONS with a valid token but not the route's scope: 403, the scope is checked",
      method: 'OPTIONS',
      path: '/admin',
      headers: withToken((token) => `Bearer ${token}`),
      expect: { status: 403, code: 'ERR_INSUFFICIENT_SCOPE' },
    }),
    row('RFC 6750 section 3.1', 'BT-7', {
      name: 'the DELETE the preflight announced, without a token: challenged',
      method: 'DELETE',
      path: '/admin',
      headers: async () => PREFLIGHT,
      expect: MISSING,
    }),
  ],
} satisfies Record<string, HttpAttack[]>;

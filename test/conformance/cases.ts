/**
 * The HTTP cases every adapter must answer alike. Tokens are minted once per case and sent to
 * every adapter, so messages that quote a token's values are comparable too.
 */
import type { Fault, ReferenceIssuer } from '@tokenward/issuer';
import type { Feature } from './harness.js';

export type RequestHeaders = Record<string, string | string[]>;

export interface HttpCase {
  readonly name: string;
  readonly method?: string;
  readonly path: string;
  /** A form-encoded body to send (`application/x-www-form-urlencoded`, RFC 6750 section 2.2). */
  readonly form?: Readonly<Record<string, string>>;
  /** Headers to send; a list sends the field once per value (separate lines). */
  headers(issuer: ReferenceIssuer): Promise<RequestHeaders>;
  /**
   * Headers made again for each adapter and added to `headers`: a DPoP proof is good for one
   * request only. `clock` is the suite's verifier clock (epoch ms); `nonce`, the server nonce of
   * a `use_dpop_nonce` answer, with `nonceRetry`.
   */
  readonly perAdapter?: (
    shared: RequestHeaders,
    clock: () => number,
    issuer: ReferenceIssuer,
    nonce?: string,
  ) => Promise<RequestHeaders>;
  /** A feature the case needs: adapters that lack it do not answer it. */
  readonly requires?: Feature;
  /**
   * Send the request twice and compare the second answer (a replay). The first must get `status`
   * (default 200); `between` runs after it (a revocation, say).
   */
  readonly replay?:
    | true
    | {
        readonly status?: number;
        readonly between?: (issuer: ReferenceIssuer, headers: RequestHeaders) => void;
      };
  /**
   * How the introspection endpoint of `/introspected-outage`'s server misbehaves during this case
   * (installed before it, replacing the previous case's).
   */
  readonly introspectionFault?: Omit<Fault, 'server' | 'endpoint'>;
  /**
   * Send once, expect 401 `use_dpop_nonce` with a `DPoP-Nonce` (RFC 9449 section 9), then make the
   * `perAdapter` headers again with that nonce and compare the second answer.
   */
  readonly nonceRetry?: boolean;
  readonly expected: {
    readonly status: number;
    readonly code?: string;
    /** The whole `WWW-Authenticate`, or a pattern it matches. */
    readonly challenge?: string | RegExp;
    /** A `Retry-After` is sent: any number of seconds, or exactly this value. */
    readonly retryAfter?: boolean | string;
    readonly subject?: string;
    /** The scopes the route's answer exposes beside the subject (the introspected routes). */
    readonly scopes?: readonly string[];
    /**
     * Requests the reference issuer's introspection endpoints get from one adapter for this case,
     * replays included (each adapter has its own cache). Default `0`.
     */
    readonly introspections?: number;
    /** The whole JSON document the answer carries (a metadata document). */
    readonly document?: (issuer: ReferenceIssuer) => Record<string, unknown>;
    /** A `DPoP-Nonce` header is sent (RFC 9449 section 9). */
    readonly dpopNonce?: boolean;
  };
}

/** The resource `/mcp` protects (RFC 8707): a name, not the address the adapters listen on. */
export const MCP_RESOURCE = 'https://mcp.conformance.example/mcp';
const MCP_METADATA = 'https://mcp.conformance.example/.well-known/oauth-protected-resource/mcp';
const mintForResource = (issuer: ReferenceIssuer, claims: Record<string, unknown>) =>
  issuer.server('default').mintAccessToken({ sub: 'alice', aud: MCP_RESOURCE, ...claims });

const bearer = (token: string): RequestHeaders => ({ authorization: `Bearer ${token}` });
const mintDefault = (issuer: ReferenceIssuer, claims: Record<string, unknown> = {}, expiresIn?: number) =>
  issuer
    .server('default')
    .mintAccessToken(
      { sub: 'alice', scp: ['orders:read'], ...claims },
      expiresIn === undefined ? {} : { expiresIn },
    );
// RFC 6750 section 3: the challenge of a route names the scopes the route needs (`/orders`).
const invalidToken =
  /^Bearer realm="conformance", error="invalid_token", error_description="[^"]+", scope="orders:read"$/;
const invalidTokenNoScope = /^Bearer realm="conformance", error="invalid_token", error_description="[^"]+"$/;
const noCredentials = 'Bearer realm="conformance", scope="orders:read"';

export const cases: readonly HttpCase[] = [
  {
    name: 'a valid token with the scope',
    path: '/orders',
    headers: async (issuer) => bearer(await mintDefault(issuer)),
    expected: { status: 200, subject: 'alice' },
  },
  {
    name: "BT-7, BT-6: no credentials (no error name; the route's scope named)",
    path: '/orders',
    headers: async () => ({}),
    expected: { status: 401, code: 'ERR_TOKEN_MISSING', challenge: noCredentials },
  },
  {
    name: 'BT-7: Basic credentials only (none for this API)',
    path: '/orders',
    headers: async () => ({ authorization: 'Basic YWxpY2U6c2VjcmV0' }),
    expected: { status: 401, code: 'ERR_TOKEN_MISSING', challenge: noCredentials },
  },
  {
    name: 'BT-1: the Bearer scheme without a token',
    path: '/orders',
    headers: async () => ({ authorization: 'Bearer' }),
    expected: { status: 400, code: 'ERR_INVALID_REQUEST', challenge: /error="invalid_request"/ },
  },
  {
    name: 'BT-9: two Authorization lines',
    path: '/orders',
    headers: async (issuer) => {
      const token = await mintDefault(issuer);
      return { authorization: [`Bearer ${token}`, `Bearer ${token}`] };
    },
    expected: { status: 400, code: 'ERR_INVALID_REQUEST', challenge: /error="invalid_request"/ },
  },
  {
    name: 'BT-3: the header and an access_token query parameter the route does not read',
    path: '/orders?access_token=x.y.z',
    headers: async (issuer) => bearer(await mintDefault(issuer)),
    expected: { status: 400, code: 'ERR_INVALID_REQUEST', challenge: /error="invalid_request"/ },
  },
  {
    name: 'BT-3: the header and an access_token form field the route does not read',
    method: 'POST',
    path: '/orders',
    form: { access_token: 'x.y.z', note: 'hello' },
    headers: async (issuer) => bearer(await mintDefault(issuer)),
    requires: 'form-body',
    expected: {
      status: 400,
      code: 'ERR_INVALID_REQUEST',
      challenge: /^Bearer realm="conformance", error="invalid_request", error_description="[^"]+"$/,
    },
  },
  {
    name: 'a form POST with the header token and no access_token field is served',
    method: 'POST',
    path: '/orders',
    form: { note: 'hello' },
    headers: async (issuer) => bearer(await mintDefault(issuer)),
    requires: 'form-body',
    expected: { status: 200, subject: 'alice' },
  },
  {
    name: 'a token that is not a JWT',
    path: '/orders',
    headers: async () => bearer('not-a-jwt'),
    expected: { status: 401, code: 'ERR_TOKEN_MALFORMED', challenge: invalidToken },
  },
  {
    name: 'an expired token',
    path: '/orders',
    headers: async (issuer) => bearer(await mintDefault(issuer, {}, -600)),
    expected: { status: 401, code: 'ERR_TOKEN_EXPIRED', challenge: invalidToken },
  },
  {
    name: 'a tampered signature',
    path: '/orders',
    headers: async (issuer) => {
      const token = await mintDefault(issuer);
      return bearer(`${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`);
    },
    expected: { status: 401, code: 'ERR_SIGNATURE_INVALID', challenge: invalidToken },
  },
  {
    name: "a sibling custom server's token",
    path: '/orders',
    headers: async (issuer) =>
      bearer(
        await issuer.server('payments').mintAccessToken({ sub: 'alice' }, { audience: 'api://default' }),
      ),
    expected: { status: 401, code: 'ERR_ISSUER_MISMATCH', challenge: invalidToken },
  },
  {
    name: "the org server's token",
    path: '/orders',
    headers: async (issuer) =>
      bearer(await issuer.orgServer.mintAccessToken({ sub: 'alice' }, { audience: 'api://default' })),
    expected: { status: 401, code: 'ERR_ORG_SERVER_TOKEN', challenge: invalidToken },
  },
  {
    name: 'a token for another audience',
    path: '/orders',
    headers: async (issuer) =>
      bearer(await issuer.server('default').mintAccessToken({ sub: 'alice' }, { audience: 'api://other' })),
    expected: { status: 401, code: 'ERR_AUDIENCE_MISMATCH', challenge: invalidToken },
  },
  {
    name: 'BT-7: a missing scope (403 with the scope in the challenge)',
    path: '/orders',
    headers: async (issuer) => bearer(await mintDefault(issuer, { scp: ['profile'] })),
    expected: {
      status: 403,
      code: 'ERR_INSUFFICIENT_SCOPE',
      challenge:
        /^Bearer realm="conformance", error="insufficient_scope", error_description="[^"]+", scope="orders:read"$/,
    },
  },
  {
    name: 'a claim the route requires with another value',
    path: '/gold',
    headers: async (issuer) => bearer(await mintDefault(issuer, { tier: 'silver' })),
    expected: { status: 401, code: 'ERR_CLAIM_INVALID', challenge: invalidTokenNoScope },
  },
  {
    name: 'a claim the route requires, present',
    path: '/gold',
    headers: async (issuer) => bearer(await mintDefault(issuer, { tier: 'gold' })),
    expected: { status: 200, subject: 'alice' },
  },
  {
    name: 'CORS preflight (Fetch standard): answered 204 at the auth step, without credentials',
    method: 'OPTIONS',
    path: '/orders',
    headers: async () => ({ origin: 'https://app.example', 'access-control-request-method': 'GET' }),
    expected: { status: 204 },
  },
  {
    name: 'an OPTIONS request that is not a preflight is challenged',
    method: 'OPTIONS',
    path: '/orders',
    headers: async () => ({ origin: 'https://app.example' }),
    expected: { status: 401, code: 'ERR_TOKEN_MISSING', challenge: noCredentials },
  },
  {
    name: 'an unreachable key set: 503 with Retry-After, the token may be fine',
    path: '/outage',
    headers: async (issuer) => bearer(await issuer.server('outage').mintAccessToken({ sub: 'alice' })),
    expected: {
      status: 503,
      code: 'ERR_JWKS_FETCH_FAILED',
      challenge: 'Bearer realm="conformance"',
      retryAfter: true,
    },
  },
  {
    name: 'step-up: a sign-in at the required level and recent enough (RFC 9470)',
    path: '/strong',
    headers: async (issuer) =>
      bearer(await mintDefault(issuer, { acr: 'urn:loa:2', auth_time: Math.floor(Date.now() / 1000) - 30 })),
    expected: { status: 200, subject: 'alice' },
  },
  {
    name: 'step-up: a weaker sign-in is 401 insufficient_user_authentication with acr_values (RFC 9470 section 3)',
    path: '/strong',
    headers: async (issuer) =>
      bearer(await mintDefault(issuer, { acr: 'urn:loa:1', auth_time: Math.floor(Date.now() / 1000) - 30 })),
    expected: {
      status: 401,
      code: 'ERR_INSUFFICIENT_USER_AUTHENTICATION',
      challenge:
        /^Bearer realm="conformance", error="insufficient_user_authentication", error_description="[^"]+", acr_values="urn:loa:2", max_age="300"$/,
    },
  },
  {
    name: 'step-up: a stale sign-in is 401 with max_age (RFC 9470 section 3)',
    path: '/strong',
    headers: async (issuer) =>
      bearer(
        await mintDefault(issuer, { acr: 'urn:loa:2', auth_time: Math.floor(Date.now() / 1000) - 3600 }),
      ),
    expected: { status: 401, code: 'ERR_INSUFFICIENT_USER_AUTHENTICATION', challenge: /max_age="300"$/ },
  },
  {
    name: 'step-up: a token without acr fails closed',
    path: '/strong',
    headers: async (issuer) => bearer(await mintDefault(issuer)),
    expected: {
      status: 401,
      code: 'ERR_INSUFFICIENT_USER_AUTHENTICATION',
      challenge: /error="insufficient_user_authentication", .*acr_values="urn:loa:2", max_age="300"$/,
    },
  },
  {
    name: 'PR-3, PR-4, PR-5: the metadata document at the path-inserted well-known URL, from the verifier',
    path: '/.well-known/oauth-protected-resource/mcp',
    headers: async () => ({}),
    expected: {
      status: 200,
      document: (issuer) => ({
        resource: MCP_RESOURCE,
        authorization_servers: [issuer.server('default').issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['mcp:tools', 'mcp:admin'],
        resource_name: 'Conformance MCP',
      }),
    },
  },
  {
    name: 'PR-3: a CORS preflight for the metadata document is answered 204',
    method: 'OPTIONS',
    path: '/.well-known/oauth-protected-resource/mcp',
    headers: async () => ({
      origin: 'https://inspector.example',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'mcp-protocol-version',
    }),
    expected: { status: 204 },
  },
  {
    name: 'PR-6, PR-7: no token at a resource: its scope and metadata URL in the challenge',
    path: '/mcp',
    headers: async () => ({}),
    expected: {
      status: 401,
      code: 'ERR_TOKEN_MISSING',
      challenge: `Bearer realm="conformance", scope="mcp:tools", resource_metadata="${MCP_METADATA}"`,
    },
  },
  {
    name: 'PR-2, PR-6: a token minted for another resource is 401 invalid_token with the metadata URL',
    path: '/mcp',
    headers: async (issuer) =>
      bearer(
        await mintForResource(issuer, { aud: 'https://other.conformance.example/mcp', scp: ['mcp:tools'] }),
      ),
    expected: {
      status: 401,
      code: 'ERR_AUDIENCE_MISMATCH',
      challenge: new RegExp(
        `^Bearer realm="conformance", error="invalid_token", error_description="[^"]+", scope="mcp:tools", resource_metadata="${MCP_METADATA}"$`,
      ),
    },
  },
  {
    name: 'PR-6, PR-7: a missing scope at a resource is 403 with the scope and the metadata URL',
    path: '/mcp',
    headers: async (issuer) => bearer(await mintForResource(issuer, { scp: ['mcp:read'] })),
    expected: {
      status: 403,
      code: 'ERR_INSUFFICIENT_SCOPE',
      challenge: new RegExp(
        `^Bearer realm="conformance", error="insufficient_scope", error_description="[^"]+", scope="mcp:tools", resource_metadata="${MCP_METADATA}"$`,
      ),
    },
  },
  {
    name: 'PR-2: a token minted for the resource, with the scope',
    path: '/mcp',
    headers: async (issuer) => bearer(await mintForResource(issuer, { scp: ['mcp:tools'] })),
    expected: { status: 200, subject: 'alice' },
  },
  {
    name: 'optional credentials: no credentials, the route runs without auth',
    path: '/maybe',
    requires: 'optional-credentials',
    headers: async () => ({}),
    expected: { status: 200, subject: 'anonymous' },
  },
  {
    name: 'optional credentials: a valid token, the route runs with it',
    path: '/maybe',
    requires: 'optional-credentials',
    headers: async (issuer) => bearer(await mintDefault(issuer)),
    expected: { status: 200, subject: 'alice' },
  },
  {
    name: 'optional credentials: a token that is sent must be valid (an expired one is 401)',
    path: '/maybe',
    requires: 'optional-credentials',
    headers: async (issuer) => bearer(await mintDefault(issuer, {}, -600)),
    expected: { status: 401, code: 'ERR_TOKEN_EXPIRED', challenge: invalidTokenNoScope },
  },
  {
    name: 'BT-1: optional credentials: the Bearer scheme without a token is still 400',
    path: '/maybe',
    requires: 'optional-credentials',
    headers: async () => ({ authorization: 'Bearer' }),
    expected: { status: 400, code: 'ERR_INVALID_REQUEST', challenge: /error="invalid_request"/ },
  },
];

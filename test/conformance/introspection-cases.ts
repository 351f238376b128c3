/**
 * The introspection cases of the conformance suite (RFC 7662): opaque tokens of the reference
 * issuer, asked about at its real introspection endpoint by every adapter, must get the same
 * answers, cost the same number of calls (each adapter keeps its own cache) and fail the same way
 * when the endpoint does. `/introspected` is `mode: 'fallback'` with core's default cache (60 s for
 * an active answer, none for an inactive one); `/introspected-always` is `mode: 'always'` with
 * nothing cached, and `/introspected-strong` the same with the step-up requirements of `/strong`;
 * `/introspected-outage` trusts {@link INTROSPECTION_OUTAGE_SERVER}, whose endpoint each of its
 * cases makes fail in its own way.
 */
import type { IntrospectionReshape, ReferenceIssuer } from '@tokenward/issuer';
import type { HttpCase, RequestHeaders } from './cases.js';

/** The custom server of `/introspected-outage`: a case's `introspectionFault` is installed there. */
export const INTROSPECTION_OUTAGE_SERVER = 'introspection-outage';

/** Seconds `/introspected-outage` waits for the introspection endpoint (`httpTimeout`). */
export const INTROSPECTION_TIMEOUT_SECONDS = 0.5;

const bearer = (token: string): RequestHeaders => ({ authorization: `Bearer ${token}` });

/** An opaque access token of `server` (default: `default`), for alice with `orders:read`. */
const opaque = (
  issuer: ReferenceIssuer,
  claims: Record<string, unknown> = {},
  options: { expiresIn?: number; audience?: string; dpopJkt?: string; server?: string } = {},
) => {
  const { server = 'default', ...mint } = options;
  return issuer
    .server(server)
    .mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...claims }, { ...mint, format: 'opaque' });
};
const jwt = (issuer: ReferenceIssuer, claims: Record<string, unknown> = {}) =>
  issuer.server('default').mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...claims });
const revoked = async (issuer: ReferenceIssuer, token: Promise<string>) => {
  const value = await token;
  issuer.server('default').revokeToken(value);
  return bearer(value);
};
/** A JWT for alice with `orders:read` and `orders:write`, `scopes` of which the issuer then takes back. */
const withdrawn = async (issuer: ReferenceIssuer, scopes: readonly string[]) => {
  const value = await jwt(issuer, { scp: ['orders:read', 'orders:write'] });
  issuer.server('default').withdrawScopes(value, scopes);
  return bearer(value);
};
/** `token`, whose introspection answer the issuer then reshapes (RFC 7662 section 2.2 requires only `active`). */
const reshaped = async (issuer: ReferenceIssuer, token: Promise<string>, reshape: IntrospectionReshape) => {
  const value = await token;
  issuer.server('default').reshapeIntrospection(value, reshape);
  return bearer(value);
};
/** Revokes the token the headers carry, as the revocation endpoint would (RFC 7009). */
const revokeSent = (issuer: ReferenceIssuer, headers: RequestHeaders) => {
  issuer.server('default').revokeToken(String(headers.authorization).slice('Bearer '.length));
};

/** The claims of a sign-in at `urn:loa:2` 30 s ago: what `/introspected-strong` asks for. */
const strongSignIn = () => ({ acr: 'urn:loa:2', auth_time: Math.floor(Date.now() / 1000) - 30 });

const invalidToken =
  /^Bearer realm="conformance", error="invalid_token", error_description="[^"]+", scope="orders:read"$/;
const ACTIVE = { status: 200, subject: 'alice', scopes: ['orders:read'] } as const;
const INACTIVE = { status: 401, code: 'ERR_TOKEN_INACTIVE', challenge: invalidToken } as const;
const STEP_UP_REFUSED = {
  status: 401,
  code: 'ERR_INSUFFICIENT_USER_AUTHENTICATION',
  challenge:
    /^Bearer realm="conformance", error="insufficient_user_authentication", error_description="[^"]+", acr_values="urn:loa:2", max_age="300"$/,
} as const;
// RFC 6750 defines no code for an authorization server that cannot answer: 503 with Retry-After
// and a challenge without an error, so the client keeps a token that may well be fine.
const UNAVAILABLE = {
  status: 503,
  code: 'ERR_INTROSPECTION_FAILED',
  challenge: 'Bearer realm="conformance"',
  retryAfter: true,
} as const;

export const introspectionCases: readonly HttpCase[] = [
  {
    name: 'IN-1, IN-2: an active opaque token is introspected: its subject and scopes reach the route',
    path: '/introspected',
    headers: async (issuer) => bearer(await opaque(issuer)),
    expected: { ...ACTIVE, introspections: 1 },
  },
  {
    name: 'IN-2: a revoked opaque token is 401 invalid_token',
    path: '/introspected',
    headers: (issuer) => revoked(issuer, opaque(issuer)),
    expected: { ...INACTIVE, introspections: 1 },
  },
  {
    name: 'IN-2: an expired opaque token is 401 invalid_token',
    path: '/introspected',
    headers: async (issuer) => bearer(await opaque(issuer, {}, { expiresIn: -600 })),
    expected: { ...INACTIVE, introspections: 1 },
  },
  {
    name: 'IN-2: an opaque token the server never issued is 401 invalid_token',
    path: '/introspected',
    headers: async () => bearer('b3BhcXVlLWJ1dC11bmtub3du'),
    expected: { ...INACTIVE, introspections: 1 },
  },
  {
    name: "IN-2, IN-6: a sibling server's opaque token is asked about only at the configured server, which does not know it",
    path: '/introspected',
    headers: async (issuer) =>
      bearer(await opaque(issuer, {}, { server: 'payments', audience: 'api://default' })),
    expected: { ...INACTIVE, introspections: 1 },
  },
  {
    name: 'IN-2: an active opaque token for another audience is 401 invalid_token',
    path: '/introspected',
    headers: async (issuer) => bearer(await opaque(issuer, {}, { audience: 'api://other' })),
    expected: { status: 401, code: 'ERR_AUDIENCE_MISMATCH', challenge: invalidToken, introspections: 1 },
  },
  {
    name: 'BT-7: an active opaque token without the scope is 403 insufficient_scope naming it',
    path: '/introspected',
    headers: async (issuer) => bearer(await opaque(issuer, { scp: ['profile'] })),
    expected: {
      status: 403,
      code: 'ERR_INSUFFICIENT_SCOPE',
      challenge:
        /^Bearer realm="conformance", error="insufficient_scope", error_description="[^"]+", scope="orders:read"$/,
      introspections: 1,
    },
  },
  {
    name: 'IN-7, DP-3, DP-5: an introspected token bound to a key (cnf.jkt) sent as a bearer token is 401 invalid_token',
    path: '/introspected',
    headers: async (issuer) =>
      bearer(await opaque(issuer, {}, { dpopJkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' })),
    expected: { status: 401, code: 'ERR_DPOP_BINDING_MISMATCH', challenge: invalidToken, introspections: 1 },
  },
  {
    name: 'IN-7, DP-5, IN-4: an introspected token bound to a client certificate (cnf x5t#S256) is 401 invalid_token, and its cached answer refuses the retry without a call',
    path: '/introspected',
    headers: async (issuer) =>
      bearer(await opaque(issuer, { cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } })),
    replay: { status: 401 },
    expected: { status: 401, code: 'ERR_DPOP_BINDING_MISMATCH', challenge: invalidToken, introspections: 1 },
  },
  {
    name: "IN-7, DP-5: mode 'always': a certificate-bound opaque token is 401 invalid_token too",
    path: '/introspected-always',
    headers: async (issuer) =>
      bearer(await opaque(issuer, { cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } })),
    expected: { status: 401, code: 'ERR_DPOP_BINDING_MISMATCH', challenge: invalidToken, introspections: 1 },
  },
  {
    name: 'BT-1: a credential outside the b64token syntax is 400 invalid_request and never sent to the endpoint',
    path: '/introspected',
    headers: async () => bearer('opaque~token$'),
    expected: { status: 400, code: 'ERR_INVALID_REQUEST', challenge: /error="invalid_request"/ },
  },
  {
    name: "mode 'fallback': a JWT is checked locally, not introspected (so its revocation is not seen)",
    path: '/introspected',
    headers: (issuer) => revoked(issuer, jwt(issuer)),
    expected: ACTIVE,
  },
  {
    name: "mode 'always': a JWT that verifies locally is confirmed at its issuer",
    path: '/introspected-always',
    headers: async (issuer) => bearer(await jwt(issuer)),
    expected: { ...ACTIVE, introspections: 1 },
  },
  {
    name: "IN-5: mode 'always': a revoked JWT without the scope is 401 invalid_token, not 403",
    path: '/introspected-always',
    headers: (issuer) => revoked(issuer, jwt(issuer, { scp: ['profile'] })),
    expected: { ...INACTIVE, introspections: 1 },
  },
  {
    name: "IN-8: mode 'always': a scope the issuer has since withdrawn from a JWT is gone from the result every adapter gives the route",
    path: '/introspected-always',
    headers: (issuer) => withdrawn(issuer, ['orders:write']),
    expected: { ...ACTIVE, introspections: 1 },
  },
  {
    name: "IN-8: mode 'always': a JWT whose route scope the issuer has since withdrawn is 403 insufficient_scope",
    path: '/introspected-always',
    headers: (issuer) => withdrawn(issuer, ['orders:read']),
    expected: {
      status: 403,
      code: 'ERR_INSUFFICIENT_SCOPE',
      challenge:
        /^Bearer realm="conformance", error="insufficient_scope", error_description="[^"]+", scope="orders:read"$/,
      introspections: 1,
    },
  },
  {
    name: 'IN-2, IN-8: mode \'always\': a JWT its issuer confirms with a bare {"active": true} reaches the route as it verified',
    path: '/introspected-always',
    headers: (issuer) => reshaped(issuer, jwt(issuer), { omit: 'all' }),
    expected: { ...ACTIVE, introspections: 1 },
  },
  {
    name: "SU-1, IN-8: mode 'always': a JWT of a strong, recent sign-in its issuer confirms reaches a step-up route",
    path: '/introspected-strong',
    headers: async (issuer) => bearer(await jwt(issuer, strongSignIn())),
    expected: { ...ACTIVE, introspections: 1 },
  },
  {
    name: "SU-1, IN-8: mode 'always': a JWT whose issuer now answers a weaker acr is 401 insufficient_user_authentication",
    path: '/introspected-strong',
    headers: (issuer) => reshaped(issuer, jwt(issuer, strongSignIn()), { set: { acr: 'urn:loa:1' } }),
    expected: { ...STEP_UP_REFUSED, introspections: 1 },
  },
  {
    name: "SU-2, IN-8: mode 'always': a JWT whose issuer now answers an older auth_time is 401 insufficient_user_authentication",
    path: '/introspected-strong',
    headers: (issuer) =>
      reshaped(issuer, jwt(issuer, strongSignIn()), {
        set: { auth_time: Math.floor(Date.now() / 1000) - 3600 },
      }),
    expected: { ...STEP_UP_REFUSED, introspections: 1 },
  },
  {
    name: "SU-1, IN-8: mode 'always': acr values of the JWT and its answer that no ranking orders are 401 insufficient_user_authentication naming both",
    path: '/introspected-strong',
    headers: (issuer) => reshaped(issuer, jwt(issuer, strongSignIn()), { set: { acr: 'urn:vendor:mfa' } }),
    expected: {
      ...STEP_UP_REFUSED,
      challenge:
        /^Bearer realm="conformance", error="insufficient_user_authentication", error_description="this route needs a sign-in at 'urn:loa:2'; the token's acr 'urn:loa:2' and its authorization server's introspection answer's acr 'urn:vendor:mfa' differ and no acrLevels ranks them, so neither stands for the sign-in", acr_values="urn:loa:2", max_age="300"$/,
      introspections: 1,
    },
  },
  {
    name: "SU-1, IN-8: mode 'always': a JWT without acr whose answer states one is 401 insufficient_user_authentication saying the answer's acr was set aside",
    path: '/introspected-strong',
    headers: (issuer) =>
      reshaped(issuer, jwt(issuer, { auth_time: strongSignIn().auth_time }), { set: { acr: 'urn:loa:2' } }),
    expected: {
      ...STEP_UP_REFUSED,
      challenge:
        /^Bearer realm="conformance", error="insufficient_user_authentication", error_description="this route needs a sign-in at 'urn:loa:2'; the token carries no acr claim, and its authorization server's introspection answer's acr 'urn:loa:2' is set aside: an answer can narrow the token's sign-in, not add one", acr_values="urn:loa:2", max_age="300"$/,
      introspections: 1,
    },
  },
  {
    name: "IN-2, IN-7: an active answer whose cnf.jkt is a number is 503, the server's malformed answer, not a binding the request failed",
    path: '/introspected',
    headers: (issuer) => reshaped(issuer, opaque(issuer), { set: { cnf: { jkt: 7 } } }),
    expected: { ...UNAVAILABLE, introspections: 1 },
  },
  {
    name: 'IN-2: an active answer whose scope and scp grant different scopes is 503: the server contradicts itself',
    path: '/introspected',
    headers: (issuer) => reshaped(issuer, opaque(issuer), { set: { scp: ['orders:read', 'orders:refund'] } }),
    expected: { ...UNAVAILABLE, introspections: 1 },
  },
  {
    name: "IN-2, IN-8: mode 'always': an answer whose cid and client_id name different clients is 503, not a 401 for the token",
    path: '/introspected-always',
    headers: (issuer) =>
      reshaped(issuer, jwt(issuer), { set: { client_id: 'orders-app', cid: 'other-app' } }),
    expected: { ...UNAVAILABLE, introspections: 1 },
  },
  {
    name: "IN-2: an active answer whose exp is a string is 503, the server's malformed answer, never a 401 blaming the token",
    path: '/introspected',
    headers: (issuer) => reshaped(issuer, opaque(issuer), { set: { exp: 'tomorrow' } }),
    expected: { ...UNAVAILABLE, introspections: 1 },
  },
  {
    name: "IN-2, IN-8: mode 'always': an answer with exp null is 503: null is refused, not read as absent and filled from the JWT",
    path: '/introspected-always',
    headers: (issuer) => reshaped(issuer, jwt(issuer), { omit: 'all', set: { exp: null } }),
    expected: { ...UNAVAILABLE, introspections: 1 },
  },
  {
    name: 'IN-2: an active answer about an opaque token without aud is 401 invalid_token naming the member',
    path: '/introspected',
    headers: (issuer) => reshaped(issuer, opaque(issuer), { omit: ['aud'] }),
    expected: {
      status: 401,
      code: 'ERR_CLAIM_MISSING',
      challenge:
        /^Bearer realm="conformance", error="invalid_token", error_description="the introspection response has no 'aud'; [^"]+", scope="orders:read"$/,
      introspections: 1,
    },
  },
  {
    name: 'IN-3, IN-4: an active answer is cached (60 s by default): a repeat costs no call, even once the token is revoked',
    path: '/introspected',
    headers: async () => ({}),
    // Each adapter gets its own token: a revocation is seen by every adapter that asks after it.
    perAdapter: async (_shared, _clock, issuer) => bearer(await opaque(issuer)),
    replay: { between: revokeSent },
    expected: { ...ACTIVE, introspections: 1 },
  },
  {
    name: 'IN-4: with maxCacheAge 0 every request asks: a token revoked after its first use is 401 on the next',
    path: '/introspected-always',
    headers: async () => ({}),
    perAdapter: async (_shared, _clock, issuer) => bearer(await opaque(issuer)),
    replay: { between: revokeSent },
    expected: { ...INACTIVE, introspections: 2 },
  },
  {
    name: 'an inactive answer is not cached by default (negativeCacheAge 0): each retry asks again',
    path: '/introspected',
    headers: async () => bearer('b3BhcXVlLWJ1dC11bmtub3du'),
    replay: { status: 401 },
    expected: { ...INACTIVE, introspections: 2 },
  },
  {
    name: "IN-3: an introspection endpoint answering 500 is 503 with the server's own Retry-After, no internals",
    path: '/introspected-outage',
    introspectionFault: { status: 500, headers: { 'Retry-After': '17' } },
    headers: async (issuer) => bearer(await opaque(issuer, {}, { server: INTROSPECTION_OUTAGE_SERVER })),
    expected: { ...UNAVAILABLE, retryAfter: '17', introspections: 1 },
  },
  {
    name: 'an introspection endpoint answering with something that is not JSON is 503 with Retry-After',
    path: '/introspected-outage',
    introspectionFault: { body: '<html>Service Unavailable</html>', contentType: 'text/html' },
    headers: async (issuer) => bearer(await opaque(issuer, {}, { server: INTROSPECTION_OUTAGE_SERVER })),
    expected: { ...UNAVAILABLE, introspections: 1 },
  },
  {
    name: 'IN-2: an introspection answer without a boolean active is 503, not a verdict on the token',
    path: '/introspected-outage',
    introspectionFault: { body: '{"scope":"orders:read","sub":"alice"}' },
    headers: async (issuer) => bearer(await opaque(issuer, {}, { server: INTROSPECTION_OUTAGE_SERVER })),
    expected: { ...UNAVAILABLE, introspections: 1 },
  },
  {
    name: 'IN-2: an introspection answer that names active twice is 503: two parsers would read two verdicts',
    path: '/introspected-outage',
    introspectionFault: { body: '{"active":false,"active":true}' },
    headers: async (issuer) => bearer(await opaque(issuer, {}, { server: INTROSPECTION_OUTAGE_SERVER })),
    expected: { ...UNAVAILABLE, introspections: 1 },
  },
  {
    name: 'an introspection endpoint that does not answer in time is 503 with Retry-After',
    path: '/introspected-outage',
    introspectionFault: { delayMs: 'never' },
    headers: async (issuer) => bearer(await opaque(issuer, {}, { server: INTROSPECTION_OUTAGE_SERVER })),
    expected: { ...UNAVAILABLE, introspections: 1 },
  },
  {
    name: "IN-1: an introspection endpoint refusing this API's client credentials is 503, never a 401 blaming the token",
    path: '/introspected-outage',
    introspectionFault: { status: 401 },
    headers: async (issuer) => bearer(await opaque(issuer, {}, { server: INTROSPECTION_OUTAGE_SERVER })),
    expected: { ...UNAVAILABLE, introspections: 1 },
  },
];

/**
 * The situations the demo walks through, in order. Each says what it shows, prepares its request
 * once (tokens, key rotation, faults, clock jumps), and states the answer both APIs must give.
 */
import type { DemoApi } from './apis.js';
import { dpopScenarios } from './dpop-act.js';
import { clientCredentialsToken } from './http.js';
import { revocationScenarios } from './revocation-act.js';
import type { DemoTokens, RequestPlan, Scenario } from './scenario-types.js';
import { DEMO_JWKS_MAX_AGE, DEMO_STALE_IF_ERROR, type DemoEnvironment, ORDER_SCOPES } from './servers.js';

export type { DemoTokens, Expectation, RequestPlan, Scenario } from './scenario-types.js';

/** Tokens by real client_credentials requests to each server's token endpoint, and one opaque token. */
export async function obtainTokens(env: DemoEnvironment): Promise<DemoTokens> {
  const endpoint = (id: string) => env.issuer.server(id).tokenEndpoint;
  const grant = (id: string, scopes: readonly string[]) =>
    clientCredentialsToken(endpoint(id), env.client, scopes);
  const { clientId } = env.client;
  const [full, readOnly, payments, org, opaque] = await Promise.all([
    grant('default', ORDER_SCOPES),
    grant('default', ['orders:read']),
    grant('payments', ORDER_SCOPES),
    grant('org', ORDER_SCOPES),
    env.issuer
      .server('default')
      .mintAccessToken({ sub: clientId, cid: clientId, scp: ['orders:read'] }, { format: 'opaque' }),
  ]);
  return { full, readOnly, payments, org, opaque };
}

const getOrders = (token: string | undefined): RequestPlan => ({ method: 'GET', path: '/orders', token });

/** One character of the signature changed; a middle one, so the base64url stays canonical. */
function tamperSignature(token: string): string {
  const dot = token.lastIndexOf('.');
  const index = dot + Math.floor((token.length - dot) / 2);
  const replacement = token[index] === 'A' ? 'B' : 'A';
  return `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
}

/** When the newest key set of `api` stops being fresh (from its last `jwks_fetched` event). */
function freshUntil(api: DemoApi): number {
  const fetched = api.events.filter((entry) => entry.event.type === 'jwks_fetched').at(-1);
  if (fetched === undefined || fetched.event.type !== 'jwks_fetched') return 0;
  return fetched.at + fetched.event.maxAgeSeconds * 1000;
}

const latestFreshUntil = (env: DemoEnvironment) => Math.max(...env.apis.map(freshUntil));

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'valid token',
    story:
      'A client_credentials token from the default server with orders:read and orders:refund. ' +
      'This first request also makes each API fetch discovery and the key set.',
    expect: { status: 200 },
    prepare: async (_env, tokens) => getOrders(tokens.full),
  },
  {
    name: 'missing scope',
    story:
      'A genuine token granted only orders:read, sent to POST /orders/refund, which needs orders:refund.',
    expect: { status: 403, code: 'ERR_INSUFFICIENT_SCOPE' },
    prepare: async (_env, tokens) => ({ method: 'POST', path: '/orders/refund', token: tokens.readOnly }),
  },
  {
    name: 'no token',
    story: 'No Authorization header at all: a bare challenge, no error attribute (RFC 6750 §3.1).',
    expect: { status: 401, code: 'ERR_TOKEN_MISSING' },
    prepare: async () => getOrders(undefined),
  },
  {
    name: 'expired token',
    story: 'A token the default server minted with an expiry ten minutes in the past.',
    expect: { status: 401, code: 'ERR_TOKEN_EXPIRED' },
    prepare: async (env) =>
      getOrders(
        await env.issuer
          .server('default')
          .mintAccessToken(
            { sub: env.client.clientId, cid: env.client.clientId, scp: ['orders:read'] },
            { expiresIn: -600 },
          ),
      ),
  },
  {
    name: 'tampered signature',
    story: 'The valid token with one character of its signature changed.',
    expect: { status: 401, code: 'ERR_SIGNATURE_INVALID' },
    prepare: async (_env, tokens) => getOrders(tamperSignature(tokens.full)),
  },
  {
    name: 'sibling server token',
    story:
      'A token from the payments custom server on the same domain: authorization servers share no trust.',
    expect: { status: 401, code: 'ERR_ISSUER_MISMATCH' },
    prepare: async (_env, tokens) => getOrders(tokens.payments),
  },
  {
    name: 'org-server token',
    story: "A token from the org authorization server, whose access tokens are for the vendor's own APIs.",
    expect: { status: 401, code: 'ERR_ORG_SERVER_TOKEN' },
    prepare: async (_env, tokens) => getOrders(tokens.org),
  },
  ...dpopScenarios(),
  ...revocationScenarios(),
  {
    name: 'key rotation',
    story:
      'The default server rotates its signing key and issues a token with the new kid. Each API meets ' +
      'an unknown kid, refetches the key set exactly once, and accepts the token.',
    expect: { status: 200 },
    jwksRequests: 1,
    prepare: async (env) => {
      env.issuer.server('default').rotateKeys();
      const token = await clientCredentialsToken(
        env.issuer.server('default').tokenEndpoint,
        env.client,
        ORDER_SCOPES,
      );
      return getOrders(token);
    },
  },
  {
    name: 'key set down, stale keys',
    story:
      'The key-set endpoint now answers 503 and the cached key set has expired. Stale-if-error keeps the ' +
      `last good keys serving known kids. (Demo shortcut: the key set lives ${DEMO_JWKS_MAX_AGE} s and the stale window ` +
      `is ${DEMO_STALE_IF_ERROR} s instead of 10 min and 1 h, and the demo moves the verifiers' clock ` +
      'forward instead of waiting.)',
    expect: { status: 200 },
    prepare: async (env, tokens) => {
      env.issuer.setFault({ server: 'default', endpoint: 'jwks', status: 503 });
      env.clock.advanceTo(latestFreshUntil(env) + 5_000);
      return getOrders(tokens.full);
    },
  },
  {
    name: 'key set down, window over',
    story:
      'Still down, and now the stale window is over too: the APIs cannot verify, so they answer 503 with ' +
      'Retry-After, not 401: the token may be fine, and clients should keep it.',
    expect: { status: 503, code: 'ERR_JWKS_FETCH_FAILED' },
    prepare: async (env, tokens) => {
      env.clock.advanceTo(latestFreshUntil(env) + (DEMO_STALE_IF_ERROR + 5) * 1000);
      return getOrders(tokens.full);
    },
  },
];

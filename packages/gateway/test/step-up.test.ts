/**
 * Step-up through the gateway (RFC 9470): a route whose rule says `stepUp` refuses a token from a
 * weaker or older sign-in with 401 `insufficient_user_authentication` and a challenge naming
 * `acr_values` and `max_age`, through real NGINX and real Caddy; the client signs in again at the
 * reference issuer with those values and the new token gets through. Tokens come from the
 * issuer's own authorization-code flow (PKCE), which records `acr` and `auth_time`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ReferenceIssuer } from '@tokenward/issuer';
import { beforeAll, describe, expect, it } from 'vitest';
import { useProxiedWorld } from './support/proxied-world.js';
import { type RunningProxy, startCaddy, startNginx } from './support/proxies.js';
import { rawRequest } from './support/raw-request.js';
import type { EchoUpstream } from './support/upstream.js';
import type { World } from './support/world.js';

const REDIRECT_URI = 'http://localhost:5173/callback';
const STRONG = 'urn:tokenward:loa:2';

/** Signs the test user in through the authorization endpoint (PKCE) and returns the access token. */
async function signIn(issuer: ReferenceIssuer, extra: Record<string, string> = {}): Promise<string> {
  const server = issuer.server('default');
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: 'spa-client',
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  });
  const authorized = await fetch(`${server.authorizationEndpoint}?${query}`, { redirect: 'manual' });
  const code = new URL(authorized.headers.get('location') ?? '').searchParams.get('code');
  if (code === null) throw new Error(`authorize answered ${authorized.status} without a code`);
  const exchanged = await fetch(server.tokenEndpoint, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'spa-client',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }),
  });
  const body = (await exchanged.json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error(`the token endpoint answered ${exchanged.status}`);
  return body.access_token;
}

describe.each([
  { name: 'NGINX auth_request', start: startNginx },
  { name: 'Caddy forward_auth', start: startCaddy },
])('stepUp rules through $name (RFC 9470)', ({ start }) => {
  const running = useProxiedWorld(start);
  let world: World;
  let upstream: EchoUpstream;
  let proxy: RunningProxy;
  beforeAll(() => {
    ({ world, upstream, proxy } = running());
  });

  const payout = (token: string) =>
    rawRequest(proxy.port, 'POST', '/payouts/7', { Authorization: `Bearer ${token}` }, '{"amount":5}');

  it('refuses a one-factor sign-in with acr_values and max_age in the challenge, then lets the stepped-up token through', async () => {
    world.issuer.signInTestUser({ acr: 'urn:tokenward:loa:1' });
    const before = upstream.seen.length;
    const weak = await payout(await signIn(world.issuer));
    expect(weak.status, proxy.logs()).toBe(401);
    expect(weak.headers['www-authenticate']).toMatch(
      new RegExp(
        `^Bearer realm="api", error="insufficient_user_authentication", error_description="[^"]+", acr_values="${STRONG}", max_age="300"$`,
      ),
    );
    expect(upstream.seen.length).toBe(before);

    const strong = await payout(await signIn(world.issuer, { acr_values: STRONG }));
    expect(strong.status, proxy.logs()).toBe(200);
    const seen = upstream.seen.at(-1)!;
    expect(seen).toMatchObject({ method: 'POST', url: '/payouts/7', body: '{"amount":5}' });
    expect(seen.headers['x-auth-subject']).toEqual(expect.any(String));
  });

  it('refuses a strong sign-in that is older than maxAge with max_age in the challenge', async () => {
    world.issuer.signInTestUser({ acr: STRONG, authTime: Math.floor(Date.now() / 1000) - 3600 });
    const stale = await payout(await signIn(world.issuer));
    expect(stale.status, proxy.logs()).toBe(401);
    expect(stale.headers['www-authenticate']).toMatch(
      /error="insufficient_user_authentication".*max_age="300"$/,
    );
    const fresh = await payout(await signIn(world.issuer, { max_age: '300' }));
    expect(fresh.status, proxy.logs()).toBe(200);
  });
});

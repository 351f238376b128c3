/**
 * The demo's DPoP act (RFC 9449): a token bound to the client's key, obtained with a proof at the
 * token endpoint; the same token used with a fresh proof, with a replayed proof, and downgraded to
 * a plain bearer token. Every API is configured with `dpop.origins` = {@link DEMO_API_ORIGIN}.
 */
import { createDpopClient, DEMO_API_ORIGIN, type DpopClient } from './dpop-client.js';
import { clientCredentialsToken, request } from './http.js';
import type { RequestPlan, Scenario } from './scenario-types.js';
import { type DemoEnvironment, ORDER_SCOPES } from './servers.js';

const HTU = `${DEMO_API_ORIGIN}/orders`;

/** The three DPoP scenarios, sharing one client key and its bound token. */
export function dpopScenarios(): readonly Scenario[] {
  const client: DpopClient = createDpopClient();
  let bound: Promise<string> | undefined;
  const boundToken = (env: DemoEnvironment) => {
    const endpoint = env.issuer.server('default').tokenEndpoint;
    // The token endpoint keeps real time, like the issuer.
    bound ??= clientCredentialsToken(endpoint, env.client, ORDER_SCOPES, {
      dpop: client.proof('POST', endpoint, Date.now()),
    });
    return bound;
  };
  /** A fresh proof for each API, for GET /orders with `token`. */
  const proofsFor = (env: DemoEnvironment, token: string) =>
    new Map(env.apis.map((api) => [api.name, client.proof('GET', HTU, env.clock.now(), token)]));
  const withProofs = (token: string, proofs: RequestPlan['proofs']): RequestPlan => ({
    method: 'GET',
    path: '/orders',
    token,
    scheme: 'DPoP',
    proofs,
  });

  return [
    {
      name: 'DPoP-bound token',
      story:
        "A token bound to the client's key (cnf.jkt), obtained with a DPoP proof at the token endpoint, " +
        `sent as "Authorization: DPoP" with a fresh proof for this very request (htu ${HTU}, the origin ` +
        'the APIs are configured with, never the Host header).',
      expect: { status: 200 },
      prepare: async (env) => {
        const token = await boundToken(env);
        return withProofs(token, proofsFor(env, token));
      },
    },
    {
      name: 'DPoP proof replayed',
      story:
        'Each API is sent a fresh proof once (served), then the very same proof again, as someone who ' +
        'captured the request would: the first use burned it in the replay store.',
      expect: { status: 401, code: 'ERR_DPOP_REPLAYED' },
      prepare: async (env) => {
        const token = await boundToken(env);
        const proofs = proofsFor(env, token);
        for (const api of env.apis) {
          const first = await request(`${api.origin}/orders`, {
            headers: { authorization: `DPoP ${token}`, dpop: proofs.get(api.name)! },
          });
          if (first.status !== 200) throw new Error(`the first use of a proof answered ${first.status}`);
        }
        return withProofs(token, proofs);
      },
    },
    {
      name: 'DPoP token as Bearer',
      story:
        'The DPoP-bound token sent as a plain bearer token, without a proof: refused, so a stolen ' +
        'bound token is worth nothing without the key (no downgrade, RFC 9449 section 7.2).',
      expect: { status: 401, code: 'ERR_DPOP_BINDING_MISMATCH' },
      prepare: async (env) => ({ method: 'GET', path: '/orders', token: await boundToken(env) }),
    },
  ];
}

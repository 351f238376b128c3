/**
 * The demo's revocation act (RFC 7662, RFC 7009): an opaque token the APIs can only ask the
 * issuer about, accepted; revoked at the issuer and still accepted from the APIs' cached answer;
 * refused once the demo clock passes the cache bound.
 */
import { revokeToken } from './http.js';
import type { RequestPlan, Scenario } from './scenario-types.js';
import { DEMO_INTROSPECTION_CACHE } from './servers.js';

const getOrders = (token: string): RequestPlan => ({ method: 'GET', path: '/orders', token });

export function revocationScenarios(): readonly Scenario[] {
  return [
    {
      name: 'opaque token',
      story:
        'An opaque token: a random string the APIs cannot read. They ask the issuer (RFC 7662 introspection, ' +
        `as their own client) and reuse its answer for up to ${DEMO_INTROSPECTION_CACHE} s (default 60 s).`,
      expect: { status: 200 },
      prepare: async (_env, tokens) => getOrders(tokens.opaque),
    },
    {
      name: 'revoked, still cached',
      story:
        'The client revokes the opaque token at the issuer (RFC 7009). Each API still holds the answer ' +
        'it cached: a revoked token keeps working at most for the cache bound.',
      expect: { status: 200 },
      prepare: async (env, tokens) => {
        await revokeToken(env.issuer.server('default').revocationEndpoint, env.client, tokens.opaque);
        return getOrders(tokens.opaque);
      },
    },
    {
      name: 'revoked, cache bound over',
      story:
        `The demo moves the verifiers' clock past the ${DEMO_INTROSPECTION_CACHE} s bound: the APIs ask again, ` +
        'the issuer says the token is not active, and they answer 401 invalid_token.',
      expect: { status: 401, code: 'ERR_TOKEN_INACTIVE' },
      prepare: async (env, tokens) => {
        env.clock.advanceTo(env.clock.now() + (DEMO_INTROSPECTION_CACHE + 1) * 1000);
        return getOrders(tokens.opaque);
      },
    },
  ];
}

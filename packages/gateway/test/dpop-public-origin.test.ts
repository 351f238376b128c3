/**
 * The URL a DPoP proof must name behind real NGINX and real Caddy run from the recipes, with an
 * issuer entry's `dpop.trustForwardedHeaders` on (RFC 9449 section 4.3 check 9): the one the
 * client used, that is the scheme the proxy took the request with (or, behind a load balancer that
 * terminates TLS, the scheme the recipe is told clients use) and the host it routed on, which must
 * be one of the entry's `dpop.origins`. A client's own `X-Forwarded-Host`, `X-Forwarded-Proto` or
 * `Forwarded` naming another origin changes nothing. The reference issuer mints the DPoP-bound
 * tokens; the test signs the proofs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createDpopClient, type DpopClient } from './support/dpop-client.js';
import { type ProxiedWorld, useProxiedWorld } from './support/proxied-world.js';
import { type RecipeVariant, startCaddy, startNginx } from './support/proxies.js';
import { type RawResponse, rawRequest } from './support/raw-request.js';

/** A policy whose one route takes DPoP-bound tokens only, for an API reached at `origins`. */
const dpopPolicy = (origins: readonly string[]) => (defaultIssuer: string) =>
  `issuers:
  orders:
    issuer: ${defaultIssuer}
    audience: api://default
    dpop: { mode: required, origins: [${origins.join(', ')}], trustForwardedHeaders: true }
routes:
  - match: { path: /orders/**, methods: [GET] }
    issuer: orders
`;

/** Proofs for another origin of the API than http://localhost, with the client's own headers naming it. */
const OTHER_ORIGINS: readonly { other: string; htu: string; headers: Record<string, string> }[] = [
  {
    other: 'another of its hosts',
    htu: 'http://127.0.0.1/orders/42',
    headers: { 'X-Forwarded-Host': '127.0.0.1', Forwarded: 'host=127.0.0.1' },
  },
  {
    other: 'https',
    htu: 'https://localhost/orders/42',
    headers: { 'X-Forwarded-Proto': 'https', Forwarded: 'proto=https', 'X-Forwarded-Port': '443' },
  },
  {
    other: 'another host and https',
    htu: 'https://127.0.0.1/orders/42',
    headers: {
      'X-Forwarded-Host': '127.0.0.1',
      'X-Forwarded-Proto': 'https',
      Forwarded: 'host=127.0.0.1;proto=https',
    },
  },
];

const INVALID_PROOF = /^DPoP realm="api", algs="[^"]+", error="invalid_dpop_proof"/;

/** What one call through the proxy gave: the client's answer, the requests the API saw, the proxy's log. */
interface CallOutcome {
  readonly response: RawResponse;
  readonly reached: readonly unknown[];
  readonly logs: string;
}

/** A call the gateway refused for its proof (401 `invalid_dpop_proof`), which never reached the API. */
function expectProofRefused({ response, reached, logs }: CallOutcome): void {
  expect(response.status, logs).toBe(401);
  expect(response.headers['www-authenticate']).toMatch(INVALID_PROOF);
  expect(reached).toEqual([]);
}

describe.each([
  { name: 'NGINX auth_request', start: startNginx },
  { name: 'Caddy forward_auth', start: startCaddy },
])('$name', ({ start }) => {
  let client: DpopClient;
  beforeAll(async () => {
    client = await createDpopClient();
  });

  /** GET /orders/42 through the proxy with a bound token and a proof for `htu`, as the client sent it. */
  async function call(running: ProxiedWorld, htu: string, headers: Record<string, string>) {
    const { world, upstream, proxy } = running;
    const token = await world.issuer
      .server('default')
      .mintAccessToken({ sub: 'alice' }, { dpopJkt: client.thumbprint });
    const before = upstream.seen.length;
    const response = await rawRequest(proxy.port, 'GET', '/orders/42', {
      Authorization: `DPoP ${token}`,
      DPoP: await client.proof({ htu, token }),
      ...headers,
    });
    return { response, reached: upstream.seen.slice(before), logs: proxy.logs() };
  }

  describe('facing clients over http', () => {
    // Three origins the API is reached at: a proof must name the one its request came in by.
    const running = useProxiedWorld(
      start,
      dpopPolicy(['http://localhost', 'https://localhost', 'http://127.0.0.1']),
    );

    it.each(['localhost', '127.0.0.1'])(
      'DP-2: accepts a proof for the URL the client used, http://%s/orders/42',
      async (host) => {
        const { response, reached, logs } = await call(running(), `http://${host}/orders/42`, { Host: host });
        expect(response.status, logs).toBe(200);
        expect(reached.map((seen) => seen.headers['x-auth-subject'])).toEqual(['alice']);
      },
    );

    it.each(OTHER_ORIGINS)(
      'DP-2: refuses a proof naming $other when the client came by http://localhost, whatever forwarded headers it sends',
      async ({ htu, headers }) => {
        expectProofRefused(await call(running(), htu, { Host: 'localhost', ...headers }));
      },
    );

    it('DP-2: refuses a proof for a host the client names in Host itself, when it is not one of the origins', async () => {
      const refused = await call(running(), 'http://evil.example/orders/42', {
        Host: 'evil.example',
        'X-Forwarded-Host': 'evil.example',
        Forwarded: 'host=evil.example',
      });
      expectProofRefused(refused);
    });
  });

  describe('behind a load balancer that terminates TLS (the recipe told clients use https)', () => {
    const behindTls: RecipeVariant = { publicScheme: 'https' };
    const running = useProxiedWorld(
      (dir, ports) => start(dir, ports, behindTls),
      dpopPolicy(['https://api.example.com', 'https://admin.example.com']),
    );

    it('DP-2: accepts a proof for https://api.example.com/orders/42, and the API is told https too', async () => {
      // The balancer reaches the proxy over http, passing the client's Host (and its own X-Forwarded-Proto).
      const { response, reached, logs } = await call(running(), 'https://api.example.com/orders/42', {
        Host: 'api.example.com',
        'X-Forwarded-Proto': 'https',
      });
      expect(response.status, logs).toBe(200);
      expect(reached.map((seen) => seen.headers['x-forwarded-proto'])).toEqual(['https']);
    });

    it('DP-2: refuses a proof for another host, even with the client’s own X-Forwarded-Host and Forwarded naming it', async () => {
      const refused = await call(running(), 'https://admin.example.com/orders/42', {
        Host: 'api.example.com',
        'X-Forwarded-Host': 'admin.example.com',
        Forwarded: 'host=admin.example.com;proto=https',
      });
      expectProofRefused(refused);
    });

    it('tells the API the public scheme over a client’s own X-Forwarded-Proto', async () => {
      const { response, reached, logs } = await call(running(), 'https://api.example.com/orders/42', {
        Host: 'api.example.com',
        'X-Forwarded-Proto': 'http',
      });
      expect(response.status, logs).toBe(200);
      expect(reached.map((seen) => seen.headers['x-forwarded-proto'])).toEqual(['https']);
    });
  });
});

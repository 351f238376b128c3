/**
 * DPoP server nonces through real proxies (RFC 9449 sections 8.2 and 9): a route whose issuer
 * entry has `dpop.nonceKeys` answers a proof without a nonce with 401 `use_dpop_nonce` and a
 * `DPoP-Nonce` the client must be able to read, and when the client's nonce is from the previous
 * step, the allowed answer offers a fresh one, with `Cache-Control: no-store`. NGINX's auth_request
 * passes on only `WWW-Authenticate` of a 401, so its recipe copies `DPoP-Nonce` itself, on refusals
 * and successes; Caddy relays a refusal as it is, and its recipe puts a success's nonce on the API's
 * answer. For Envoy, not run here, the gateway's answers are held to what the recipes pass to the
 * client; Traefik, not run here either, cannot pass a success's nonce on at all, and its client
 * learns each new nonce from a 401. The gateway runs on a clock the test moves.
 */
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Gateway, startGateway } from '../src/gateway.js';
import { readRecipe } from '../src/recipes.js';
import { createDpopClient, type DpopClient } from './support/dpop-client.js';
import { type TempFiles, tempFiles } from './support/files.js';
import { type CheckClient, connectCheckClient, headerMap } from './support/grpc-client.js';
import { type RunningProxy, startCaddy, startNginx } from './support/proxies.js';
import { rawRequest } from './support/raw-request.js';
import { askAsTraefik } from './support/traefik.js';
import { type EchoUpstream, startEchoUpstream } from './support/upstream.js';

const ORIGIN = 'https://api.example.com';
let now = Date.now();
let issuer: ReferenceIssuer;
let gateway: Gateway;
let files: TempFiles;
let client: DpopClient;
let token: string;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default'] });
  files = tempFiles();
  const policy = files.write(
    'policy.yaml',
    `issuers:
  orders:
    issuer: ${issuer.server('default').issuer}
    audience: api://default
    dpop: { mode: required, origins: [${ORIGIN}], nonceKeys: [a-gateway-test-nonce-secret-of-32-characters] }
routes:
  - match: { path: /orders/**, methods: [GET] }
    issuer: orders
`,
  );
  gateway = await startGateway({ policy, port: 0, grpcPort: 0, onLog: () => {}, clock: () => now });
  client = await createDpopClient();
  token = await issuer.server('default').mintAccessToken({ sub: 'alice' }, { dpopJkt: client.thumbprint });
});

afterAll(async () => {
  await gateway?.close();
  await issuer?.close();
  files?.remove();
});

const proof = (nonce?: string) => client.proof({ htu: `${ORIGIN}/orders/42`, token, at: now, nonce });

describe.each([
  { name: 'NGINX auth_request', start: startNginx },
  { name: 'Caddy forward_auth', start: startCaddy },
])('DP-6: server nonces through $name', ({ start }) => {
  let upstream: EchoUpstream;
  let proxy: RunningProxy;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    proxy = await start(files.dir, { gateway: gateway.port, upstream: upstream.port });
  });
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
  });

  const call = async (nonce?: string, headers: Record<string, string> = {}) =>
    rawRequest(proxy.port, 'GET', '/orders/42', {
      Authorization: `DPoP ${token}`,
      DPoP: await proof(nonce),
      ...headers,
    });

  it('a proof without a nonce gets 401 use_dpop_nonce with the DPoP-Nonce; the retry with it is served', async () => {
    const challenged = await call();
    expect(challenged.status, proxy.logs()).toBe(401);
    expect(challenged.headers['www-authenticate']).toMatch(
      /^DPoP realm="api", algs="[^"]+", error="use_dpop_nonce"/,
    );
    expect(challenged.headers['cache-control']).toBe('no-store');
    const nonce = challenged.headers['dpop-nonce'];
    expect(nonce, proxy.logs()).toMatch(/^[0-9a-z]+\.[\w-]{22}$/);
    // A client's own copy of the header the Caddy recipe carries the nonce in is not echoed.
    const served = await call(String(nonce), { 'X-Tokenward-Dpop-Nonce': 'from-the-client' });
    expect(served.status, proxy.logs()).toBe(200);
    expect(served.headers['dpop-nonce']).toBeUndefined();
    expect(served.headers['cache-control']).toBeUndefined();
  });

  it('a nonce of the previous step is served, with a fresh DPoP-Nonce and no-store', async () => {
    const nonce = String((await call()).headers['dpop-nonce']);
    now += 60_000;
    try {
      const served = await call(nonce);
      expect(served.status, proxy.logs()).toBe(200);
      expect(served.headers['dpop-nonce'], proxy.logs()).toMatch(/^[0-9a-z]+\.[\w-]{22}$/);
      expect(served.headers['dpop-nonce']).not.toBe(nonce);
      // RFC 9449 section 8.2: a nonce is for this client now; no cache may keep it for another.
      expect(served.headers['cache-control']).toBe('no-store');
      expect(upstream.seen.at(-1)?.headers['x-tokenward-dpop-nonce']).toBeUndefined();
    } finally {
      now -= 60_000;
    }
  });
});

describe('DP-6: server nonces behind Traefik (the recipe’s contract; Traefik is not run here)', () => {
  const NONCE = /^[0-9a-z]+\.[\w-]{22}$/;
  const { forwardAuth } = (
    parse(readRecipe('traefik.yml')) as {
      http: {
        middlewares: { tokenward: { forwardAuth: { address: string; authResponseHeaders: string[] } } };
      };
    }
  ).http.middlewares.tokenward;
  const traefik = async (nonce?: string) =>
    askAsTraefik(
      forwardAuth.address.replace('127.0.0.1:4180', `127.0.0.1:${gateway.port}`),
      'GET',
      '/orders/42',
      {
        Authorization: `DPoP ${token}`,
        DPoP: await proof(nonce),
      },
    );

  // forwardAuth copies a success's authResponseHeaders onto the forwarded request and nothing to the
  // client but addAuthCookiesToResponse's cookies; a headers middleware cannot read the answer.
  it('copies only the identity headers from a success, onto the request: a fresh nonce goes nowhere', () => {
    expect(Object.keys(forwardAuth).sort()).toEqual(['address', 'authResponseHeaders', 'trustForwardHeader']);
    expect(forwardAuth.authResponseHeaders).toEqual([
      'X-Auth-Subject',
      'X-Auth-Scopes',
      'X-Auth-Client-Id',
      'X-Auth-Issuer',
    ]);
  });

  it('a client that never sees a success’s nonce learns the next one from the 401 use_dpop_nonce Traefik relays', async () => {
    const nonce = String((await traefik()).headers.get('dpop-nonce'));
    try {
      now += 60_000;
      // The nonce offered here stays with Traefik; the client goes on with its own.
      const served = await traefik(nonce);
      expect([served.status, served.headers.get('dpop-nonce')]).toEqual([200, expect.stringMatching(NONCE)]);
      now += 60_000;
      // A refusal reaches the client whole (status, headers, body): the nonce comes with it.
      const refused = await traefik(nonce);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('error="use_dpop_nonce"');
      const fresh = refused.headers.get('dpop-nonce');
      expect(fresh).toMatch(NONCE);
      expect((await traefik(String(fresh))).status).toBe(200);
    } finally {
      now -= 120_000;
    }
  });
});

describe('DP-6: server nonces for Envoy (the recipes’ contract; Envoy is not run here)', () => {
  const NONCE = /^[0-9a-z]+\.[\w-]{22}$/;
  const { authorization_response: passes } = (
    parse(readRecipe('envoy-http.yaml')) as {
      http_filters: {
        typed_config: {
          http_service: {
            authorization_response: Record<
              'allowed_client_headers' | 'allowed_client_headers_on_success',
              { patterns: { exact: string }[] }
            >;
          };
        };
      }[];
    }
  ).http_filters[0]!.typed_config.http_service;
  const listed = (list: keyof typeof passes) => passes[list].patterns.map((pattern) => pattern.exact);
  let check: CheckClient;
  beforeAll(() => {
    check = connectCheckClient(gateway.grpcAddress!);
  });
  afterAll(() => check?.close());

  const overHttp = async (nonce?: string) =>
    rawRequest(gateway.port, 'GET', '/envoy/orders/42', {
      Authorization: `DPoP ${token}`,
      DPoP: await proof(nonce),
    });
  const overGrpc = async (nonce?: string) =>
    check.check({
      method: 'GET',
      path: '/orders/42',
      host: 'api.example.com',
      scheme: 'https',
      headers: { authorization: `DPoP ${token}`, dpop: await proof(nonce) },
    });

  it('over HTTP: the nonce and no-store of a refusal and of a success are headers the recipe passes to the client', async () => {
    const challenged = await overHttp();
    expect(challenged.status).toBe(401);
    for (const name of ['www-authenticate', 'dpop-nonce', 'cache-control']) {
      expect(challenged.headers[name], name).toBeDefined();
      expect(listed('allowed_client_headers'), name).toContain(name);
    }
    now += 60_000;
    try {
      const served = await overHttp(String(challenged.headers['dpop-nonce']));
      expect(served.status).toBe(200);
      expect([served.headers['dpop-nonce'], served.headers['cache-control']]).toEqual([
        expect.stringMatching(NONCE),
        'no-store',
      ]);
      expect(listed('allowed_client_headers_on_success')).toEqual(
        expect.arrayContaining(['dpop-nonce', 'cache-control']),
      );
    } finally {
      now -= 60_000;
    }
  });

  it('over gRPC: a success’s fresh nonce and no-store go on the client’s answer, not the forwarded request', async () => {
    const challenged = await overGrpc();
    const nonce = headerMap(challenged.denied_response!.headers)['DPoP-Nonce'];
    expect(nonce).toMatch(NONCE);
    now += 60_000;
    try {
      const served = await overGrpc(nonce);
      expect(served.status.code).toBe(0);
      const { headers, response_headers_to_add: toClient } = served.ok_response!;
      expect(headerMap(toClient)).toEqual({
        'DPoP-Nonce': expect.stringMatching(NONCE),
        'Cache-Control': 'no-store',
      });
      expect(Object.keys(headerMap(headers))).not.toContain('DPoP-Nonce');
      expect(Object.keys(headerMap(headers))).not.toContain('Cache-Control');
    } finally {
      now -= 60_000;
    }
  });
});

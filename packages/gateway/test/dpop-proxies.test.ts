/**
 * DPoP server nonces through real proxies (RFC 9449 sections 8.2 and 9): a route whose issuer
 * entry has `dpop.nonceKeys` answers a proof without a nonce with 401 `use_dpop_nonce` and a
 * `DPoP-Nonce` the client must be able to read, and when the client's nonce is from the previous
 * step, the allowed answer offers a fresh one. NGINX's auth_request passes on only
 * `WWW-Authenticate` of a 401, so its recipe copies `DPoP-Nonce` itself, on refusals and successes;
 * Caddy relays a refusal as it is. The gateway runs on a clock the test moves.
 */
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/gateway.js';
import { createDpopClient, type DpopClient } from './support/dpop-client.js';
import { type TempFiles, tempFiles } from './support/files.js';
import { type RunningProxy, startCaddy, startNginx } from './support/proxies.js';
import { rawRequest } from './support/raw-request.js';
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
  gateway = await startGateway({ policy, port: 0, onLog: () => {}, clock: () => now });
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
  { name: 'NGINX auth_request', start: startNginx, relaysSuccessNonce: true },
  { name: 'Caddy forward_auth', start: startCaddy, relaysSuccessNonce: false },
])('DP-6: server nonces through $name', ({ start, relaysSuccessNonce }) => {
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

  const call = async (nonce?: string) =>
    rawRequest(proxy.port, 'GET', '/orders/42', { Authorization: `DPoP ${token}`, DPoP: await proof(nonce) });

  it('a proof without a nonce gets 401 use_dpop_nonce with the DPoP-Nonce; the retry with it is served', async () => {
    const challenged = await call();
    expect(challenged.status, proxy.logs()).toBe(401);
    expect(challenged.headers['www-authenticate']).toMatch(
      /^DPoP realm="api", algs="[^"]+", error="use_dpop_nonce"/,
    );
    const nonce = challenged.headers['dpop-nonce'];
    expect(nonce, proxy.logs()).toMatch(/^[0-9a-z]+\.[\w-]{22}$/);
    const served = await call(String(nonce));
    expect(served.status, proxy.logs()).toBe(200);
    expect(served.headers['dpop-nonce']).toBeUndefined();
  });

  it('a nonce of the previous step is served, with a fresh DPoP-Nonce where the recipe relays it', async () => {
    const nonce = String((await call()).headers['dpop-nonce']);
    now += 60_000;
    try {
      const served = await call(nonce);
      expect(served.status, proxy.logs()).toBe(200);
      if (relaysSuccessNonce) {
        expect(served.headers['dpop-nonce']).toMatch(/^[0-9a-z]+\.[\w-]{22}$/);
        expect(served.headers['dpop-nonce']).not.toBe(nonce);
      }
    } finally {
      now -= 60_000;
    }
  });
});

/**
 * DPoP through the gateway (RFC 9449): the proxy passes the original `Authorization: DPoP` and
 * `DPoP` headers to `/auth`; the proof's `htu` must name the issuer entry's `dpop.origins` with the
 * original path, whatever Host or X-Forwarded-Host the client's request carried (the proxy copies
 * those from the client). Refusals carry the DPoP challenge the proxy relays.
 */
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/gateway.js';
import { createDpopClient, type DpopClient } from './support/dpop-client.js';
import { type TempFiles, tempFiles } from './support/files.js';
import { rawRequest } from './support/raw-request.js';

const ORIGIN = 'https://api.example.com';
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
    dpop: { mode: allowed, origins: [${ORIGIN}] }
routes:
  - match: { path: /orders/**, methods: [GET] }
    issuer: orders
    scopes: [orders:read]
`,
  );
  gateway = await startGateway({ policy, port: 0, onLog: () => {} });
  client = await createDpopClient();
  token = await issuer
    .server('default')
    .mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { dpopJkt: client.thumbprint });
});

afterAll(async () => {
  await gateway?.close();
  await issuer?.close();
  files?.remove();
});

const proof = (htu: string) => client.proof({ htu, token });

/** What Traefik or Caddy send to `/auth`: the original request in X-Forwarded-*, its own headers as sent. */
const forwardAuth = (headers: Record<string, string>, host = 'api.example.com') =>
  fetch(`${gateway.url}/auth`, {
    headers: {
      'X-Forwarded-Method': 'GET',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': host,
      'X-Forwarded-Uri': '/orders/42?expand=items',
      ...headers,
    },
  });

describe('DPoP through the gateway (DP-2, DP-4)', () => {
  it('allows a DPoP-bound token with a proof for the configured origin and the original path', async () => {
    const response = await forwardAuth({
      Authorization: `DPoP ${token}`,
      DPoP: await proof(`${ORIGIN}/orders/42`),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auth-subject')).toBe('alice');
  });

  it('refuses the same proof a second time (DP-7)', async () => {
    const once = await proof(`${ORIGIN}/orders/42`);
    expect((await forwardAuth({ Authorization: `DPoP ${token}`, DPoP: once })).status).toBe(200);
    const replayed = await forwardAuth({ Authorization: `DPoP ${token}`, DPoP: once });
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('www-authenticate')).toMatch(
      /^DPoP realm="api", algs="ES256 [^"]+", error="invalid_dpop_proof"/,
    );
    expect(await replayed.json()).toMatchObject({ error: 'invalid_dpop_proof', code: 'ERR_DPOP_REPLAYED' });
  });

  it('takes the origin from the policy, not from the Host the client chose (DP-2)', async () => {
    const spoofed = await forwardAuth(
      { Authorization: `DPoP ${token}`, DPoP: await proof('https://evil.example/orders/42') },
      'evil.example',
    );
    expect(spoofed.status).toBe(401);
    expect(await spoofed.json()).toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID' });
  });

  it('refuses the bound token as Bearer, with both challenges side by side (DP-5)', async () => {
    const response = await forwardAuth({ Authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="[^"]+", scope="orders:read", DPoP realm="api", algs="/,
    );
    expect(await response.json()).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH' });
  });
});

describe('DPoP with trustForwardedHeaders: the origin the proxy described (DP-2)', () => {
  let described: Gateway;
  beforeAll(async () => {
    const policy = files.write(
      'forwarded-policy.yaml',
      `issuers:
  orders:
    issuer: ${issuer.server('default').issuer}
    audience: api://default
    dpop: { mode: allowed, origins: [${ORIGIN}, https://admin.example.com], trustForwardedHeaders: true }
routes:
  - match: { path: /orders/** }
    issuer: orders
`,
    );
    described = await startGateway({ policy, port: 0, onLog: () => {} });
  });
  afterAll(() => described?.close());

  /** What the NGINX recipe sends to `/auth` (fetch cannot set Host), with a client's own X-Forwarded-Host riding along. */
  const asNginx = async (htu: string) =>
    rawRequest(described.port, 'GET', '/auth', {
      'X-Original-Method': 'GET',
      'X-Original-URI': '/orders/42',
      Host: 'api.example.com',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'admin.example.com',
      Authorization: `DPoP ${token}`,
      DPoP: await proof(htu),
    });

  it('under NGINX’s convention takes the host from Host, as the rules do: a proof for it is accepted', async () => {
    expect((await asNginx(`${ORIGIN}/orders/42`)).status).toBe(200);
  });

  it('under NGINX’s convention refuses a proof for the host of a client’s own X-Forwarded-Host', async () => {
    const response = await asNginx('https://admin.example.com/orders/42');
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID' });
  });
});

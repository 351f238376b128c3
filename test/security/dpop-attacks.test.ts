/**
 * The DPoP attack rows (test/security/cases/dpop.ts) over real sockets, through an Express app
 * and a Fastify app alike: each forged, misdirected, downgraded or replayed request gets its
 * stable code, status and challenge (the error on the DPoP scheme, beside Bearer where both are
 * accepted), and the control rows are served, so every row can fail.
 */
import { request as httpRequest } from 'node:http';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, type RunningApi, startApi } from '../dpop/apis.js';
import { type ClientKey, clientKey, proofFor } from '../dpop/client.js';
import type { DpopAttack, DpopLab } from './cases/dpop.js';
import { dpopFamilies } from './cases/index.js';
import { caseTitle } from './forge.js';

const NONCE_KEY = 'a-security-suite-nonce-secret-of-32-chars';
const TEN_MINUTES = 600_000;
let issuer: ReferenceIssuer;
let key: ClientKey;
let otherKey: ClientKey;
let bound: string;
let unbound: string;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default'] });
  [key, otherKey] = await Promise.all([clientKey(), clientKey()]);
  const server = issuer.server('default');
  bound = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { dpopJkt: key.thumbprint });
  unbound = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
});

afterAll(async () => {
  await issuer?.close();
});

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
  readonly challenge: string;
  readonly nonce: string | undefined;
}

/** One request with exactly these header lines (a list sends the field once per value). */
function get(origin: string, headers: Record<string, string | string[]>, path = '/orders'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${origin}${path}`, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: string };
        resolve({
          status: res.statusCode ?? 0,
          code: body.code,
          challenge: String(res.headers['www-authenticate'] ?? ''),
          nonce: res.headers['dpop-nonce'] as string | undefined,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The challenge a refusal must carry: its error on the DPoP scheme, with the algorithms. */
function challengeOf(row: DpopAttack): RegExp {
  const error =
    row.expect.code === 'ERR_DPOP_BINDING_MISMATCH'
      ? 'invalid_token'
      : row.expect.code === 'ERR_DPOP_NONCE_REQUIRED'
        ? 'use_dpop_nonce'
        : 'invalid_dpop_proof';
  // The route's scope follows the error where the adapter knows it (Fastify's config.auth).
  const dpop = `DPoP realm="api", algs="ES256 [^"]+", error="${error}", error_description="[^"]+"(, scope="orders:read")?`;
  // A bound token sent as Bearer is refused on the scheme it used, the DPoP challenge beside it.
  return row.expect.code === 'ERR_DPOP_BINDING_MISMATCH' && row.name.includes('as Bearer')
    ? /^Bearer realm="api", error="invalid_token", error_description="[^"]+"(, scope="orders:read")?, DPoP realm="api", algs="ES256 [^"]+"$/
    : row.api === 'nonced'
      ? new RegExp(`^${dpop}$`)
      : new RegExp(`^${dpop}, Bearer realm="api"$`);
}

const rows = Object.entries(dpopFamilies).flatMap(([family, list]) =>
  (list as readonly DpopAttack[]).map((row) => ({ family, row })),
);

describe.each(FRAMEWORKS)('DPoP attacks against a %s API', (framework) => {
  const apis: Partial<Record<DpopAttack['api'], RunningApi>> = {};
  let past: RunningApi;
  let nonces: { current: string; stale: string };

  beforeAll(async () => {
    const base = { issuer: issuer.server('default').issuer, audience: 'api://default' };
    apis.allowed = await startApi(framework, { ...base, dpop: { mode: 'allowed' } });
    apis.nonced = await startApi(framework, { ...base, dpop: { mode: 'required', nonceKeys: [NONCE_KEY] } });
    // The same nonce keys on a clock ten minutes behind: its nonces are genuine, and stale.
    const clock = () => Date.now() - TEN_MINUTES;
    past = await startApi(framework, { ...base, clock, dpop: { mode: 'required', nonceKeys: [NONCE_KEY] } });
    const nonceOf = async (api: RunningApi, token: string, iat: number) => {
      const proof = await proofFor(key, { htu: `${api.origin}/orders`, accessToken: token, iat });
      const answer = await get(api.origin, { authorization: `DPoP ${token}`, dpop: proof });
      if (answer.nonce === undefined) throw new Error(`no DPoP-Nonce from ${api.origin}`);
      return answer.nonce;
    };
    const then = Math.floor(clock() / 1000);
    const boundThen = await issuer
      .server('default')
      .mintAccessToken({ sub: 'alice', iat: then, exp: then + 300 }, { dpopJkt: key.thumbprint });
    nonces = {
      current: await nonceOf(apis.nonced, bound, Math.floor(Date.now() / 1000)),
      stale: await nonceOf(past, boundThen, then),
    };
  });

  afterAll(async () => {
    await Promise.all([apis.allowed?.close(), apis.nonced?.close(), past?.close()]);
  });

  it.each(rows)('$family: $row.name', async ({ row }) => {
    const api = apis[row.api]!;
    const lab: DpopLab = {
      key,
      otherKey,
      bound,
      unbound,
      origin: api.origin,
      proof: (parts = {}, signer = key) =>
        proofFor(signer, { htu: `${api.origin}/orders`, accessToken: bound, ...parts }),
      currentNonce: nonces.current,
      staleNonce: nonces.stale,
    };
    const { headers, path } = await row.request(lab);
    if (row.replay) expect((await get(api.origin, headers, path)).status).toBe(200);
    const answer = await get(api.origin, headers, path);
    const title = caseTitle({ ...row, expect: row.expect.code ?? String(row.expect.status) });
    expect(answer.status, title).toBe(row.expect.status);
    if (row.expect.status === 200) return;
    expect(answer.code, title).toBe(row.expect.code);
    expect(answer.challenge, title).toMatch(challengeOf(row));
    // The nonce of the current 60-second step: the one fetched before, or the next if a step ended since.
    if (row.expect.code === 'ERR_DPOP_NONCE_REQUIRED')
      expect(answer.nonce, title).toMatch(/^[0-9a-z]+\.[\w-]{22}$/);
    else expect(answer.nonce, title).toBeUndefined();
  });
});

/**
 * The runtime matrix: the same rows in Node, workerd, Deno, Bun and Vercel's edge runtime, each
 * serving the matrix API (the recipes of the README plus the matrix's own routes) against the
 * reference issuer on loopback. Node's answers are the reference; any difference fails.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createAccessTokenVerifier } from '@tokenward/core';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatrixConfig } from './matrix-routes.js';
import { RUNTIMES, type RunningRuntime, startRuntimes } from './runtimes.js';

/** The parts of an answer every runtime must agree on (descriptions may quote times, which differ). */
interface Answer {
  readonly status: number;
  readonly code: unknown;
  readonly subject: unknown;
  /** `WWW-Authenticate` without its `error_description`. */
  readonly challenge: string | null;
  readonly retryAfter: boolean;
}

let issuer: ReferenceIssuer;
let runtimes: readonly RunningRuntime[] = [];
let closeRuntimes: (() => Promise<void>) | undefined;

const COLD_REQUESTS = 20;
/** The resource the Hono MCP recipe protects (a name: every runtime serves it on its own port). */
const MCP_RESOURCE = 'https://mcp.matrix.example/mcp';
const BROWSER_ORIGIN = 'https://app.matrix.example';
const coldServer = (runtime: string) => `cold-${runtime}`;

beforeAll(async () => {
  issuer = await startIssuer({
    port: 0,
    servers: ['default', 'payments', 'outage', 'restored', ...RUNTIMES.map(coldServer)],
  });
  issuer.setFault({ server: 'outage', endpoint: 'jwks', status: 500 });
  const trust = (id: string) => ({ issuer: issuer.server(id).issuer, audience: issuer.server(id).audience });
  const snapshotOf = async (id: string) => {
    const source = createAccessTokenVerifier(trust(id));
    await source.warm();
    return JSON.stringify(source.snapshot());
  };
  const config: Omit<MatrixConfig, 'cold' | 'origin'> = {
    main: trust('default'),
    outage: trust('outage'),
    restored: trust('restored'),
    snapshot: await snapshotOf('restored'),
    mainSnapshot: await snapshotOf('default'),
    resource: { issuer: issuer.server('default').issuer, resource: MCP_RESOURCE },
    browserOrigin: BROWSER_ORIGIN,
  };
  ({ runtimes, close: closeRuntimes } = await startRuntimes(config, (name) => trust(coldServer(name))));
}, 120_000);

afterAll(async () => {
  await closeRuntimes?.();
  await issuer?.close();
});

async function answer(
  url: string,
  token: string | undefined,
  headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` },
): Promise<Answer> {
  const response = await fetch(url, { headers });
  const body = (await response.json()) as Record<string, unknown>;
  return {
    status: response.status,
    code: body.code,
    subject: body.subject,
    challenge: comparable(response.status, response.headers.get('www-authenticate')),
    retryAfter: Number(response.headers.get('retry-after')) > 0,
  };
}

/** Sends one request to every runtime and checks Node's answer against `expected`, the others against Node's. */
async function everyRuntime(path: string, token: string, expected: Partial<Answer>): Promise<void> {
  const answers = await Promise.all(
    runtimes.map(async (runtime) => [runtime.name, await answer(`${runtime.url}${path}`, token)] as const),
  );
  const reference = answers[0]![1];
  expect(reference).toMatchObject(expected);
  expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(answers.map(([name]) => [name, reference])));
}

/**
 * A challenge as the runtimes must agree on it: without the description (its wording is checked
 * elsewhere) and, for a 401, without `scope`, which names the route's scopes only where the
 * recipe declares them on the check that refused (Next.js middleware runs before the route with
 * none, the route handler with its own); the conformance suite holds each adapter to it.
 */
function comparable(status: number, challenge: string | null): string | null {
  const bare = challenge?.replace(/, error_description="[^"]*"/, '') ?? null;
  return status === 401 ? (bare?.replace(/, scope="[^"]*"/, '') ?? null) : bare;
}

const mint = (claims: Record<string, unknown> = {}, expiresIn?: number) =>
  issuer
    .server('default')
    .mintAccessToken(
      { sub: 'alice', scp: ['orders:read'], ...claims },
      expiresIn === undefined ? {} : { expiresIn },
    );

describe.each([
  ['the Fetch adapter (withAuth, as each recipe writes it)', '/orders'],
  ['Hono (requireAuth, requireScopes)', '/api/orders'],
])('%s in every runtime', (_adapter, path) => {
  it('a valid token: 200 with the subject', async () => {
    await everyRuntime(path, await mint(), { status: 200, subject: 'alice' });
  });

  it('BT-7: a missing scope: 403 with the scope in the challenge', async () => {
    await everyRuntime(path, await mint({ scp: ['profile'] }), {
      status: 403,
      code: 'ERR_INSUFFICIENT_SCOPE',
      challenge: 'Bearer realm="api", error="insufficient_scope", scope="orders:read"',
    });
  });

  it('an expired token: 401 invalid_token', async () => {
    await everyRuntime(path, await mint({}, -600), {
      status: 401,
      code: 'ERR_TOKEN_EXPIRED',
      challenge: 'Bearer realm="api", error="invalid_token"',
    });
  });

  it("a sibling custom server's token: 401", async () => {
    const token = await issuer
      .server('payments')
      .mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { audience: 'api://default' });
    await everyRuntime(path, token, { status: 401, code: 'ERR_ISSUER_MISMATCH' });
  });

  it("the org server's token: 401", async () => {
    const token = await issuer.orgServer.mintAccessToken(
      { sub: 'alice', scp: ['orders:read'] },
      { audience: 'api://default' },
    );
    await everyRuntime(path, token, { status: 401, code: 'ERR_ORG_SERVER_TOKEN' });
  });
});

describe('keys in every runtime', () => {
  it('a key-set outage: 503 with Retry-After, the token may be fine', async () => {
    const token = await issuer.server('outage').mintAccessToken({ sub: 'alice' });
    await everyRuntime('/outage', token, {
      status: 503,
      code: 'ERR_JWKS_FETCH_FAILED',
      challenge: 'Bearer realm="api"',
      retryAfter: true,
    });
  });

  it(`${COLD_REQUESTS} concurrent cold requests: one discovery and one key-set fetch per runtime`, async () => {
    const counts = await Promise.all(
      runtimes.map(async (runtime) => {
        const server = issuer.server(coldServer(runtime.name));
        const token = await server.mintAccessToken({ sub: 'alice' });
        const answers = await Promise.all(
          Array.from({ length: COLD_REQUESTS }, () => answer(`${runtime.url}/cold`, token)),
        );
        return [
          runtime.name,
          {
            ok: answers.filter((each) => each.status === 200 && each.subject === 'alice').length,
            discovery: issuer.requestCount({ server: coldServer(runtime.name), endpoint: 'discovery' }),
            jwks: issuer.requestCount({ server: coldServer(runtime.name), endpoint: 'jwks' }),
          },
        ] as const;
      }),
    );
    const expected = { ok: COLD_REQUESTS, discovery: 1, jwks: 1 };
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(RUNTIMES.map((name) => [name, expected])));
  });

  it('a verifier started from a snapshot: 200 without a single fetch', async () => {
    const before = issuer.requestCount({ server: 'restored' });
    const token = await issuer.server('restored').mintAccessToken({ sub: 'alice' });
    await everyRuntime('/restored', token, { status: 200, subject: 'alice' });
    expect(issuer.requestCount({ server: 'restored' })).toBe(before);
  });
});

describe('DPoP (RFC 9449) through the Fetch adapter in every runtime', () => {
  /** A client key, a token bound to it and proofs for that token (ath), as a DPoP client makes them. */
  async function dpopClient() {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const token = await issuer
      .server('default')
      .mintAccessToken({ sub: 'alice' }, { dpopJkt: await calculateJwkThumbprint(jwk) });
    const ath = createHash('sha256').update(token).digest('base64url');
    const proof = (url: string, nonce?: string) =>
      new SignJWT({ htm: 'GET', htu: url, jti: randomUUID(), ath, ...(nonce === undefined ? {} : { nonce }) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setIssuedAt()
        .sign(privateKey);
    return { token, proof };
  }

  /** Runs `row` in every runtime; Node's outcome must match `expected`, every other runtime Node's. */
  async function everyRuntimeAlike<T>(
    row: (runtime: RunningRuntime) => Promise<T>,
    expected: Record<string, unknown>,
  ): Promise<void> {
    const outcomes = await Promise.all(
      runtimes.map(async (runtime) => [runtime.name, await row(runtime)] as const),
    );
    const reference = outcomes[0]![1];
    expect(reference).toMatchObject(expected);
    expect(Object.fromEntries(outcomes)).toEqual(
      Object.fromEntries(outcomes.map(([name]) => [name, reference])),
    );
  }

  it('DP-4, DP-5: a DPoP-bound token with its proof: 200; the same token sent as Bearer: 401', async () => {
    const { token, proof } = await dpopClient();
    await everyRuntimeAlike(
      async (runtime) => {
        const url = `${runtime.url}/dpop`;
        const bound = await answer(url, undefined, {
          authorization: `DPoP ${token}`,
          dpop: await proof(url),
        });
        const asBearer = await answer(url, token);
        return { bound, asBearer };
      },
      {
        bound: { status: 200, subject: 'alice' },
        asBearer: { status: 401, code: 'ERR_DPOP_BINDING_MISMATCH' },
      },
    );
  });

  it('DP-6, DP-7: a server nonce: 401 use_dpop_nonce with DPoP-Nonce, 200 with it, the same proof again 401', async () => {
    const { token, proof } = await dpopClient();
    await everyRuntimeAlike(
      async (runtime) => {
        const url = `${runtime.url}/dpop-nonce`;
        const headers = (dpop: string) => ({ authorization: `DPoP ${token}`, dpop });
        const first = await fetch(url, { headers: headers(await proof(url)) });
        const nonce = first.headers.get('dpop-nonce');
        const withoutNonce = {
          status: first.status,
          code: ((await first.json()) as { code?: unknown }).code,
          nonce: nonce !== null,
        };
        const nonced = await proof(url, nonce ?? undefined);
        return {
          withoutNonce,
          withNonce: await answer(url, undefined, headers(nonced)),
          replayed: await answer(url, undefined, headers(nonced)),
        };
      },
      {
        withoutNonce: { status: 401, code: 'ERR_DPOP_NONCE_REQUIRED', nonce: true },
        withNonce: { status: 200, subject: 'alice' },
        replayed: { status: 401, code: 'ERR_DPOP_REPLAYED' },
      },
    );
  });
});

describe('a protected resource (RFC 9728) through Hono in every runtime', () => {
  /** The parts of an answer a browser client sees: status, body, and the headers CORS lets it read. */
  async function seen(url: string, init: RequestInit) {
    const response = await fetch(url, init);
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
      challenge: response.headers.get('www-authenticate')?.replace(/, error_description="[^"]*"/, ''),
      allowOrigin: response.headers.get('access-control-allow-origin'),
      exposed: response.headers.get('access-control-expose-headers'),
    };
  }

  async function everyRuntimeSees(path: string, init: RequestInit) {
    const answers = await Promise.all(
      runtimes.map(async (runtime) => [runtime.name, await seen(`${runtime.url}${path}`, init)] as const),
    );
    const reference = answers[0]![1];
    expect(Object.fromEntries(answers)).toEqual(
      Object.fromEntries(answers.map(([name]) => [name, reference])),
    );
    return reference;
  }

  it('PR-5: the metadata document at the path-inserted well-known URL', async () => {
    const answer = await everyRuntimeSees('/.well-known/oauth-protected-resource/mcp', {});
    expect(answer).toMatchObject({
      status: 200,
      allowOrigin: '*',
      body: {
        resource: MCP_RESOURCE,
        authorization_servers: [issuer.server('default').issuer],
        scopes_supported: ['mcp:tools'],
        resource_name: 'Orders MCP',
      },
    });
  });

  it("a browser's cross-origin call without a token: 401 naming the metadata, the challenge exposed", async () => {
    const answer = await everyRuntimeSees('/mcp', { method: 'POST', headers: { origin: BROWSER_ORIGIN } });
    expect(answer).toMatchObject({
      status: 401,
      challenge: `Bearer realm="api", scope="mcp:tools", resource_metadata="https://mcp.matrix.example/.well-known/oauth-protected-resource/mcp"`,
      allowOrigin: BROWSER_ORIGIN,
      exposed: 'WWW-Authenticate,DPoP-Nonce,Retry-After,Mcp-Session-Id',
    });
  });

  it('CORS preflight: answered by the CORS middleware before requireAuth, with its headers', async () => {
    const answer = await everyRuntimeSees('/mcp', {
      method: 'OPTIONS',
      headers: {
        origin: BROWSER_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(answer).toMatchObject({ status: 204, allowOrigin: BROWSER_ORIGIN });
  });

  it('a token for the resource: 200; a token for another audience: 401', async () => {
    const server = issuer.server('default');
    const forResource = await server.mintAccessToken({ sub: 'alice', aud: MCP_RESOURCE, scp: ['mcp:tools'] });
    const ok = await everyRuntimeSees('/mcp', {
      method: 'POST',
      headers: { authorization: `Bearer ${forResource}` },
    });
    expect(ok).toMatchObject({ status: 200, body: { subject: 'alice' } });
    const other = await server.mintAccessToken({ sub: 'alice', scp: ['mcp:tools'] });
    const refused = await everyRuntimeSees('/mcp', {
      method: 'POST',
      headers: { authorization: `Bearer ${other}` },
    });
    expect(refused).toMatchObject({ status: 401, body: { code: 'ERR_AUDIENCE_MISMATCH' } });
  });
});

/**
 * DPoP through the request step (RFC 9449 section 7.1): `Authorization: DPoP <token>` with one
 * `DPoP` proof header, `htu` from the configured origins (never Host), the challenges of a
 * verifier that takes DPoP, and a fresh `DPoP-Nonce` on success near a nonce's roll-over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifier,
  type AuthRequest,
  authenticateRequest,
  checkAuthRequirements,
  isTokenwardError,
  type TokenwardError,
  withAuth,
} from '../../src/node.js';
import {
  type ClientKey,
  clientKey,
  type DpopSetup,
  HTU,
  manualClock,
  ORIGIN,
  proofFor,
  startDpopSetup,
} from '../dpop/support.js';

const NONCE_KEY = 'a-nonce-secret-of-at-least-thirty-two-characters';
const clock = manualClock();
let setup: DpopSetup;
let key: ClientKey;
let allowed: AccessTokenVerifier;
let required: AccessTokenVerifier;

beforeAll(async () => {
  setup = await startDpopSetup(clock);
  key = await clientKey();
  allowed = setup.verifier({ mode: 'allowed', origins: [ORIGIN] });
  required = setup.verifier({ mode: 'required', origins: [ORIGIN], algorithms: ['ES256', 'EdDSA'] });
});
afterAll(() => setup.issuer.close());

async function refusal(promise: Promise<unknown>): Promise<TokenwardError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isTokenwardError(error)) throw new Error(`expected a TokenwardError; got ${String(error)}`);
  return error;
}

/** GET /orders with these raw header lines (name, value, ...), as Node hands them over. */
function request(lines: string[], extra: Partial<AuthRequest> = {}): AuthRequest {
  const headers: Record<string, string> = {};
  for (let index = 0; index < lines.length; index += 2) {
    const name = lines[index]!.toLowerCase();
    // Node joins repeated unknown headers with ", " and keeps the first Authorization line.
    headers[name] =
      headers[name] === undefined || name === 'authorization'
        ? (headers[name] ?? lines[index + 1]!)
        : `${headers[name]}, ${lines[index + 1]}`;
  }
  return { method: 'GET', url: '/orders?page=2', headers, rawHeaders: lines, ...extra };
}

describe('the DPoP scheme in authenticateRequest', () => {
  it('DP-4: verifies a DPoP-bound token with its one proof and reports the scheme and the proof key', async () => {
    const token = await setup.bound(key);
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const outcome = await authenticateRequest(
      allowed,
      request(['Authorization', `DPoP ${token}`, 'DPoP', proof]),
    );
    expect(outcome).toMatchObject({
      kind: 'authenticated',
      auth: { subject: 'alice', dpop: { thumbprint: key.thumbprint } },
      credentials: { scheme: 'DPoP', token, source: 'header' },
      responseHeaders: {},
    });
  });

  it('DP-2: two DPoP header lines, or one line joining two proofs, are 401 invalid_dpop_proof (RFC 9449 section 4.3 check 1, section 7.1)', async () => {
    const token = await setup.bound(key);
    const proof = () => proofFor(key, clock.seconds(), { accessToken: token });
    for (const lines of [
      ['Authorization', `DPoP ${token}`, 'DPoP', await proof(), 'dpop', await proof()],
      ['Authorization', `DPoP ${token}`, 'DPoP', `${await proof()}, ${await proof()}`],
    ]) {
      const error = await refusal(authenticateRequest(allowed, request(lines)));
      expect(error).toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID', status: 401 });
      expect(error.message).toContain('expected in exactly one DPoP header; found 2');
      expect(error.headers['WWW-Authenticate']).toMatch(
        /^DPoP realm="api", algs="[^"]+", error="invalid_dpop_proof", error_description="[^"]+", Bearer realm="api"$/,
      );
    }
    // Fetch's Headers joins repeats the same way.
    const fetchRequest = new Request('https://api.example.com/orders', {
      headers: [
        ['authorization', `DPoP ${token}`],
        ['dpop', await proof()],
        ['dpop', await proof()],
      ],
    });
    const error = await refusal(
      authenticateRequest(allowed, { method: 'GET', url: fetchRequest.url, headers: fetchRequest.headers }),
    );
    expect(error.code).toBe('ERR_DPOP_PROOF_INVALID');
    expect(error.message).toContain('found 2');
  });

  it('DP-2: the DPoP scheme without a DPoP header is an invalid proof, not a bearer request', async () => {
    const token = await setup.bound(key);
    const error = await refusal(authenticateRequest(allowed, request(['Authorization', `DPoP ${token}`])));
    expect(error).toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID', status: 401 });
    expect(error.headers['WWW-Authenticate']).toMatch(
      /^DPoP realm="api", algs="[^"]+", error="invalid_dpop_proof"/,
    );
  });

  it('DP-4: no credentials names both schemes side by side, or DPoP alone when it is required', async () => {
    const both = await refusal(authenticateRequest(allowed, request([])));
    expect(both.code).toBe('ERR_TOKEN_MISSING');
    expect(both.message).toBe(
      'Expected an access token with the Bearer or DPoP scheme in the Authorization header; the request carried none',
    );
    expect(both.headers['WWW-Authenticate']).toMatch(
      /^Bearer realm="api", DPoP realm="api", algs="ES256 [^"]+"$/,
    );
    const only = await refusal(authenticateRequest(required, request(['Authorization', 'Basic YTpi'])));
    expect(only.message).toBe(
      'Expected the DPoP scheme in the Authorization header; found the "Basic" scheme',
    );
    expect(only.headers['WWW-Authenticate']).toBe('DPoP realm="api", algs="ES256 EdDSA"');
  });

  it('DP-5: a verifier without dpop takes no DPoP scheme, and names it as the scheme found', async () => {
    const bearerOnly = setup.verifier(undefined);
    const token = await setup.bound(key);
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const error = await refusal(
      authenticateRequest(bearerOnly, request(['Authorization', `DPoP ${token}`, 'DPoP', proof])),
    );
    expect(error.code).toBe('ERR_TOKEN_MISSING');
    expect(error.message).toBe(
      'Expected the Bearer scheme in the Authorization header; found the "DPoP" scheme',
    );
    expect(error.headers['WWW-Authenticate']).toBe('Bearer realm="api"');
  });

  it('DP-2: htu is built from the configured origin: the Host header and X-Forwarded-Host do not move it', async () => {
    const token = await setup.bound(key);
    const spoofed = [
      'Host',
      'evil.example',
      'X-Forwarded-Host',
      'evil.example',
      'X-Forwarded-Proto',
      'https',
    ];
    const forEvil = await proofFor(key, clock.seconds(), {
      accessToken: token,
      htu: 'https://evil.example/orders',
    });
    const error = await refusal(
      authenticateRequest(allowed, request(['Authorization', `DPoP ${token}`, 'DPoP', forEvil, ...spoofed])),
    );
    expect(error.code).toBe('ERR_DPOP_PROOF_INVALID');
    expect(error.message).toContain(`expected "${ORIGIN}"`);
    const forUs = await proofFor(key, clock.seconds(), { accessToken: token, htu: HTU });
    const outcome = await authenticateRequest(
      allowed,
      request(['Authorization', `DPoP ${token}`, 'DPoP', forUs, ...spoofed]),
    );
    expect(outcome.kind).toBe('authenticated');
  });

  it('DP-2: X-Forwarded-* are read only from a listed proxy address (remoteAddress)', async () => {
    const behindProxy = setup.verifier({ mode: 'required', trustForwardedHeaders: ['10.0.0.5'] });
    const token = await setup.bound(key);
    const forwarded = ['X-Forwarded-Host', 'api.example.com', 'X-Forwarded-Proto', 'https'];
    const send = async (remoteAddress: string) =>
      authenticateRequest(
        behindProxy,
        request(
          [
            'Authorization',
            `DPoP ${token}`,
            'DPoP',
            await proofFor(key, clock.seconds(), { accessToken: token }),
            ...forwarded,
          ],
          { remoteAddress },
        ),
      );
    expect((await send('10.0.0.5')).kind).toBe('authenticated');
    expect((await refusal(send('10.0.0.9'))).code).toBe('ERR_DPOP_PROOF_INVALID');
  });

  it('DP-6: a nonce from the previous step is still accepted, and the success carries a fresh DPoP-Nonce', async () => {
    const nonced = setup.verifier({ mode: 'required', origins: [ORIGIN], nonceKeys: [NONCE_KEY] });
    const token = await setup.bound(key);
    const send = async (nonce?: string) =>
      authenticateRequest(
        nonced,
        request([
          'Authorization',
          `DPoP ${token}`,
          'DPoP',
          await proofFor(key, clock.seconds(), { accessToken: token, claims: { nonce } }),
        ]),
      );
    const challenged = await refusal(send());
    expect(challenged.code).toBe('ERR_DPOP_NONCE_REQUIRED');
    const nonce = challenged.headers['DPoP-Nonce']!;
    const fresh = await send(nonce);
    expect(fresh.kind === 'authenticated' && fresh.responseHeaders).toEqual({});
    clock.advance(60);
    const rolled = await send(nonce);
    if (rolled.kind !== 'authenticated') throw new Error('expected the previous step nonce to be accepted');
    expect(rolled.responseHeaders['DPoP-Nonce']).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(rolled.responseHeaders['DPoP-Nonce']).not.toBe(nonce);
    expect(rolled.responseHeaders['DPoP-Nonce']).toBe(rolled.auth.dpop?.nonce);
    // RFC 9449 section 8.2: an answer carrying a nonce is not to be cached.
    expect(rolled.responseHeaders['Cache-Control']).toBe('no-store');
  });

  it('DP-6: withAuth puts the fresh DPoP-Nonce on the handler answer; a Cache-Control the handler set wins', async () => {
    const nonced = setup.verifier({ mode: 'required', origins: [ORIGIN], nonceKeys: [NONCE_KEY] });
    const token = await setup.bound(key);
    const handler = withAuth(nonced, () =>
      Response.json({ ok: true }, { headers: { 'Cache-Control': 'private, max-age=0' } }),
    );
    const send = async (nonce?: string) =>
      handler(
        new Request(HTU, {
          headers: {
            authorization: `DPoP ${token}`,
            dpop: await proofFor(key, clock.seconds(), { accessToken: token, claims: { nonce } }),
          },
        }),
      );
    const challenged = await send();
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get('cache-control')).toBe('no-store');
    const nonce = challenged.headers.get('dpop-nonce')!;
    clock.advance(60);
    const rolled = await send(nonce);
    expect(rolled.status).toBe(200);
    expect(rolled.headers.get('dpop-nonce')).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(rolled.headers.get('cache-control')).toBe('private, max-age=0');
  });

  it('DP-4: a route check after a DPoP request puts its error on the DPoP challenge', async () => {
    const token = await setup.bound(key);
    const outcome = await authenticateRequest(
      allowed,
      request([
        'Authorization',
        `DPoP ${token}`,
        'DPoP',
        await proofFor(key, clock.seconds(), { accessToken: token }),
      ]),
    );
    if (outcome.kind !== 'authenticated') throw new Error('expected authenticated');
    let error: unknown;
    try {
      checkAuthRequirements(
        outcome.auth,
        { scopes: ['orders:write'] },
        { realm: 'orders', dpop: allowed.dpop },
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', status: 403 });
    expect((error as TokenwardError).headers['WWW-Authenticate']).toMatch(
      /^DPoP realm="orders", algs="[^"]+", error="insufficient_scope", error_description="[^"]+", scope="orders:write", Bearer realm="orders"$/,
    );
  });
});

/**
 * The DPoP cases of the conformance suite (RFC 9449): every adapter takes `Authorization: DPoP`
 * with one proof, answers with the same challenges side by side, the same `DPoP-Nonce` and the
 * same fail-closed 503. A proof is good for one request, so each adapter gets its own, for the
 * same token, signed with one client key against the configured origin {@link DPOP_ORIGIN}.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createAccessTokenVerifier, isTokenwardError } from '@tokenward/core';
import type { ReferenceIssuer } from '@tokenward/issuer';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { HttpCase, RequestHeaders } from './cases.js';
import { DPOP_ORIGIN, NONCE_KEY, NONCE_STEP_SECONDS } from './harness.js';

const { privateKey, publicKey } = await generateKeyPair('ES256');
const publicJwk = await exportJWK(publicKey);
const thumbprint = await calculateJwkThumbprint(publicJwk);

const boundToken = (issuer: ReferenceIssuer, claims: Record<string, unknown> = {}) =>
  issuer
    .server('default')
    .mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...claims }, { dpopJkt: thumbprint });

/** `Authorization: DPoP <token>` for a bound token. */
const dpopScheme = async (issuer: ReferenceIssuer, claims?: Record<string, unknown>) => ({
  authorization: `DPoP ${await boundToken(issuer, claims)}`,
});

/** A proof for the token in `shared`, made at the suite's clock (RFC 9449 section 4.2). */
function proof(
  shared: RequestHeaders,
  clock: () => number,
  path: string,
  htm = 'GET',
  nonce?: string,
): Promise<string> {
  const token = String(shared.authorization).slice('DPoP '.length);
  return new SignJWT({
    jti: randomUUID(),
    htm,
    htu: `${DPOP_ORIGIN}${path}`,
    iat: Math.floor(clock() / 1000),
    ath: createHash('sha256').update(token).digest('base64url'),
    ...(nonce === undefined ? {} : { nonce }),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
    .sign(privateKey);
}

const withProof =
  (path: string, htm?: string) =>
  async (shared: RequestHeaders, clock: () => number): Promise<RequestHeaders> => ({
    dpop: await proof(shared, clock, path, htm),
  });

/**
 * The server nonce the nonced routes hand out at the suite's clock, learnt as a client learns it:
 * from the `DPoP-Nonce` of a refused proof (a verifier with the same keys, so any instance's).
 */
async function currentNonce(shared: RequestHeaders, clock: () => number, issuer: ReferenceIssuer) {
  const verifier = createAccessTokenVerifier({
    issuer: issuer.server('default').issuer,
    audience: issuer.server('default').audience,
    clock,
    dpop: { mode: 'required', origins: [DPOP_ORIGIN], nonceKeys: [NONCE_KEY] },
  });
  const token = String(shared.authorization).slice('DPoP '.length);
  const dpop = { proof: await proof(shared, clock, '/dpop-nonce'), method: 'GET', url: '/dpop-nonce' };
  const refusal: unknown = await verifier.verify(token, { dpop }).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isTokenwardError(refusal) || refusal.code !== 'ERR_DPOP_NONCE_REQUIRED') throw refusal;
  return refusal.headers['DPoP-Nonce']!;
}

const dpopChallenge = (error: string) =>
  new RegExp(`^DPoP realm="conformance", algs="ES256 [^"]+", error="${error}", error_description="[^"]+"`);

export const dpopCases: readonly HttpCase[] = [
  {
    name: 'DP-4: a DPoP-bound token with a valid proof',
    path: '/dpop',
    headers: (issuer) => dpopScheme(issuer),
    perAdapter: withProof('/dpop'),
    expected: { status: 200, subject: 'alice' },
  },
  {
    name: 'DP-4: no credentials where DPoP is accepted beside Bearer: both challenges side by side',
    path: '/dpop',
    headers: async () => ({}),
    expected: {
      status: 401,
      code: 'ERR_TOKEN_MISSING',
      challenge:
        /^Bearer realm="conformance", scope="orders:read", DPoP realm="conformance", algs="ES256 [^"]+"$/,
    },
  },
  {
    name: 'DP-2: two DPoP header lines are an invalid proof (RFC 9449 section 4.3 check 1)',
    path: '/dpop',
    headers: (issuer) => dpopScheme(issuer),
    perAdapter: async (shared, clock) => ({
      dpop: [await proof(shared, clock, '/dpop'), await proof(shared, clock, '/dpop')],
    }),
    expected: { status: 401, code: 'ERR_DPOP_PROOF_INVALID', challenge: dpopChallenge('invalid_dpop_proof') },
  },
  {
    name: 'DP-7: a proof used a second time',
    path: '/dpop',
    headers: (issuer) => dpopScheme(issuer),
    perAdapter: withProof('/dpop'),
    replay: true,
    expected: { status: 401, code: 'ERR_DPOP_REPLAYED', challenge: dpopChallenge('invalid_dpop_proof') },
  },
  {
    name: 'DP-2: a proof for another method (htm)',
    path: '/dpop',
    headers: (issuer) => dpopScheme(issuer),
    perAdapter: withProof('/dpop', 'POST'),
    expected: { status: 401, code: 'ERR_DPOP_PROOF_INVALID', challenge: dpopChallenge('invalid_dpop_proof') },
  },
  {
    name: 'DP-4: a missing scope after a DPoP request is 403 on the DPoP challenge',
    path: '/dpop',
    headers: (issuer) => dpopScheme(issuer, { scp: ['profile'] }),
    perAdapter: withProof('/dpop'),
    expected: {
      status: 403,
      code: 'ERR_INSUFFICIENT_SCOPE',
      challenge:
        /^DPoP realm="conformance", algs="[^"]+", error="insufficient_scope", error_description="[^"]+", scope="orders:read", Bearer realm="conformance"$/,
    },
  },
  {
    name: 'DP-5: a DPoP-bound token sent as Bearer where DPoP is accepted',
    path: '/dpop',
    headers: async (issuer) => ({ authorization: `Bearer ${await boundToken(issuer)}` }),
    expected: {
      status: 401,
      code: 'ERR_DPOP_BINDING_MISMATCH',
      challenge:
        /^Bearer realm="conformance", error="invalid_token", error_description="[^"]+", scope="orders:read", DPoP realm="conformance", algs="/,
    },
  },
  {
    name: 'DP-5: a DPoP-bound token sent as Bearer to an API without DPoP',
    path: '/orders',
    headers: async (issuer) => ({ authorization: `Bearer ${await boundToken(issuer)}` }),
    expected: {
      status: 401,
      code: 'ERR_DPOP_BINDING_MISMATCH',
      challenge:
        /^Bearer realm="conformance", error="invalid_token", error_description="[^"]+", scope="orders:read"$/,
    },
  },
  {
    name: 'DP-6: no server nonce where the API requires one: use_dpop_nonce with DPoP-Nonce',
    path: '/dpop-nonce',
    headers: (issuer) => dpopScheme(issuer),
    perAdapter: withProof('/dpop-nonce'),
    expected: {
      status: 401,
      code: 'ERR_DPOP_NONCE_REQUIRED',
      challenge: dpopChallenge('use_dpop_nonce'),
      dpopNonce: true,
    },
  },
  {
    name: 'DP-7: a replay store that cannot answer is 503 with Retry-After, never a pass',
    path: '/dpop-outage',
    headers: (issuer) => dpopScheme(issuer),
    perAdapter: withProof('/dpop-outage'),
    expected: {
      status: 503,
      code: 'ERR_REPLAY_STORE_UNAVAILABLE',
      challenge: /^DPoP realm="conformance", algs="ES256 [^"]+"$/,
      retryAfter: true,
    },
  },
  {
    name: "DP-6: a proof with the previous step's nonce is accepted, the answer bringing a fresh DPoP-Nonce",
    path: '/dpop-nonce-next',
    requires: 'clock-per-route',
    headers: (issuer) => dpopScheme(issuer),
    // Made now, sent to the route whose clock is one step later: there the nonce is the previous one.
    perAdapter: async (shared, clock, issuer) => {
      const later = () => clock() + NONCE_STEP_SECONDS * 1000;
      const nonce = await currentNonce(shared, clock, issuer);
      return { dpop: await proof(shared, later, '/dpop-nonce-next', 'GET', nonce) };
    },
    expected: { status: 200, subject: 'alice', dpopNonce: true },
  },
];

/**
 * DPoP interoperability rows (RFC 9449): proofs from an independent client (WebCrypto only, see
 * independent-dpop-client.ts) in the variants a correct client may send, each of which every
 * adapter must accept, and the variants no server may accept, each with its code and challenge.
 * `htu` is compared after RFC 3986 section 6.2.2 and 6.2.3 normalisation, without query and
 * fragment (RFC 9449 section 4.3 check 9), so a client's spelling of the same URI never matters.
 */
import type { ReferenceIssuer } from '@tokenward/issuer';
import type { HttpCase, RequestHeaders } from './cases.js';
import { DPOP_ORIGIN } from './harness.js';
import {
  type IndependentKey,
  independentKey,
  type ProofAlgorithm,
  type ProofChanges,
  type ProofRequest,
  signProof,
} from './independent-dpop-client.js';

const keys = {
  ES256: await independentKey('ES256'),
  ES384: await independentKey('ES384'),
  ES512: await independentKey('ES512'),
  EdDSA: await independentKey('EdDSA'),
  RS256: await independentKey('RS256'),
  PS256: await independentKey('PS256'),
} satisfies Record<ProofAlgorithm, IndependentKey>;
const other = await independentKey('ES256');
const p384 = await independentKey('ES384');

/** The token a case sends, bound to `key` (`cnf.jkt`), kept in the shared headers. */
const boundTo =
  (key: IndependentKey, scheme = 'DPoP') =>
  async (issuer: ReferenceIssuer): Promise<RequestHeaders> => ({
    authorization: `${scheme} ${await issuer
      .server('default')
      .mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { dpopJkt: key.thumbprint })}`,
  });

const tokenOf = (shared: RequestHeaders) => String(shared.authorization).replace(/^\S+ +/, '');

interface ProofCase {
  readonly key?: IndependentKey;
  /** `htu` of the proof. Default: the configured origin and the case's path without its query. */
  readonly htu?: string;
  readonly htm?: string;
  /** Seconds added to the suite's clock for `iat`. */
  readonly age?: number;
  readonly changes?: ProofChanges;
  /** Strip the signature (`alg: none`). */
  readonly unsigned?: boolean;
}

/** A fresh proof per adapter, made at the suite's clock. */
const proving =
  (path: string, proof: ProofCase = {}) =>
  async (
    shared: RequestHeaders,
    clock: () => number,
    _issuer: ReferenceIssuer,
    nonce?: string,
  ): Promise<RequestHeaders> => {
    const request: ProofRequest = {
      htm: proof.htm ?? 'GET',
      htu: proof.htu ?? `${DPOP_ORIGIN}${path.split('?')[0]}`,
      iat: Math.floor(clock() / 1000) + (proof.age ?? 0),
      accessToken: tokenOf(shared),
      ...(nonce === undefined ? {} : { nonce }),
    };
    const signed = await signProof(proof.key ?? keys.ES256, request, proof.changes);
    return { dpop: proof.unsigned ? `${signed.slice(0, signed.lastIndexOf('.'))}.` : signed };
  };

const SERVED = { status: 200, subject: 'alice' } as const;
const onDpop = (error: string) =>
  new RegExp(
    `^DPoP realm="conformance", algs="ES256 [^"]+", error="${error}", error_description="[^"]+"(, scope="orders:read")?, Bearer realm="conformance"$`,
  );
const invalidProof = { status: 401, code: 'ERR_DPOP_PROOF_INVALID', challenge: onDpop('invalid_dpop_proof') };
/** The proof does not belong to this token (`ath`) or its key (`cnf.jkt`): the binding fails. */
const binding = { status: 401, code: 'ERR_DPOP_BINDING_MISMATCH', challenge: onDpop('invalid_token') };

/** A valid variant: `Authorization: DPoP` with a token bound to the proof key, served. */
const accepted = (name: string, proof: ProofCase = {}, path = '/dpop'): HttpCase => ({
  name: `DP-2, DP-4: ${name} is accepted`,
  path,
  headers: boundTo(proof.key ?? keys.ES256),
  perAdapter: proving(path, proof),
  expected: SERVED,
});

/** An invalid variant, refused as `expected` says. */
const refused = (
  name: string,
  proof: ProofCase,
  expected: HttpCase['expected'] = invalidProof,
  path = '/dpop',
): HttpCase => ({
  name: `DP-2: ${name} is refused`,
  path,
  headers: boundTo(keys.ES256),
  perAdapter: proving(path, proof),
  expected,
});

const HOST = new URL(DPOP_ORIGIN).host;

export const dpopInteropCases: readonly HttpCase[] = [
  ...(Object.keys(keys) as ProofAlgorithm[]).map((alg) =>
    accepted(`a WebCrypto ${alg} proof with its exported jwk (ext, key_ops)`, { key: keys[alg] }),
  ),
  accepted('htu with an upper-case host and the default port (RFC 3986 section 6.2.3)', {
    htu: `https://${HOST.toUpperCase()}:443/dpop`,
  }),
  accepted('htu with an upper-case scheme (RFC 3986 section 6.2.2.1)', {
    htu: `HTTPS://${HOST}/dpop`,
  }),
  accepted('htu with an unreserved character percent-encoded in lower case (RFC 3986 section 6.2.2.2)', {
    htu: `${DPOP_ORIGIN}/%64pop`,
  }),
  accepted(
    'htu carrying the query and a fragment (compared without them, RFC 9449 section 4.3 check 9)',
    { htu: `${DPOP_ORIGIN}/dpop?page=2#top` },
    '/dpop?page=2',
  ),
  accepted('a request with a query, htu without it', {}, '/dpop?page=2'),
  accepted('typ "application/dpop+jwt" (a media type, RFC 7515 section 4.1.9)', {
    changes: { header: { typ: 'application/dpop+jwt' } },
  }),
  accepted('a jwk with members in another order and kid, use and alg beside them (RFC 7638 section 3)', {
    changes: {
      header: {
        jwk: {
          y: keys.ES256.publicJwk.y,
          x: keys.ES256.publicJwk.x,
          kid: 'client-key-1',
          use: 'sig',
          alg: 'ES256',
          crv: 'P-256',
          kty: 'EC',
        },
      },
    },
  }),
  accepted('htu with dot segments (RFC 3986 section 6.2.2.3)', { htu: `${DPOP_ORIGIN}/v1/../dpop` }),
  accepted('a proof made 50 s ago', { age: -50 }),
  accepted('a proof made 4 s ahead of the server clock', { age: 4 }),
  {
    ...accepted('the lower-case scheme "dpop" (RFC 9110 section 11.1)'),
    headers: boundTo(keys.ES256, 'dpop'),
  },
  refused('htu with the http scheme', { htu: `http://${HOST}/dpop` }),
  refused('htu with another port', { htu: `https://${HOST}:8443/dpop` }),
  refused('htu with another host', { htu: 'https://api.other.example/dpop' }),
  refused('htu with a trailing slash', { htu: `${DPOP_ORIGIN}/dpop/` }),
  refused('htu with the path in another case', { htu: `${DPOP_ORIGIN}/DPOP` }),
  refused('htu with a backslash for a slash, which WHATWG URL would read as "/" (RFC 3986 section 2)', {
    htu: `${DPOP_ORIGIN}\\dpop`,
  }),
  refused('htu with a tab in its path, which WHATWG URL would drop (RFC 3986 section 2)', {
    htu: `${DPOP_ORIGIN}/dp\top`,
  }),
  refused('htu without "//" before its host, which WHATWG URL would supply (RFC 3986 section 3)', {
    htu: `https:${HOST}/dpop`,
  }),
  refused('a jwk marked use "enc" (JOSE-11, RFC 7517 section 4.2)', {
    changes: { header: { jwk: { ...keys.ES256.publicJwk, use: 'enc' } } },
  }),
  refused('a jwk whose key_ops lack "verify" (JOSE-11, RFC 7517 section 4.3)', {
    changes: { header: { jwk: { ...keys.ES256.publicJwk, key_ops: ['encrypt'] } } },
  }),
  refused('an ES256 proof whose jwk names alg "ES384" (JOSE-11, RFC 7517 section 4.4)', {
    changes: { header: { jwk: { ...keys.ES256.publicJwk, alg: 'ES384' } } },
  }),
  refused('htm in lower case (methods are case-sensitive, RFC 9110 section 9.1)', { htm: 'get' }),
  refused('a proof made 120 s ago', { age: -120 }),
  refused('a proof made 30 s ahead of the server clock', { age: 30 }),
  refused('a proof without jti', { changes: { claims: { jti: undefined } } }),
  refused('a jti of 1000 characters', { changes: { claims: { jti: 'j'.repeat(1000) } } }),
  refused('typ "JWT"', { changes: { header: { typ: 'JWT' } } }),
  refused('a proof without typ', { changes: { header: { typ: undefined } } }),
  refused('alg "HS256"', { changes: { header: { alg: 'HS256' } } }),
  refused('alg "none", unsigned', { changes: { header: { alg: 'none' } }, unsigned: true }),
  refused('an ES256 proof whose jwk is a P-384 key', {
    changes: { header: { jwk: p384.publicJwk }, signWith: p384 },
  }),
  refused('a jwk holding the private key', {
    changes: { header: { jwk: { ...keys.ES256.publicJwk, d: 'AAAA' } } },
  }),
  refused('a proof without ath', { changes: { claims: { ath: undefined } } }),
  refused(
    'ath of another token',
    { changes: { claims: { ath: 'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo' } } },
    binding,
  ),
  refused('a proof by a key other than cnf.jkt (RFC 9449 figure 16: invalid_token)', { key: other }, binding),
  {
    name: 'DP-6: a proof made again with the DPoP-Nonce of a use_dpop_nonce answer is accepted',
    path: '/dpop-nonce',
    headers: boundTo(keys.ES256),
    perAdapter: proving('/dpop-nonce'),
    nonceRetry: true,
    expected: SERVED,
  },
];

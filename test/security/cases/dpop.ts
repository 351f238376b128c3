/**
 * DPoP attacks (RFC 9449 sections 4.3, 7, 9 and 11.1), sent over real sockets to an Express app
 * and a Fastify app that take DPoP beside Bearer (`/orders`, scope `orders:read`) or require it
 * with server nonces: forged proofs, proofs for another request, another token or another key,
 * downgrades to Bearer, replays and bad nonces, each with the code and challenge it must get.
 */
import type { ErrorCode } from '@tokenward/core';
import { exportJWK, SignJWT } from 'jose';
import type { ClientKey, ProofParts } from '../../dpop/client.js';

/** What a row builds its request from: the keys, the tokens and one running API. */
export interface DpopLab {
  /** The key `bound` is bound to (`cnf.jkt`), and another one. */
  readonly key: ClientKey;
  readonly otherKey: ClientKey;
  /** A token bound to `key`, and a plain bearer token; both with `orders:read`. */
  readonly bound: string;
  readonly unbound: string;
  /** The configured origin of the API under attack (`dpop.origins`), e.g. `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** A proof by `signer` (default `key`) for `GET {origin}/orders` and `bound`, then `parts`. */
  proof(parts?: Partial<ProofParts>, signer?: ClientKey): Promise<string>;
  /** A nonce of the nonce API's current step, and a genuine one from ten minutes ago. */
  readonly currentNonce: string;
  readonly staleNonce: string;
}

export interface DpopAttack {
  readonly name: string;
  readonly rfc: string;
  readonly req: string;
  /** `allowed`: DPoP beside Bearer; `nonced`: DPoP only, with server nonces. */
  readonly api: 'allowed' | 'nonced';
  /** Request headers (a list sends the field once per value) and path (default `/orders`). */
  readonly request: (lab: DpopLab) => Promise<{ headers: Record<string, string | string[]>; path?: string }>;
  /** Send the request once first (it must be served), then again: the second answer counts. */
  readonly replay?: boolean;
  readonly expect: { readonly status: number; readonly code?: ErrorCode };
}

const row = (
  rfc: string,
  req: string,
  attack: Omit<DpopAttack, 'rfc' | 'req' | 'api'> & { api?: DpopAttack['api'] },
): DpopAttack => ({ rfc, req, api: 'allowed', ...attack });

/** `Authorization: DPoP <bound>` with this proof. */
const dpop = (proof: (lab: DpopLab) => Promise<string | string[]>, token?: (lab: DpopLab) => string) => {
  return async (lab: DpopLab) => ({
    headers: {
      authorization: `DPoP ${token === undefined ? lab.bound : token(lab)}`,
      dpop: await proof(lab),
    },
  });
};

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsFor = (lab: DpopLab) => ({
  jti: crypto.randomUUID(),
  htm: 'GET',
  htu: `${lab.origin}/orders`,
  iat: Math.floor(Date.now() / 1000),
});
const now = () => Math.floor(Date.now() / 1000);

const INVALID_PROOF = { status: 401, code: 'ERR_DPOP_PROOF_INVALID' } as const;
const BINDING = { status: 401, code: 'ERR_DPOP_BINDING_MISMATCH' } as const;
const NONCE = { status: 401, code: 'ERR_DPOP_NONCE_REQUIRED' } as const;
const SERVED = { status: 200 } as const;

export const dpopFamilies = {
  'DPoP: proof form, algorithm and key': [
    row('RFC 9449 section 7.1', 'DP-4', {
      name: 'a valid proof for the bound token (control)',
      request: dpop((lab) => lab.proof()),
      expect: SERVED,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'two DPoP header lines (neither used)',
      request: dpop(async (lab) => [await lab.proof(), await lab.proof()]),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'two proofs joined in one DPoP header line',
      request: dpop(async (lab) => `${await lab.proof()}, ${await lab.proof()}`),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'the DPoP scheme with no DPoP header',
      request: async (lab) => ({ headers: { authorization: `DPoP ${lab.bound}` } }),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-1', {
      name: 'an HS256 proof (a MAC, not a key of the client)',
      request: dpop((lab) =>
        new SignJWT(claimsFor(lab))
          .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: lab.key.publicJwk })
          .sign(new Uint8Array(32)),
      ),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-1', {
      name: 'an unsigned proof (alg none)',
      request: dpop(
        async (lab) =>
          `${encode({ alg: 'none', typ: 'dpop+jwt', jwk: lab.key.publicJwk })}.${encode(claimsFor(lab))}.`,
      ),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-1', {
      name: 'a private key in the proof header jwk',
      request: dpop(async (lab) => lab.proof({ header: { jwk: await exportJWK(lab.key.privateKey) } })),
      expect: INVALID_PROOF,
    }),
    row('RFC 7517 section 4.2', 'JOSE-11', {
      name: 'a proof header jwk marked use "enc", a key not for signatures',
      request: dpop((lab) => lab.proof({ header: { jwk: { ...lab.key.publicJwk, use: 'enc' } } })),
      expect: INVALID_PROOF,
    }),
    row('RFC 7517 section 4.3', 'JOSE-11', {
      name: 'a proof header jwk whose key_ops lack "verify"',
      request: dpop((lab) => lab.proof({ header: { jwk: { ...lab.key.publicJwk, key_ops: ['encrypt'] } } })),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-1', {
      name: 'a proof typed JWT instead of dpop+jwt',
      request: dpop((lab) => lab.proof({ header: { typ: 'JWT' } })),
      expect: INVALID_PROOF,
    }),
  ],
  'DPoP: proof for another request (htm, htu, iat)': [
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a proof for POST sent with GET (htm)',
      request: dpop((lab) => lab.proof({ htm: 'POST' })),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a proof for another host (htu)',
      request: dpop((lab) => lab.proof({ htu: `http://localhost:${new URL(lab.origin).port}/orders` })),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a proof whose htu has a backslash for its first slash, which WHATWG URL reads as "/"',
      request: dpop((lab) => lab.proof({ htu: `${lab.origin}\\orders` })),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a proof whose htu names the host as the number WHATWG URL reads as 127.0.0.1',
      request: dpop((lab) => lab.proof({ htu: `http://2130706433:${new URL(lab.origin).port}/orders` })),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a proof for another path (htu)',
      request: dpop((lab) => lab.proof({ htu: `${lab.origin}/admin` })),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a proof whose htu carries the query, compared without it (control)',
      request: async (lab) => ({
        ...(await dpop((l) => l.proof({ htu: `${l.origin}/orders?id=1` }))(lab)),
        path: '/orders?id=1',
      }),
      expect: SERVED,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a proof for another path, with the request path in its query',
      request: async (lab) => ({
        ...(await dpop((l) => l.proof({ htu: `${l.origin}/admin?next=/orders` }))(lab)),
        path: '/orders',
      }),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a request with a query, the proof without it (control)',
      request: async (lab) => ({ ...(await dpop((l) => l.proof())(lab)), path: '/orders?id=1' }),
      expect: SERVED,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a proof for a spoofed X-Forwarded-Host, which the API does not trust',
      request: async (lab) => ({
        headers: {
          authorization: `DPoP ${lab.bound}`,
          dpop: await lab.proof({ htu: 'https://evil.example/orders' }),
          'x-forwarded-host': 'evil.example',
          'x-forwarded-proto': 'https',
        },
      }),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a proof made two minutes ago (stale iat)',
      request: dpop((lab) => lab.proof({ iat: now() - 120 })),
      expect: INVALID_PROOF,
    }),
    row('RFC 9449 section 4.3', 'DP-2', {
      name: 'a proof made a minute from now (future iat)',
      request: dpop((lab) => lab.proof({ iat: now() + 60 })),
      expect: INVALID_PROOF,
    }),
  ],
  'DPoP: token binding, downgrade and replay': [
    row('RFC 9449 section 4.3', 'DP-3', {
      name: 'a proof whose ath hashes another token',
      request: dpop((lab) => lab.proof({ accessToken: lab.unbound })),
      expect: BINDING,
    }),
    row('RFC 9449 section 6.1', 'DP-3', {
      name: 'a proof by a key other than cnf.jkt',
      request: dpop((lab) => lab.proof({}, lab.otherKey)),
      expect: BINDING,
    }),
    row('RFC 9449 section 7.2', 'DP-5', {
      name: 'the bound token sent as Bearer (downgrade)',
      request: async (lab) => ({ headers: { authorization: `Bearer ${lab.bound}` } }),
      expect: BINDING,
    }),
    row('RFC 9449 section 7.1', 'DP-4', {
      name: 'a valid proof with an unbound token',
      request: dpop(
        (lab) => lab.proof({ accessToken: lab.unbound }),
        (lab) => lab.unbound,
      ),
      expect: BINDING,
    }),
    row('RFC 9449 section 11.1', 'DP-7', {
      name: 'a proof used a second time',
      request: dpop((lab) => lab.proof()),
      replay: true,
      expect: { status: 401, code: 'ERR_DPOP_REPLAYED' },
    }),
  ],
  'DPoP: server nonces': [
    row('RFC 9449 section 9', 'DP-6', {
      name: 'no nonce where the API requires one',
      api: 'nonced',
      request: dpop((lab) => lab.proof()),
      expect: NONCE,
    }),
    row('RFC 9449 section 9', 'DP-6', {
      name: 'a nonce with a forged MAC',
      api: 'nonced',
      request: dpop((lab) => lab.proof({ claims: { nonce: `${lab.currentNonce.slice(0, -2)}xx` } })),
      expect: NONCE,
    }),
    row('RFC 9449 section 9', 'DP-6', {
      name: 'a genuine nonce from ten minutes ago (stale)',
      api: 'nonced',
      request: dpop((lab) => lab.proof({ claims: { nonce: lab.staleNonce } })),
      expect: NONCE,
    }),
    row('RFC 9449 section 9', 'DP-6', {
      name: 'the current nonce (control)',
      api: 'nonced',
      request: dpop((lab) => lab.proof({ claims: { nonce: lab.currentNonce } })),
      expect: SERVED,
    }),
  ],
} satisfies Record<string, readonly DpopAttack[]>;

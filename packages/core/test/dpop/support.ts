/**
 * DPoP test setup: the reference issuer minting DPoP-bound tokens, client proof keys, proofs
 * signed with jose the way a client makes them, and a verifier on a hand-moved clock.
 */
import { createHash, randomUUID } from 'node:crypto';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { AccessTokenVerifierOptions } from '../../src/node.js';
import { createAccessTokenVerifier } from '../../src/node.js';

export const ORIGIN = 'https://api.example.com';
export const URL_PATH = '/orders';
export const HTU = `${ORIGIN}${URL_PATH}`;

/** A DPoP key pair as a client holds it. */
export interface ClientKey {
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly thumbprint: string;
}

export async function clientKey(alg = 'ES256'): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { alg, privateKey, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk) };
}

/** base64url(SHA-256(token)), the `ath` of RFC 9449 §4.2. */
export function athOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export interface ProofParts {
  readonly htm?: string;
  readonly htu?: string;
  /** Seconds since the epoch. */
  readonly iat?: number;
  readonly accessToken?: string;
  /** Claims merged last: `undefined` removes one. */
  readonly claims?: Record<string, unknown>;
  /** Header members merged last. */
  readonly header?: Record<string, unknown>;
  /** Sign with this key instead (the header still names `key`). */
  readonly signWith?: ClientKey;
}

/** A proof signed like a client signs it; `parts` override the defaults. */
export function proofFor(key: ClientKey, nowSeconds: number, parts: ProofParts = {}): Promise<string> {
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    htm: parts.htm ?? 'GET',
    htu: parts.htu ?? HTU,
    iat: parts.iat ?? nowSeconds,
    ...(parts.accessToken === undefined ? {} : { ath: athOf(parts.accessToken) }),
    ...parts.claims,
  };
  for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk, ...parts.header })
    .sign((parts.signWith ?? key).privateKey);
}

/** A clock the test moves by hand, starting at the real time (the issuer mints with it). */
export function manualClock() {
  let current = Date.now();
  return {
    now: () => current,
    seconds: () => Math.floor(current / 1000),
    advance(seconds: number) {
      current += seconds * 1000;
    },
  };
}

export interface DpopSetup {
  readonly issuer: ReferenceIssuer;
  readonly issuerUrl: string;
  /** A token bound to `key`. */
  bound(key: ClientKey, claims?: Record<string, unknown>): Promise<string>;
  unbound(claims?: Record<string, unknown>): Promise<string>;
  verifier(
    dpop: AccessTokenVerifierOptions['dpop'],
    extra?: Partial<AccessTokenVerifierOptions>,
  ): ReturnType<typeof createAccessTokenVerifier>;
}

export async function startDpopSetup(clock: { now: () => number }): Promise<DpopSetup> {
  const issuer = await startIssuer({ port: 0, servers: ['default'] });
  const server = issuer.server('default');
  return {
    issuer,
    issuerUrl: server.issuer,
    bound: (key, claims = {}) =>
      server.mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...claims }, { dpopJkt: key.thumbprint }),
    unbound: (claims = {}) => server.mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...claims }),
    verifier: (dpop, extra = {}) =>
      createAccessTokenVerifier({
        issuer: server.issuer,
        audience: 'api://default',
        clock: clock.now,
        ...(dpop === undefined ? {} : { dpop }),
        ...extra,
      } as AccessTokenVerifierOptions),
  };
}

/** The rejection of `promise`, as the fields tests compare. */
export async function refusalOf(promise: Promise<unknown>): Promise<{
  code: string;
  message: string;
  status: number;
  headers: Record<string, string>;
}> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; status: number; headers: Record<string, string> };
  }
  throw new Error('expected a refusal');
}

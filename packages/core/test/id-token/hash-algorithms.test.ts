/**
 * at_hash / c_hash for the algorithms the reference issuer does not sign with (*384, *512): keys
 * made here with jose, served through the `transport` seam (no network), verified by both entries.
 */
import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../../src/index.js';
import { ENTRIES, rejectionOf } from './support.js';

const ISSUER = 'https://id.example.com/oauth2/aus1hashes';
const JWKS_URI = `${ISSUER}/v1/keys`;
const CLIENT = '0oa1hashes';
const ACCESS_TOKEN = 'eyJraWQiOiJrMSJ9.eyJzdWIiOiJhbGljZSJ9.c2ln';
const CODE = 'code-4Mx9Q2';

const ALGORITHMS = [
  ['RS384', 'sha384'],
  ['PS384', 'sha384'],
  ['ES384', 'sha384'],
  ['RS512', 'sha512'],
  ['PS512', 'sha512'],
  ['ES512', 'sha512'],
] as const;

type Alg = (typeof ALGORITHMS)[number][0];

const privateKeys = new Map<Alg, CryptoKey>();
let transport: Transport;

beforeAll(async () => {
  const keys = [];
  for (const [alg] of ALGORITHMS) {
    const pair = await generateKeyPair(alg);
    privateKeys.set(alg, pair.privateKey);
    keys.push({ ...(await exportJWK(pair.publicKey)), kid: `k-${alg}`, alg, use: 'sig' });
  }
  const body = new TextEncoder().encode(JSON.stringify({ keys }));
  transport = {
    async get(url) {
      if (url !== JWKS_URI) throw new Error(`unexpected fetch of ${url}`);
      return {
        status: 200,
        header: (name) => (name === 'content-type' ? 'application/json' : undefined),
        body,
      };
    },
  };
});

function halfHash(value: string, hash: 'sha256' | 'sha384' | 'sha512'): string {
  const digest = createHash(hash).update(value).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

function sign(alg: Alg, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ sub: 'alice', ...claims })
    .setProtectedHeader({ alg, kid: `k-${alg}`, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(CLIENT)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKeys.get(alg)!);
}

describe.each(ENTRIES)(
  'hash lengths follow the alg, %s (IDT-10, IDT-11)',
  (_entry, createIdTokenVerifier) => {
    const verifier = () =>
      createIdTokenVerifier({
        issuer: ISSUER,
        clientId: CLIENT,
        jwksUri: JWKS_URI,
        transport,
        algorithms: ALGORITHMS.map(([alg]) => alg),
      });

    it.each(ALGORITHMS)('%s uses %s halves for at_hash and c_hash', async (alg, hash) => {
      const token = await sign(alg, { at_hash: halfHash(ACCESS_TOKEN, hash), c_hash: halfHash(CODE, hash) });
      const result = await verifier().verify(token, { accessToken: ACCESS_TOKEN, code: CODE });
      expect(result.claims.at_hash).toHaveLength(hash === 'sha384' ? 32 : 43);
    });

    it.each(ALGORITHMS)('%s refuses an at_hash made with SHA-256', async (alg) => {
      const token = await sign(alg, { at_hash: halfHash(ACCESS_TOKEN, 'sha256') });
      expect(await rejectionOf(verifier().verify(token, { accessToken: ACCESS_TOKEN }))).toMatchObject({
        code: 'ERR_AT_HASH_MISMATCH',
      });
    });

    it.each(ALGORITHMS)('%s refuses a c_hash made with SHA-256', async (alg) => {
      const token = await sign(alg, { c_hash: halfHash(CODE, 'sha256') });
      expect(await rejectionOf(verifier().verify(token, { code: CODE }))).toMatchObject({
        code: 'ERR_C_HASH_MISMATCH',
      });
    });
  },
);

/** A DPoP client's key and proofs, signed with jose as a client signs them (RFC 9449 section 4.2). */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

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

export interface ProofParts {
  readonly htu: string;
  readonly htm?: string;
  readonly accessToken?: string;
  readonly jti?: string;
  /** Seconds since the epoch. Default: now. */
  readonly iat?: number;
  /** Claims merged last; `undefined` removes one. */
  readonly claims?: Record<string, unknown>;
  /** Header members merged last; `undefined` removes one. */
  readonly header?: Record<string, unknown>;
}

export function proofFor(key: ClientKey, parts: ProofParts): Promise<string> {
  const claims: Record<string, unknown> = {
    jti: parts.jti ?? randomUUID(),
    htm: parts.htm ?? 'GET',
    htu: parts.htu,
    iat: parts.iat ?? Math.floor(Date.now() / 1000),
    ...(parts.accessToken === undefined
      ? {}
      : { ath: createHash('sha256').update(parts.accessToken).digest('base64url') }),
    ...parts.claims,
  };
  const header: Record<string, unknown> = {
    alg: key.alg,
    typ: 'dpop+jwt',
    jwk: key.publicJwk,
    ...parts.header,
  };
  for (const record of [claims, header]) {
    for (const name of Object.keys(record)) if (record[name] === undefined) delete record[name];
  }
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

/** The API processes load the built packages: `pnpm test` builds first; a run of this file alone builds them. */
export function buildIfMissing(): void {
  const root = resolve(import.meta.dirname, '../..');
  const packages = ['core', 'express', 'fastify', 'redis'];
  if (packages.some((name) => !existsSync(join(root, 'packages', name, 'dist', 'index.js')))) {
    execFileSync('pnpm', ['build'], { cwd: root, stdio: 'pipe' });
  }
}

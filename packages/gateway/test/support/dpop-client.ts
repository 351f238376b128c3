import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';

/** What a proof says beyond its fixed parts (`htm: GET`, a fresh `jti`, `ath` of `token`). */
export interface ProofClaims {
  readonly htu: string;
  readonly token: string;
  /** Epoch ms the proof is made at; default now. */
  readonly at?: number;
  readonly nonce?: string | undefined;
}

/** A DPoP client with one ES256 key: the thumbprint to bind tokens to, and proofs signed by it. */
export interface DpopClient {
  readonly thumbprint: string;
  proof(claims: ProofClaims): Promise<string>;
}

export async function createDpopClient(): Promise<DpopClient> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return {
    thumbprint: await calculateJwkThumbprint(jwk),
    proof: ({ htu, token, at = Date.now(), nonce }) =>
      new SignJWT({
        jti: randomUUID(),
        htm: 'GET',
        htu,
        iat: Math.floor(at / 1000),
        ath: createHash('sha256').update(token).digest('base64url'),
        ...(nonce === undefined ? {} : { nonce }),
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .sign(privateKey),
  };
}

import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** A DPoP key pair as a client holds it, with its public JWK. */
export interface ProofKey {
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function proofKey(alg = 'ES256'): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, publicJwk: await exportJWK(publicKey) };
}

/** A DPoP proof (RFC 9449 §4.2) built with jose; `header` and `claims` override the defaults. */
export function dpopProof(
  key: ProofKey,
  htu: string,
  options: { htm?: string; claims?: Record<string, unknown>; header?: Record<string, unknown> } = {},
): Promise<string> {
  const claims = {
    jti: randomUUID(),
    htm: options.htm ?? 'POST',
    htu,
    iat: Math.floor(Date.now() / 1000),
    ...options.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk, ...options.header })
    .sign(key.privateKey);
}

/**
 * POSTs a form with raw header lines, so a header can be sent twice (fetch joins repeated
 * headers into one line).
 */
export function postWithRawHeaders(
  url: string,
  body: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A `private_key_jwt` client assertion (RFC 7523 §3) built with jose; `claims` override the defaults. */
export function clientAssertion(
  key: ProofKey,
  clientId: string,
  aud: string | string[],
  options: { claims?: Record<string, unknown>; header?: Record<string, unknown> } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: clientId,
    sub: clientId,
    aud,
    jti: randomUUID(),
    iat: now,
    exp: now + 60,
    ...options.claims,
  };
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, ...options.header }).sign(key.privateKey);
}

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

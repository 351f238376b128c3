/**
 * The demo's DPoP client (RFC 9449): one P-256 key, proofs signed with it for the token request and
 * for each API call, as a real client makes them. Written on node:crypto so the CLI needs no JOSE
 * library of its own; the APIs check these proofs with core.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

/** The origin the demo's APIs are configured with (`dpop.origins`), as a load balancer would expose them. */
export const DEMO_API_ORIGIN = 'https://orders.demo.example';

export interface DpopClient {
  /** RFC 7638 thumbprint of the public key: the `cnf.jkt` of tokens bound to it. */
  readonly thumbprint: string;
  /** A proof for one request; `accessToken` adds `ath` (RFC 9449 section 4.2). */
  proof(htm: string, htu: string, nowMs: number, accessToken?: string): string;
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export function createDpopClient(): DpopClient {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  const jwk = { crv, kty, x, y };
  // RFC 7638 section 3: the required members in lexicographic order, no whitespace.
  const thumbprint = base64url(createHash('sha256').update(JSON.stringify(jwk)).digest());
  return {
    thumbprint,
    proof: (htm, htu, nowMs, accessToken) =>
      signEs256(
        privateKey,
        { alg: 'ES256', typ: 'dpop+jwt', jwk },
        {
          jti: randomUUID(),
          htm,
          htu,
          iat: Math.floor(nowMs / 1000),
          ...(accessToken === undefined
            ? {}
            : { ath: base64url(createHash('sha256').update(accessToken).digest()) }),
        },
      ),
  };
}

function signEs256(key: KeyObject, header: object, claims: object): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  // JWS wants the raw r || s form (RFC 7518 section 3.4), not DER.
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${base64url(signature)}`;
}

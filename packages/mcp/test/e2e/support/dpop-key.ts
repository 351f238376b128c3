/**
 * A DPoP client's key for the tests, with node:crypto alone: its RFC 7638 thumbprint (what a
 * bound token's `cnf.jkt` names) and proofs for one request each (RFC 9449 section 4.2).
 */
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';

export interface DpopKey {
  readonly thumbprint: string;
  /** A fresh proof for `method` `url`, bound to `accessToken` by its hash (`ath`). */
  proof(method: string, url: string, accessToken: string): string;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function dpopKey(): DpopKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  // RFC 7638 section 3.2: the required members only, in lexicographic order, no whitespace.
  const jwk = { crv, kty, x, y };
  return {
    thumbprint: createHash('sha256').update(JSON.stringify(jwk)).digest('base64url'),
    proof(method, url, accessToken) {
      const header = { typ: 'dpop+jwt', alg: 'ES256', jwk };
      const claims = {
        jti: randomUUID(),
        htm: method,
        htu: url,
        iat: Math.floor(Date.now() / 1000),
        ath: createHash('sha256').update(accessToken).digest('base64url'),
      };
      const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
      // JWS ES256 signatures are r || s (RFC 7518 section 3.4), not DER.
      const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return `${input}.${base64url(signature)}`;
    },
  };
}

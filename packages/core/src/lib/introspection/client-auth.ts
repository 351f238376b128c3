/**
 * How this API proves who it is to an introspection endpoint (RFC 7662 §2.1): HTTP Basic or form
 * fields with the client secret (RFC 6749 §2.3.1), or a signed assertion (RFC 7523 §2.2).
 */
import { importJWK, type JWK, SignJWT } from 'jose';
import type { ResolvedClient } from './options.js';

export interface ClientCredentials {
  readonly headers: Readonly<Record<string, string>>;
  /** Form fields to send beside the token. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Seconds an assertion is valid: long enough for one request, short enough to be useless later. */
const ASSERTION_LIFETIME = 60;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Credentials for each request to the server whose issuer is `issuer`. */
export function createClientCredentials(
  client: ResolvedClient,
  issuer: string,
  clock: () => number,
): () => ClientCredentials | Promise<ClientCredentials> {
  switch (client.method) {
    case 'client_secret_basic': {
      // RFC 6749 §2.3.1: both parts form-urlencoded before they are joined and base64-encoded.
      const basic = `Basic ${btoa(`${formEncode(client.clientId)}:${formEncode(client.clientSecret!)}`)}`;
      const credentials = Object.freeze({ headers: { authorization: basic }, fields: {} });
      return () => credentials;
    }
    case 'client_secret_post': {
      const fields = { client_id: client.clientId, client_secret: client.clientSecret! };
      const credentials = Object.freeze({ headers: {}, fields });
      return () => credentials;
    }
    case 'private_key_jwt':
      return signedAssertion(client, issuer, clock);
  }
}

function signedAssertion(
  client: ResolvedClient,
  issuer: string,
  clock: () => number,
): () => Promise<ClientCredentials> {
  const { jwk, alg } = client.privateKey!;
  let key: ReturnType<typeof importJWK> | undefined;
  return async () => {
    key ??= importJWK(jwk as JWK, alg);
    const now = Math.floor(clock() / 1000);
    // RFC 7523 §3: `iss` and `sub` are the client, `aud` identifies the authorization server (its
    // issuer identifier, which every endpoint of that server accepts), `jti` makes each one unique.
    const assertion = await new SignJWT({})
      .setProtectedHeader(typeof jwk.kid === 'string' ? { alg, kid: jwk.kid } : { alg })
      .setIssuer(client.clientId)
      .setSubject(client.clientId)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_LIFETIME)
      .setJti(crypto.randomUUID())
      .sign(await key);
    return { headers: {}, fields: { client_assertion_type: JWT_BEARER, client_assertion: assertion } };
  };
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

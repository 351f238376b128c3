/**
 * A DPoP client written from RFC 9449 alone, as an independent party would write one: keys made
 * and proofs signed with WebCrypto directly (no JOSE library, none of our helpers), the JWK
 * exported as WebCrypto exports it (`ext` and `key_ops` included), the RFC 7638 thumbprint and
 * `ath` computed by hand. Every part of a proof can be set, so the suite can send the variants a
 * correct client might send and the ones no server may accept.
 */
const subtle = globalThis.crypto.subtle;

/** How WebCrypto makes and uses the key of each JWS algorithm (RFC 7518 section 3, RFC 8037). */
const ALGORITHMS = {
  ES256: { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  ES384: { generate: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } },
  ES512: { generate: { name: 'ECDSA', namedCurve: 'P-521' }, sign: { name: 'ECDSA', hash: 'SHA-512' } },
  EdDSA: { generate: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  RS256: { generate: rsa('RSASSA-PKCS1-v1_5', 2048), sign: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { generate: rsa('RSA-PSS', 2048), sign: { name: 'RSA-PSS', saltLength: 32 } },
} as const;

export type ProofAlgorithm = keyof typeof ALGORITHMS;

function rsa(name: string, modulusLength: number) {
  return { name, modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
}

export interface IndependentKey {
  readonly alg: ProofAlgorithm;
  readonly privateKey: CryptoKey;
  /** The public key as `exportKey('jwk')` gives it. */
  readonly publicJwk: JsonWebKey;
  /** RFC 7638 thumbprint (SHA-256), the `cnf.jkt` a token bound to this key carries. */
  readonly thumbprint: string;
}

export async function independentKey(alg: ProofAlgorithm, modulusLength?: number): Promise<IndependentKey> {
  const { generate } = ALGORITHMS[alg];
  const params = modulusLength === undefined ? generate : { ...generate, modulusLength };
  const pair = (await subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const publicJwk = await subtle.exportKey('jwk', pair.publicKey);
  return { alg, privateKey: pair.privateKey, publicJwk, thumbprint: await thumbprintOf(publicJwk) };
}

/** RFC 7638 section 3: the required members only, in lexicographic order, no whitespace, SHA-256. */
export async function thumbprintOf(jwk: JsonWebKey): Promise<string> {
  const required: Record<string, readonly string[]> = {
    EC: ['crv', 'kty', 'x', 'y'],
    OKP: ['crv', 'kty', 'x'],
    RSA: ['e', 'kty', 'n'],
  };
  const members = required[jwk.kty ?? ''];
  if (members === undefined) throw new Error(`no thumbprint for kty ${jwk.kty}`);
  const json = `{${members.map((name) => `"${name}":"${(jwk as Record<string, string>)[name]}"`).join(',')}}`;
  return base64url(await subtle.digest('SHA-256', new TextEncoder().encode(json)));
}

/** `ath`: base64url of the SHA-256 of the ASCII access token (RFC 9449 section 4.2). */
export async function athOf(accessToken: string): Promise<string> {
  return base64url(await subtle.digest('SHA-256', new TextEncoder().encode(accessToken)));
}

export interface ProofRequest {
  readonly htm: string;
  readonly htu: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly accessToken: string;
  readonly nonce?: string;
}

export interface ProofChanges {
  /** Header members set last; `undefined` removes one. */
  readonly header?: Record<string, unknown>;
  /** Claims set last; `undefined` removes one. */
  readonly claims?: Record<string, unknown>;
  /** Sign with this key, whatever the header names. */
  readonly signWith?: IndependentKey;
}

/** A compact JWS proof for `request` (RFC 9449 section 4.2), with `changes` applied. */
export async function signProof(
  key: IndependentKey,
  request: ProofRequest,
  changes: ProofChanges = {},
): Promise<string> {
  const header = withChanges({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk }, changes.header);
  const claims = withChanges(
    {
      jti: base64url(globalThis.crypto.getRandomValues(new Uint8Array(16)).buffer),
      htm: request.htm,
      htu: request.htu,
      iat: request.iat,
      ath: await athOf(request.accessToken),
      ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    },
    changes.claims,
  );
  const input = `${base64url(json(header))}.${base64url(json(claims))}`;
  const signer = changes.signWith ?? key;
  const signature = await subtle.sign(
    ALGORITHMS[signer.alg].sign,
    signer.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${base64url(signature)}`;
}

function withChanges(
  base: Record<string, unknown>,
  changes: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const merged = { ...base, ...changes };
  for (const name of Object.keys(merged)) if (merged[name] === undefined) delete merged[name];
  return merged;
}

function json(value: unknown): ArrayBuffer {
  return new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;
}

function base64url(bytes: ArrayBuffer): string {
  return Buffer.from(bytes).toString('base64url');
}

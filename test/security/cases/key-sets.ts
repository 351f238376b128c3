/**
 * Key-set content: what the issuer's JWK Set holds decides which keys exist, and a key that is
 * ruled out for a token makes the token's answer 401, never the server's 503 (RFC 7517 §4-5,
 * RFC 7518 §3.3, §6.3.1). Each row installs its own key set on the lab server.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { ErrorCode } from '@tokenward/core';
import type { Forge } from '../forge.js';
import { b64, json, labKey } from '../lab.js';

export interface KeySetCase {
  readonly name: string;
  readonly rfc: string;
  readonly req: string;
  readonly expect: ErrorCode | 'accepted';
  /** The JWK Set body served (an object, or raw text). */
  readonly jwks: (forge: Forge) => unknown;
  /** The token sent; default: a valid RS256 token with kid `k1`. */
  readonly token?: (forge: Forge) => string;
  /** HTTP status of the JWKS answer; default 200. */
  readonly status?: number;
  readonly options?: Record<string, unknown>;
}

const published = (forge: Forge, extra: Record<string, unknown>) => {
  const jwk: Record<string, unknown> = { ...forge.key.jwk };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete jwk[name];
    else jwk[name] = value;
  }
  return { keys: [jwk] };
};

/**
 * A signature valid under the public exponent 1: s^1 mod n = s, so the "signature" is the
 * PKCS #1 v1.5 encoding of the hash (RFC 8017 §9.2) itself. Anyone can write it.
 */
function forgedForExponentOne(forge: Forge): string {
  const input = `${json(forge.header())}.${json(forge.claims({ sub: 'admin' }))}`;
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    createHash('sha256').update(input).digest(),
  ]);
  const padding = Buffer.alloc(256 - 3 - digestInfo.length, 0xff);
  return `${input}.${b64(Buffer.concat([Buffer.from([0, 1]), padding, Buffer.from([0]), digestInfo]))}`;
}

/**
 * Ed25519 public keys of small order (RFC 8032 §5.1.7 checks `[S]B = R + [k]A`): with R the
 * identity and S = 0 the check holds whenever `[k]A` is the identity, always for the identity
 * itself and for about one message in eight for a point of order 8. The forger tries `jti` values
 * until Node's own Ed25519 takes the signature, which is all an attacker needs.
 */
const SMALL_ORDER_POINTS = [
  ['the identity', `01${'00'.repeat(31)}`],
  ['the identity with its sign bit set', `01${'00'.repeat(30)}80`],
  ['a point of order 8', '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'],
  ['the identity written non-canonically as p + 1', `ee${'ff'.repeat(30)}7f`],
] as const;

function forgedForSmallOrder(forge: Forge, x: string): string {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: b64(Buffer.from(x, 'hex')) },
    format: 'jwk',
  });
  const signature = Buffer.concat([Buffer.from([1]), Buffer.alloc(63)]);
  const header = json(forge.header({ alg: 'EdDSA', kid: 'ed' }));
  for (let attempt = 0; ; attempt += 1) {
    const input = `${header}.${json(forge.claims({ sub: 'admin', jti: `forged-${attempt}` }))}`;
    if (verify(null, Buffer.from(input), key, signature)) return `${input}.${b64(signature)}`;
  }
}

const ruledOut: KeySetCase[] = [
  ...[
    ['"use" is "enc"', { use: 'enc' }],
    ['"key_ops" lacks "verify"', { key_ops: ['encrypt', 'wrapKey'] }],
    ['"key_ops" is not an array', { key_ops: 'verify' }],
    ['its JWK "alg" is RS384, outside the allow-list', { alg: 'RS384' }],
    ['its JWK "alg" is PS256 though the token is RS256', { alg: 'PS256' }],
    ['its JWK "alg" is "none"', { alg: 'none' }],
    ['its JWK "alg" is HS256', { alg: 'HS256' }],
    ['it also carries the private exponent "d"', { d: 'AQAB' }],
    ['it is missing "n"', { n: undefined }],
    ['its "n" is not base64url', { n: 'not base64url!' }],
    ['its "kty" is "oct" with a secret "k"', { kty: 'oct', k: 'c2VjcmV0', n: undefined, e: undefined }],
    ['its "kty" is unknown', { kty: 'RSA2' }],
    ['its public exponent "e" is 1', { e: 'AQ' }],
    ['its public exponent "e" is 2 (even)', { e: 'Ag' }],
    ['its public exponent "e" is 65536 (even)', { e: 'AQAA' }],
    ['its public exponent "e" is 0', { e: 'AA' }],
    ['its public exponent "e" has a leading zero octet', { e: 'AAEAAQ' }],
    ['its public exponent "e" is 40 bits long', { e: 'AQAAAAE' }],
  ].map(
    ([what, extra]): KeySetCase => ({
      name: `the token's kid names a published key, but ${what as string}`,
      rfc: 'RFC 7517 §4.2-4.4, RFC 7518 §6.3.1',
      req: 'JOSE-11, JOSE-12, MD-6',
      expect: 'ERR_KEY_NOT_FOUND',
      jwks: (forge) => published(forge, extra as Record<string, unknown>),
    }),
  ),
  {
    name: "a 1024-bit RSA key under the token's kid",
    rfc: 'RFC 7518 §3.3',
    req: 'JOSE-13',
    expect: 'ERR_KEY_NOT_FOUND',
    jwks: () => {
      const small = labKey('k1', 'RS256');
      return { keys: [{ ...small.jwk, n: b64(Buffer.from(small.jwk.n!, 'base64url').subarray(0, 128)) }] };
    },
  },
  {
    name: 'a P-384 key under the kid of an ES256 token',
    rfc: 'RFC 7518 §3.4',
    req: 'BCP-1',
    expect: 'ERR_KEY_NOT_FOUND',
    options: { algorithms: ['ES256'] },
    jwks: () => ({ keys: [{ ...labKey('e1', 'ES384').jwk, alg: undefined }] }),
    token: (forge) => {
      const es = labKey('e1', 'ES256');
      return forge.sign(forge.header({ alg: 'ES256', kid: 'e1' }), forge.claims(), es);
    },
  },
  {
    name: 'an EC key whose "x" is too short for its curve',
    rfc: 'RFC 7518 §6.2.1.2',
    req: 'BCP-6',
    expect: 'ERR_KEY_NOT_FOUND',
    options: { algorithms: ['ES256'] },
    jwks: () => ({ keys: [{ ...labKey('e1', 'ES256').jwk, x: 'AAAA' }] }),
    token: (forge) =>
      forge.sign(forge.header({ alg: 'ES256', kid: 'e1' }), forge.claims(), labKey('e1', 'ES256')),
  },
  {
    name: "two keys share the token's kid",
    rfc: 'RFC 7517 §4.5',
    req: 'JOSE-9',
    expect: 'ERR_KEY_NOT_FOUND',
    jwks: (forge) => ({ keys: [forge.key.jwk, { ...forge.rogue.jwk, kid: forge.key.kid }] }),
  },
  {
    name: 'a kid-less token against a set with two RS256 keys',
    rfc: 'OIDC Core §10.1',
    req: 'IDT-13',
    expect: 'ERR_KEY_NOT_FOUND',
    jwks: (forge) => ({ keys: [forge.key.jwk, forge.rogue.jwk] }),
    token: (forge) => forge.sign(forge.header({ kid: undefined }), forge.claims()),
  },
  {
    name: 'a key published with kid "__proto__" does not answer for other kids',
    rfc: 'RFC 7515 §4.1.4',
    req: 'BCP-10',
    expect: 'ERR_KEY_NOT_FOUND',
    jwks: (forge) => ({ keys: [{ ...forge.key.jwk, kid: '__proto__' }] }),
  },
];

const forged: KeySetCase[] = [
  {
    name: 'a signature forged without the private key against a published key with e = 1',
    rfc: 'RFC 8017 §3.1, §8.2.2',
    req: 'JOSE-12, BCP-6',
    expect: 'ERR_KEY_NOT_FOUND',
    jwks: (forge) => published(forge, { e: 'AQ' }),
    token: forgedForExponentOne,
  },
  ...SMALL_ORDER_POINTS.map(
    ([what, x]): KeySetCase => ({
      name: `a signature forged without a private key against a published Ed25519 key that is ${what}`,
      rfc: 'RFC 8032 §5.1.7, RFC 8725 §3.4',
      req: 'BCP-6',
      expect: 'ERR_KEY_NOT_FOUND',
      options: { algorithms: ['EdDSA'] },
      jwks: () => ({
        keys: [
          { kty: 'OKP', crv: 'Ed25519', x: b64(Buffer.from(x, 'hex')), kid: 'ed', alg: 'EdDSA', use: 'sig' },
        ],
      }),
      token: (forge) => forgedForSmallOrder(forge, x),
    }),
  ),
];

const notAKeySet: KeySetCase[] = [
  ...[
    ['not JSON', 'keys'],
    ['a JSON array', '[{"kty":"RSA"}]'],
    ['an object without "keys"', '{"key":[]}'],
    ['"keys" that is an object', '{"keys":{}}'],
    ['an empty "keys" list', '{"keys":[]}'],
    ['"keys" holding no JWK objects', '{"keys":[1,"a",null]}'],
    [
      '101 keys',
      () =>
        JSON.stringify({
          keys: Array.from({ length: 101 }, (_, index) => ({ kty: 'RSA', kid: `k${index}` })),
        }),
    ],
    ['keys repeated as a member name', '{"keys":[],"keys":[]}'],
  ].map(
    ([what, body]): KeySetCase => ({
      name: `the JWKS body is ${what as string}`,
      rfc: 'RFC 7517 §5',
      req: 'MD-6, JOSE-12',
      expect: 'ERR_JWKS_INVALID',
      jwks: () => (typeof body === 'function' ? body() : body),
    }),
  ),
  ...[404, 410, 401, 500, 502, 503, 429].map(
    (status): KeySetCase => ({
      name: `the JWKS URL answers ${status}`,
      rfc: 'RFC 9110 §15',
      req: 'AT-9',
      expect: 'ERR_JWKS_FETCH_FAILED',
      jwks: () => '{"error":"nope"}',
      status,
    }),
  ),
  {
    name: 'a set with an unusable key and the usable one works for the usable one (control)',
    rfc: 'RFC 7517 §5',
    req: 'JOSE-12',
    expect: 'accepted',
    jwks: (forge) => ({ keys: [{ ...forge.rogue.jwk, use: 'enc' }, forge.key.jwk] }),
  },
];

export const keySetFamilies = {
  'key set: keys ruled out for the token (401)': ruledOut,
  'key set: signatures forged under weak keys (e = 1, small-order Ed25519)': forged,
  'key set: not a key set, or not served (503)': notAKeySet,
} satisfies Record<string, KeySetCase[]>;

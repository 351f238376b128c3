/** Attacks on ID tokens checked by a client (OIDC Core §3.1.3.7, §3.2.2.9, §3.3.2.11). */
import type { ErrorCode } from '@tokenward/core';
import type { Forge } from '../forge.js';
import { CLIENT_ID, halfHash, json } from '../lab.js';

export interface IdTokenCase {
  readonly name: string;
  readonly rfc: string;
  readonly req: string;
  readonly expect: ErrorCode | 'accepted';
  readonly token: (forge: Forge) => string;
  /** What the client passes to verify. */
  readonly call?: {
    readonly nonce?: string;
    readonly accessToken?: string;
    readonly code?: string;
    readonly maxAge?: number;
  };
}

export const ACCESS_TOKEN = 'the-access-token';
export const CODE = 'the-authorization-code';

/** Valid ID-token claims for the lab client, with `extra` merged in (`undefined` removes). */
export function idClaims(forge: Forge, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: forge.issuer,
    sub: 'alice',
    aud: CLIENT_ID,
    iat: forge.now,
    exp: forge.now + 300,
    nonce: 'n-1',
    at_hash: halfHash(ACCESS_TOKEN),
    c_hash: halfHash(CODE),
  };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}

const idToken =
  (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  (forge: Forge) =>
    forge.sign(forge.header({ typ: 'JWT', ...header }), idClaims(forge, extra));

const CALL = { nonce: 'n-1', accessToken: ACCESS_TOKEN, code: CODE };

const row = (
  rfc: string,
  req: string,
  expect: IdTokenCase['expect'],
  name: string,
  token: IdTokenCase['token'],
  call: IdTokenCase['call'] = CALL,
): IdTokenCase => ({ name, rfc, req, expect, token, call });

export const idTokenFamilies = {
  'ID token: alg none and confusion': [
    ...['none', 'None', 'NONE', ' none'].map((alg) =>
      row(
        'RFC 7518 §3.6, OIDC Core §3.1.3.7 step 7',
        'JOSE-14, IDT-6',
        'ERR_ALG_NOT_ALLOWED',
        `alg ${JSON.stringify(alg)} with an empty signature`,
        (forge) => `${json(forge.header({ alg, typ: 'JWT' }))}.${json(idClaims(forge))}.`,
      ),
    ),
    row('RFC 8725 §3.1', 'BCP-1', 'ERR_ALG_NOT_ALLOWED', 'alg HS256', idToken({}, { alg: 'HS256' })),
    row(
      'RFC 7516 §4.1.3',
      'BCP-5',
      'ERR_TOKEN_MALFORMED',
      'header carries the JWE member "zip"',
      idToken({}, { zip: 'DEF' }),
    ),
  ],
  'ID token: at_hash and c_hash of any shape': [
    ...[
      ['a hash of another access token', halfHash('another')],
      ['a padded spelling of the right hash', `${halfHash(ACCESS_TOKEN)}==`],
      ['the standard-alphabet spelling', `${halfHash(ACCESS_TOKEN)}+/`],
      ['an empty string', ''],
      ['a number', 42],
      ['an array holding the right hash', [halfHash(ACCESS_TOKEN)]],
      ['null', null],
      ['a string as long as a whole SHA-256 in base64url', 'x'.repeat(43)],
    ].map(([what, value]) =>
      row(
        'OIDC Core §3.1.3.6, §3.2.2.9',
        'IDT-10',
        'ERR_AT_HASH_MISMATCH',
        `at_hash is ${what as string}`,
        idToken({ at_hash: value }),
      ),
    ),
    ...[
      ['a hash of another code', halfHash('another')],
      ['a number', 7],
      ['an object', { h: halfHash(CODE) }],
    ].map(([what, value]) =>
      row(
        'OIDC Core §3.3.2.11',
        'IDT-11',
        'ERR_C_HASH_MISMATCH',
        `c_hash is ${what as string}`,
        idToken({ c_hash: value }),
      ),
    ),
    row('OIDC Core §3.1.3.6', 'IDT-10', 'accepted', 'matching at_hash and c_hash (control)', idToken()),
  ],
  'ID token: claims and binding': [
    row(
      'OIDC Core §3.1.3.7 step 11',
      'IDT-8',
      'ERR_NONCE_MISMATCH',
      'nonce of another sign-in',
      idToken({ nonce: 'n-2' }),
    ),
    row(
      'OIDC Core §3.1.3.7 step 11',
      'IDT-8',
      'ERR_NONCE_MISMATCH',
      'no nonce though one was sent',
      idToken({ nonce: undefined }),
    ),
    row(
      'OIDC Core §3.1.3.7 step 3',
      'IDT-3',
      'ERR_AUDIENCE_MISMATCH',
      'aud adds an untrusted audience',
      idToken({ aud: [CLIENT_ID, 'evil'], azp: CLIENT_ID }),
    ),
    row('OIDC Core §3.1.3.7 step 5', 'IDT-4', 'ERR_CLAIM_INVALID', 'azp is empty', idToken({ azp: '' })),
    row('OIDC Core §2', 'IDT-12', 'ERR_CLAIM_INVALID', 'sub is empty', idToken({ sub: '' })),
    row('OIDC Core §2', 'IDT-12', 'ERR_CLAIM_MISSING', 'no iat', idToken({ iat: undefined })),
    row('RFC 7519 §2', 'JOSE-15', 'ERR_CLAIM_INVALID', 'exp is 1e20', idToken({ exp: 1e20 })),
    row('RFC 7519 §2', 'IDT-9', 'ERR_CLAIM_INVALID', 'auth_time is negative', idToken({ auth_time: -1 })),
    row(
      'OIDC Core §3.1.3.7 step 9',
      'OK-7',
      'ERR_CLAIM_INVALID',
      'lives 30 days (maxTokenLifetime 24 h)',
      (forge) => forge.sign(forge.header({ typ: 'JWT' }), idClaims(forge, { exp: forge.now + 30 * 86_400 })),
    ),
    row(
      'RFC 9068 §2.1, RFC 8725 §3.12',
      'AT-10, BCP-12',
      'ERR_TYPE_INVALID',
      'an access token (typ at+jwt) presented as an ID token',
      idToken({}, { typ: 'at+jwt' }),
    ),
    row(
      'RFC 8725 §3.12',
      'AT-10',
      'ERR_TYPE_INVALID',
      'an access token (carries scp) presented as an ID token',
      idToken({ scp: ['openid'] }),
    ),
    row('OIDC Core §3.1.3.7 step 2', 'IDT-2', 'ERR_ISSUER_MISMATCH', 'iss with a trailing slash', (forge) =>
      forge.sign(forge.header({ typ: 'JWT' }), idClaims(forge, { iss: `${forge.issuer}/` })),
    ),
  ],
} satisfies Record<string, IdTokenCase[]>;

/** Attacks on the JOSE header: `alg`, JWE members, embedded keys, `kid`, `crit` and `b64`. */
import { createHmac, createPublicKey } from 'node:crypto';
import type { Forge, TokenCase } from '../forge.js';
import { b64, json, labKey, signature } from '../lab.js';

const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE', ' none', 'none ', '\tnone', 'none\n'];

/** An unsecured token (`alg` some spelling of none) with each kind of signature segment. */
const unsecured = NONE_SPELLINGS.flatMap((alg): TokenCase[] =>
  (
    [
      ['an empty signature segment', () => ''],
      ['a garbage signature', () => 'AAAA'],
      ['a real RS256 signature', (forge: Forge, input: string) => signature(forge.key, input, 'RS256')],
    ] as const
  ).map(([what, sig]) => ({
    name: `alg ${JSON.stringify(alg)} with ${what}`,
    rfc: 'RFC 7518 §3.6, RFC 8725 §3.1',
    req: 'JOSE-14, BCP-2, BCP-3',
    expect: 'ERR_ALG_NOT_ALLOWED' as const,
    token: (forge: Forge) => {
      const input = `${json(forge.header({ alg }))}.${json(forge.claims())}`;
      return `${input}.${sig(forge, input)}`;
    },
  })),
);

/** RS/HS confusion: an HMAC keyed with the public key's text, which a naive library would accept. */
const hmacConfusion = ['HS256', 'HS384', 'HS512', 'hs256'].flatMap((alg): TokenCase[] =>
  (['pem', 'jwk'] as const).map((form) => ({
    name: `alg ${alg} keyed with the published public key (${form})`,
    rfc: 'RFC 8725 §2.1, §3.1',
    req: 'BCP-1, BCP-3',
    expect: 'ERR_ALG_NOT_ALLOWED',
    token: (forge) => {
      const secret =
        form === 'pem'
          ? (createPublicKey(forge.key.privateKey).export({ type: 'spki', format: 'pem' }) as string)
          : JSON.stringify(forge.key.jwk);
      const input = `${json(forge.header({ alg }))}.${json(forge.claims())}`;
      const digest = `sha${alg.slice(2)}`;
      return `${input}.${b64(createHmac(digest, secret).update(input).digest())}`;
    },
  })),
);

const otherAlgs: TokenCase[] = [
  ...[
    'RS384',
    'PS256',
    'ES256',
    'EdDSA',
    'rs256',
    'RS256 ',
    'RSA256',
    'RS256\u0000',
    'ES256K',
    'dir',
    'RSA-OAEP',
  ].map(
    (alg): TokenCase => ({
      name: `alg ${JSON.stringify(alg)} outside the allow-list [RS256], signed with the real key`,
      rfc: 'RFC 7515 §4.1.1, RFC 8725 §3.1',
      req: 'JOSE-4, BCP-1',
      expect: 'ERR_ALG_NOT_ALLOWED',
      token: (forge) => forge.withHeader({ alg }),
    }),
  ),
  ...[42, null, ['RS256'], { name: 'RS256' }, true].map(
    (alg): TokenCase => ({
      name: `alg of JSON type ${JSON.stringify(alg)}`,
      rfc: 'RFC 7515 §4.1.1',
      req: 'JOSE-4',
      expect: 'ERR_TOKEN_MALFORMED',
      token: (forge) => forge.withHeader({ alg }),
    }),
  ),
  {
    name: 'no alg member at all',
    rfc: 'RFC 7515 §4.1.1',
    req: 'JOSE-4',
    expect: 'ERR_TOKEN_MALFORMED',
    token: (forge) => forge.withHeader({ alg: undefined }),
  },
  {
    name: 'an ES256 key set entry does not make an ES256 token acceptable when only RS256 is allowed',
    rfc: 'RFC 8725 §3.1',
    req: 'BCP-1',
    expect: 'ERR_ALG_NOT_ALLOWED',
    token: (forge) => {
      const ec = labKey('k1', 'ES256');
      return forge.sign(forge.header({ alg: 'ES256' }), forge.claims(), ec);
    },
  },
];

/** RFC 7516 §4.1: members that exist only for JWE make a JWS unacceptable. */
const jweMembers: TokenCase[] = [
  ['zip', 'DEF'],
  ['enc', 'A256GCM'],
  ['epk', { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }],
  ['apu', 'YWxpY2U'],
  ['apv', 'Ym9i'],
  ['iv', 'AAAAAAAAAAAAAAAA'],
  ['tag', 'AAAAAAAAAAAAAAAAAAAAAA'],
  ['p2s', 'c2FsdA'],
  ['p2c', 1_000_000_000],
].map(([member, value]) => ({
  name: `a signed token whose header carries the JWE member "${member}"`,
  rfc: 'RFC 7516 §4.1, §4.1.3',
  req: 'BCP-5, JOSE-10',
  expect: 'ERR_TOKEN_MALFORMED',
  token: (forge) => forge.withHeader({ [member as string]: value }),
}));

/** Keys named or carried by the token itself are never used (RFC 8725 §3.10). */
const embeddedKeys: TokenCase[] = [
  ...(['jwk', 'jwk-with-real-kid'] as const).map(
    (variant): TokenCase => ({
      name: `signed by an attacker key embedded as "jwk" (${variant === 'jwk' ? 'no kid' : 'kid of the published key'})`,
      rfc: 'RFC 7515 §4.1.3, RFC 8725 §3.10',
      req: 'JOSE-8, BCP-10',
      expect: variant === 'jwk' ? 'ERR_KEY_NOT_FOUND' : 'ERR_SIGNATURE_INVALID',
      token: (forge) =>
        forge.sign(
          forge.header({ jwk: forge.rogue.jwk, kid: variant === 'jwk' ? forge.rogue.kid : forge.key.kid }),
          forge.claims(),
          forge.rogue,
        ),
    }),
  ),
  ...(['jku', 'x5u'] as const).map(
    (member): TokenCase => ({
      name: `signed by an attacker key whose set "${member}" points at the attacker`,
      rfc: 'RFC 7515 §4.1.2, §4.1.5, RFC 8725 §3.10',
      req: 'JOSE-8, BCP-10',
      expect: 'ERR_SIGNATURE_INVALID',
      token: (forge) =>
        forge.sign(forge.header({ [member]: 'https://attacker.example/keys' }), forge.claims(), forge.rogue),
    }),
  ),
  {
    name: 'signed by an attacker key carried in "x5c"',
    rfc: 'RFC 7515 §4.1.6, RFC 8725 §3.10',
    req: 'JOSE-8, BCP-10',
    expect: 'ERR_SIGNATURE_INVALID',
    token: (forge) =>
      forge.sign(forge.header({ x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A'] }), forge.claims(), forge.rogue),
  },
  {
    name: 'signed by an unpublished key with no kid and no embedded key',
    rfc: 'RFC 8725 §3.8',
    req: 'BCP-8',
    expect: 'ERR_SIGNATURE_INVALID',
    token: (forge) => forge.sign(forge.header({ kid: undefined }), forge.claims(), forge.rogue),
  },
];

/** `kid` is untrusted input: it selects among published keys and nothing else (RFC 8725 §3.10). */
const kidInjection: TokenCase[] = [
  ...[
    '../../../../etc/passwd',
    "k1' OR '1'='1",
    'k1"; DROP TABLE keys; --',
    '(|(kid=*))',
    'k1\u0000',
    '\u202ek1',
    'K1',
    ' k1',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'x'.repeat(4000),
    '',
  ].map(
    (kid): TokenCase => ({
      name: `kid ${JSON.stringify(kid.length > 40 ? `${kid.slice(0, 20)}... (${kid.length} chars)` : kid)}`,
      rfc: 'RFC 7515 §4.1.4, RFC 8725 §3.10',
      req: 'BCP-10, JOSE-9',
      expect: 'ERR_KEY_NOT_FOUND',
      token: (forge) => forge.withHeader({ kid }),
    }),
  ),
  ...[7, null, ['k1'], { k: 'k1' }].map(
    (kid): TokenCase => ({
      name: `kid of JSON type ${JSON.stringify(kid)}`,
      rfc: 'RFC 7515 §4.1.4',
      req: 'JOSE-9',
      expect: 'ERR_TOKEN_MALFORMED',
      token: (forge) => forge.withHeader({ kid }),
    }),
  ),
];

/** `crit` and `b64`: extensions we do not implement make the JWS invalid (RFC 7515 §4.1.11). */
const crit: TokenCase[] = [
  { crit: ['exp'] },
  { crit: [] },
  { crit: ['urn:example:unknown'], 'urn:example:unknown': true },
  { crit: 'b64', b64: false },
  { crit: ['b64'], b64: false },
  { crit: ['b64'], b64: true },
  { b64: false },
  { b64: true },
].map((extra) => ({
  name: `header ${JSON.stringify(extra)}`,
  rfc: 'RFC 7515 §4.1.11, RFC 7797 §3, §6',
  req: 'JOSE-5, JOSE-6, JOSE-7',
  expect: 'ERR_CRIT_UNSUPPORTED' as const,
  token: (forge: Forge) => forge.withHeader(extra),
}));

/** A header member named `__proto__` would hand a consumer's Object.assign a prototype. */
const prototypeHeader: TokenCase[] = [
  {
    name: 'header with a "__proto__" member',
    rfc: 'RFC 7515 §4, RFC 8259 §4',
    req: 'JOSE-3',
    expect: 'ERR_TOKEN_MALFORMED',
    token: (forge) =>
      forge.signRaw(b64('{"alg":"RS256","kid":"k1","__proto__":{"admin":true}}'), json(forge.claims())),
  },
];

export const headerFamilies = {
  'alg: none in every spelling': unsecured,
  'alg: RS/HS confusion': hmacConfusion,
  'alg: outside the allow-list or mistyped': otherAlgs,
  'header: JWE-only members': jweMembers,
  'header: embedded keys (jwk, jku, x5u, x5c)': embeddedKeys,
  'header: kid injection': kidInjection,
  'header: crit and b64': crit,
  'header: `__proto__` member': prototypeHeader,
} satisfies Record<string, TokenCase[]>;

/** Attacks on the token's encoding: base64url spellings, JSON structure, size and segment count. */
import type { TokenCase } from '../forge.js';
import { b64, json } from '../lab.js';

type Segment = 'header' | 'payload' | 'signature';

/** Re-spells one segment of a valid token. */
function respell(segment: Segment, spell: (text: string) => string): TokenCase['token'] {
  return (forge) => {
    const parts = forge.withClaims({}).split('.') as [string, string, string];
    const index = { header: 0, payload: 1, signature: 2 }[segment];
    parts[index] = spell(parts[index]!);
    return parts.join('.');
  };
}

/** Sets the unused low bits of the last character, so the segment decodes to the same bytes. */
function strayBits(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(text.at(-1)!);
  const unused = text.length % 4 === 2 ? 0x0f : 0x03;
  return text.slice(0, -1) + alphabet[last | unused];
}

const spellings: ReadonlyArray<readonly [string, (text: string) => string]> = [
  ['"=" padding', (text) => text + '='.repeat((4 - (text.length % 4)) % 4 || 1)],
  ['standard-alphabet "+" and "/"', (text) => `${text.replace(/-/g, '+').replace(/_/g, '/')}+/`],
  ['a space inside', (text) => `${text.slice(0, 4)} ${text.slice(4)}`],
  ['a line break inside', (text) => `${text.slice(0, 4)}\n${text.slice(4)}`],
  ['a percent-encoded character', (text) => `${text.slice(0, 4)}%41${text.slice(4)}`],
  ['non-ASCII look-alike letters', (text) => `${text.slice(0, 4)}\u0410${text.slice(5)}`],
];

/** Non-canonical base64url: one token, one spelling (RFC 7515 §2, 8725bis format checks). */
const base64url: TokenCase[] = [
  ...(['header', 'payload', 'signature'] as const).flatMap((segment) =>
    spellings.map(([what, spell]) => ({ what, segment, spell })),
  ),
  // The lab's header (35 characters) and RS256 signature (342) both end mid-byte.
  { what: 'stray bits in the last character', segment: 'header' as const, spell: strayBits },
  { what: 'stray bits in the last character', segment: 'signature' as const, spell: strayBits },
].map(({ what, segment, spell }) => ({
  name: `${segment} segment with ${what}`,
  rfc: 'RFC 7515 §2, App. C; RFC 7519 §7.2',
  req: 'JOSE-1, JOSE-2, BCP-14',
  expect: 'ERR_TOKEN_MALFORMED',
  token: respell(segment, spell),
}));

const rawPayload =
  (text: string): TokenCase['token'] =>
  (forge) =>
    forge.signRaw(json(forge.header()), b64(text));
const rawHeaderText =
  (text: string): TokenCase['token'] =>
  (forge) =>
    forge.signRaw(b64(text), json(forge.claims()));

/** JSON that two parsers may read differently, or that is not a JSON object (RFC 7519 §7.2). */
const jsonStructure: TokenCase[] = (
  [
    ['header repeats "alg" (RS256 then none)', rawHeaderText('{"alg":"RS256","kid":"k1","alg":"none"}')],
    ['header repeats "kid"', rawHeaderText('{"alg":"RS256","kid":"k1","kid":"k2"}')],
    [
      'header repeats "alg" via a \\u escape',
      rawHeaderText('{"alg":"RS256","kid":"k1","\\u0061lg":"RS256"}'),
    ],
    ...(['iss', 'sub', 'aud', 'exp', 'scp'] as const).map((claim): [string, TokenCase['token']] => [
      `claims repeat "${claim}"`,
      (forge) => {
        const claims = forge.claims();
        const body = JSON.stringify(claims).slice(0, -1);
        return forge.signRaw(
          json(forge.header()),
          b64(`${body},"${claim}":${JSON.stringify(claims[claim])}}`),
        );
      },
    ]),
    [
      'claims repeat "sub" with an escaped name',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(`${JSON.stringify(forge.claims()).slice(0, -1)},"s\\u0075b":"root"}`),
        ),
    ],
    [
      'claims repeat a member inside a nested object',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(`${JSON.stringify(forge.claims()).slice(0, -1)},"ext":{"role":"user","role":"admin"}}`),
        ),
    ],
    [
      'claims with a top-level "__proto__" member',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(`${JSON.stringify(forge.claims()).slice(0, -1)},"__proto__":{"admin":true}}`),
        ),
    ],
    [
      'claims with a nested "__proto__" member',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(`${JSON.stringify(forge.claims()).slice(0, -1)},"ext":{"__proto__":{"admin":true}}}`),
        ),
    ],
    [
      'claims with an escaped "__proto__" member',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(`${JSON.stringify(forge.claims()).slice(0, -1)},"__pr\\u006fto__":{"admin":true}}`),
        ),
    ],
    [
      'claims nested 64 levels deep',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(`${JSON.stringify(forge.claims()).slice(0, -1)},"deep":${'['.repeat(64)}${']'.repeat(64)}}`),
        ),
    ],
    [
      'claims nested 21 objects deep',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(
            `${JSON.stringify(forge.claims()).slice(0, -1)},"deep":${'{"a":'.repeat(21)}1${'}'.repeat(21)}}`,
          ),
        ),
    ],
    ['claims that are a JSON array', rawPayload('[{"iss":"x"}]')],
    ['claims that are JSON null', rawPayload('null')],
    ['claims that are a JSON string', rawPayload('"claims"')],
    ['claims that are not JSON', rawPayload('{iss: x}')],
    [
      'claims with a byte-order mark',
      (forge) => forge.signRaw(json(forge.header()), b64(`\ufeff${JSON.stringify(forge.claims())}`)),
    ],
    [
      'claims in UTF-16',
      (forge) =>
        forge.signRaw(json(forge.header()), b64(Buffer.from(JSON.stringify(forge.claims()), 'utf16le'))),
    ],
    [
      'claims with invalid UTF-8 (a lone continuation byte)',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(
            Buffer.concat([
              Buffer.from(`${JSON.stringify(forge.claims()).slice(0, -1)},"x":"`),
              Buffer.from([0x80]),
              Buffer.from('"}'),
            ]),
          ),
        ),
    ],
    [
      'claims with an overlong UTF-8 encoding of "/"',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(
            Buffer.concat([
              Buffer.from(`${JSON.stringify(forge.claims()).slice(0, -1)},"x":"`),
              Buffer.from([0xc0, 0xaf]),
              Buffer.from('"}'),
            ]),
          ),
        ),
    ],
    [
      'claims with a lone high surrogate spelled as a \\u escape',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(`${JSON.stringify(forge.claims()).slice(0, -1)},"x":"\\ud800"}`),
        ),
    ],
    [
      'claims whose "sub" ends in a lone low surrogate spelled as a \\u escape',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(JSON.stringify(forge.claims({ sub: 'alice' })).replace('"alice"', '"alice\\udc00"')),
        ),
    ],
    [
      'claims followed by trailing garbage',
      (forge) => forge.signRaw(json(forge.header()), b64(`${JSON.stringify(forge.claims())}x`)),
    ],
    [
      'two claims objects back to back',
      (forge) =>
        forge.signRaw(
          json(forge.header()),
          b64(`${JSON.stringify(forge.claims())}${JSON.stringify(forge.claims())}`),
        ),
    ],
    ['header that is a JSON array', rawHeaderText('["RS256"]')],
    ['header that is empty', rawHeaderText('')],
  ] as [string, TokenCase['token']][]
).map(([name, token]) => ({
  name: name as string,
  rfc: 'RFC 7515 §4, RFC 7519 §4, §7.2, RFC 8259 §4, §8.1, §8.2',
  req: 'JOSE-2, JOSE-3, BCP-7',
  expect: 'ERR_TOKEN_MALFORMED' as const,
  token: token as TokenCase['token'],
}));

/** Size caps and the compact serialization's shape (RFC 7515 §7.1, RFC 7516 §9). */
const shape: TokenCase[] = (
  [
    {
      name: 'a token of 8193 bytes',
      expect: 'ERR_TOKEN_TOO_LARGE',
      token: (forge) => forge.withClaims({ pad: 'x'.repeat(8192) }),
    },
    { name: 'a token of 1 MiB', expect: 'ERR_TOKEN_TOO_LARGE', token: () => 'a'.repeat(1024 * 1024) },
    {
      name: 'five segments (a JWE)',
      expect: 'ERR_TOKEN_MALFORMED',
      token: (forge) => `${forge.withClaims({})}.AAAA.AAAA`,
    },
    {
      name: 'two segments',
      expect: 'ERR_TOKEN_MALFORMED',
      token: (forge) => forge.withClaims({}).split('.').slice(0, 2).join('.'),
    },
    {
      name: 'four segments',
      expect: 'ERR_TOKEN_MALFORMED',
      token: (forge) => `${forge.withClaims({})}.AAAA`,
    },
    { name: 'an empty string', expect: 'ERR_TOKEN_MALFORMED', token: () => '' },
    { name: 'only dots', expect: 'ERR_TOKEN_MALFORMED', token: () => '..' },
    {
      name: 'an empty payload segment',
      expect: 'ERR_TOKEN_MALFORMED',
      token: (forge) => forge.signRaw(json(forge.header()), ''),
    },
    {
      name: 'the JSON serialization instead of the compact one',
      expect: 'ERR_TOKEN_MALFORMED',
      token: (forge) =>
        JSON.stringify({ protected: json(forge.header()), payload: json(forge.claims()), signature: 'AAAA' }),
    },
    {
      name: 'the token with its "Bearer " prefix',
      expect: 'ERR_TOKEN_MALFORMED',
      token: (forge) => `Bearer ${forge.withClaims({})}`,
    },
    {
      name: 'the token with a trailing newline',
      expect: 'ERR_TOKEN_MALFORMED',
      token: (forge) => `${forge.withClaims({})}\n`,
    },
  ] as Omit<TokenCase, 'rfc' | 'req'>[]
).map(
  (row): TokenCase => ({
    ...row,
    rfc: 'RFC 7515 §7.1, RFC 7516 §9, RFC 8725 §3.5',
    req: 'BCP-5, BCP-14, JOSE-10',
  }),
);

export const encodingFamilies = {
  'encoding: non-canonical base64url': base64url,
  'encoding: JSON duplicates, prototype, depth, UTF-8': jsonStructure,
  'encoding: size and segments': shape,
} satisfies Record<string, TokenCase[]>;

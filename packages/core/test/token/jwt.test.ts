import { describe, expect, it } from 'vitest';
import { nodeCodec } from '../../src/lib/runtime/node/node-runtime.js';
import { portableCodec } from '../../src/lib/runtime/portable/web-runtime.js';
import { checkHeaderPolicy, decodeJwt as decodeWith } from '../../src/lib/token/jwt.js';
import type { TokenCodec } from '../../src/runtime.js';
import type { JwtHeader } from '../../src/types.js';
import { compactJws, encodeSegment, failureOf } from './helpers.js';

const header = { alg: 'RS256', kid: 'k1' };
const payload = { iss: 'https://issuer.example/oauth2/default', sub: 'alice' };

const CODECS: [string, TokenCodec][] = [
  ['portable', portableCodec],
  ['Node', nodeCodec],
];

describe.each(CODECS)('decodeJwt with the %s codec', (_codecName, codec) => {
  const decodeJwt = (token: unknown, maxBytes: number) => decodeWith(token, maxBytes, codec, ['RS256']);

  it('decodes header, payload, signature and the signing input', () => {
    const token = compactJws(header, payload, 'c2ln');
    const jwt = decodeJwt(token, 8192);
    expect(jwt.header).toEqual(header);
    expect(jwt.payload).toEqual(payload);
    expect(Buffer.from(jwt.signature).toString()).toBe('sig');
    expect(jwt.signingInput).toBe(token.slice(0, token.lastIndexOf('.')));
  });

  it('rejects a non-string', async () => {
    expect(await failureOf(() => decodeJwt(42, 8192))).toEqual({
      code: 'ERR_TOKEN_MALFORMED',
      message: 'expected the token as a string; found number',
    });
  });

  it('rejects a token above the size cap before parsing it (§4.13)', async () => {
    const token = compactJws(header, payload);
    expect((await failureOf(() => decodeJwt(token, token.length - 1))).code).toBe('ERR_TOKEN_TOO_LARGE');
    expect((await failureOf(() => decodeJwt('x'.repeat(9000), 8192))).code).toBe('ERR_TOKEN_TOO_LARGE');
    expect(decodeJwt(token, token.length).payload).toEqual(payload);
  });

  it('rejects a 5-segment JWE saying encrypted tokens are not accepted (BCP-5, JOSE-10)', async () => {
    const failure = await failureOf(() => decodeJwt('eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', 8192));
    expect(failure.code).toBe('ERR_TOKEN_MALFORMED');
    expect(failure.message).toMatch(/encrypted/);
  });

  it('rejects a 3-segment token whose header has "enc" (BCP-5)', async () => {
    const failure = await failureOf(() =>
      decodeJwt(compactJws({ alg: 'RS256', enc: 'A128GCM' }, payload), 8192),
    );
    expect(failure.message).toMatch(/encrypted/);
  });

  it.each([
    ['two segments', `${encodeSegment(header)}.${encodeSegment(payload)}`],
    ['four segments', `${compactJws(header, payload)}.x`],
    ['an empty signature (unsecured JWS shape)', `${encodeSegment(header)}.${encodeSegment(payload)}.`],
    ['an empty header', `.${encodeSegment(payload)}.c2ln`],
    ['padding', `${encodeSegment(header)}=.${encodeSegment(payload)}.c2ln`],
    ['a standard-alphabet signature (BCP-14)', `${encodeSegment(header)}.${encodeSegment(payload)}.c2l+`],
    ['stray bits in the signature (JOSE-1)', `${encodeSegment(header)}.${encodeSegment(payload)}.YR`],
    ['a padded signature', `${encodeSegment(header)}.${encodeSegment(payload)}.YQ==`],
    ['JSON instead of base64url (BCP-14)', `{"alg":"RS256"}.${encodeSegment(payload)}.c2ln`],
    ['a header that is not an object', compactJws([1], payload)],
    ['a payload that is not JSON', compactJws(header, 'not json')],
    ['a payload that is an array', compactJws(header, [payload])],
    ['duplicate header names (JOSE-3)', compactJws('{"alg":"RS256","alg":"RS256"}', payload)],
    ['alg missing', compactJws({ kid: 'k1' }, payload)],
    ['alg not a string', compactJws({ alg: ['RS256'] }, payload)],
    ['kid not a string', compactJws({ alg: 'RS256', kid: 7 }, payload)],
    ['typ not a string', compactJws({ alg: 'RS256', typ: null }, payload)],
  ])('rejects %s as ERR_TOKEN_MALFORMED (BCP-14, JOSE-2)', async (_name, token) => {
    expect((await failureOf(() => decodeJwt(token, 8192))).code).toBe('ERR_TOKEN_MALFORMED');
  });

  describe('the payload is UTF-8 (BCP-7)', () => {
    const withPayloadBytes = (bytes: Uint8Array) =>
      `${encodeSegment(header)}.${Buffer.from(bytes).toString('base64url')}.c2ln`;
    const utf8 = (text: string) => new TextEncoder().encode(text);

    it.each([
      ['an invalid byte', Uint8Array.from([...utf8('{"a":"'), 0xff, ...utf8('"}')])],
      ['a truncated sequence', Uint8Array.from([...utf8('{"a":"'), 0xe2, 0x82, ...utf8('"}')])],
      ['an overlong encoding', Uint8Array.from([...utf8('{"a":"'), 0xc0, 0xaf, ...utf8('"}')])],
      ['an encoded surrogate', Uint8Array.from([...utf8('{"a":"'), 0xed, 0xa0, 0x80, ...utf8('"}')])],
      ['UTF-16 text', new Uint8Array(Buffer.from('{"a":1}', 'utf16le'))],
    ])('refuses %s instead of replacing it', async (_name, bytes) => {
      expect(await failureOf(() => decodeJwt(withPayloadBytes(bytes), 8192))).toEqual({
        code: 'ERR_TOKEN_MALFORMED',
        message: 'JWT payload is not UTF-8 encoded JSON',
      });
    });

    it('refuses a leading byte-order mark instead of skipping it', async () => {
      const token = withPayloadBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('{"a":1}')]));
      expect((await failureOf(() => decodeJwt(token, 8192))).message).toBe(
        'JWT payload is not UTF-8 encoded JSON',
      );
    });

    it('keeps an encoded U+FFFD and other multi-byte characters', () => {
      const claims = { sub: 'r\uFFFDsum\u00e9 \u{1F511}', iss: 'https://issuer.example' };
      expect(decodeJwt(compactJws(header, claims), 8192).payload).toEqual(claims);
    });

    it('says "not base64url" for a payload that does not decode at all', async () => {
      const token = `${encodeSegment(header)}.e30+.c2ln`;
      expect((await failureOf(() => decodeJwt(token, 8192))).message).toBe(
        'JWT payload segment is not non-empty unpadded base64url (RFC 7515 section 2)',
      );
    });
  });

  it('never puts the token or its content in a message', async () => {
    const token = compactJws({ alg: 'RS256', kid: 7 }, { secret: 'hunter2' });
    const failure = await failureOf(() => decodeJwt(token, 8192));
    expect(failure.message).not.toContain(token);
    expect(failure.message).not.toContain('hunter2');
  });
});

describe('checkHeaderPolicy', () => {
  const check = (value: JwtHeader, algorithms: string[] = ['RS256']) =>
    failureOf(() => checkHeaderPolicy(value, algorithms));

  it('accepts an allowed alg and ignores key-carrying members (JOSE-8, BCP-10)', () => {
    expect(() =>
      checkHeaderPolicy({ alg: 'RS256', jku: 'https://evil.example/keys', jwk: { kty: 'RSA' }, x5u: 'x' }, [
        'RS256',
      ]),
    ).not.toThrow();
  });

  it.each(['none', 'None', 'NONE', 'HS256', 'HS512', 'rs256', 'ES256'])(
    'rejects alg %s outside the case-sensitive allow-list (BCP-2, JOSE-4, JOSE-14)',
    async (alg) => {
      expect(await check({ alg })).toEqual({
        code: 'ERR_ALG_NOT_ALLOWED',
        message: `expected alg RS256; found "${alg}"`,
      });
    },
  );

  it('accepts any alg of a wider allow-list', () => {
    expect(() => checkHeaderPolicy({ alg: 'ES256' }, ['RS256', 'ES256'])).not.toThrow();
  });

  it.each([
    ['crit with an extension', { alg: 'RS256', crit: ['exp'], exp: 1 }],
    ['an empty crit', { alg: 'RS256', crit: [] }],
    ['b64:false listed in crit (JOSE-7)', { alg: 'RS256', crit: ['b64'], b64: false }],
    ['b64:false without crit (JOSE-7)', { alg: 'RS256', b64: false }],
  ])('rejects %s (JOSE-5)', async (_name, value) => {
    expect((await check(value)).code).toBe('ERR_CRIT_UNSUPPORTED');
  });

  it.each(['JWT', 'jwt', 'application/JWT'])(
    'rejects cty %s, which says the payload is a nested JWT, not claims (JOSE-16)',
    async (cty) => {
      expect(await check({ alg: 'RS256', cty })).toEqual({
        code: 'ERR_TOKEN_MALFORMED',
        message: `expected claims as the JWT payload; found header cty "${cty}", which marks a nested JWT (RFC 7519 section 5.2), and nested JWTs are not accepted`,
      });
    },
  );

  it("ignores any other cty, which is the application's to read (RFC 7515 section 4.1.10)", () => {
    expect(() => checkHeaderPolicy({ alg: 'RS256', cty: 'example+json' }, ['RS256'])).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { decodeBase64url, decodeBase64urlText } from '../../src/lib/jose/base64url.js';
import { nodeCodec } from '../../src/lib/runtime/node/node-runtime.js';

const decodeToText = (input: string) => {
  const bytes = decodeBase64url(input);
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1');
};

describe('decodeBase64url (JOSE-1, BCP-14)', () => {
  it('decodes every remainder length like the reference implementation', () => {
    for (let length = 0; length < 40; length += 1) {
      const bytes = Buffer.from(Array.from({ length }, (_, index) => (index * 37 + 11) & 0xff));
      const encoded = bytes.toString('base64url');
      expect(Buffer.from(decodeBase64url(encoded)!)).toEqual(bytes);
    }
  });

  it('decodes the URL-safe characters - and _', () => {
    expect(decodeToText('-_-_')).toBe(Buffer.from('-_-_', 'base64url').toString('latin1'));
  });

  it.each([
    ['padding', 'YQ=='],
    ['standard alphabet +', 'a+b/'],
    ['whitespace', 'YW Jj'],
    ['line break', 'YWJj\nZGVm'],
    ['a quote', '"YWJj"'],
    ['a brace', '{YWJj'],
    ['a non-ASCII letter', 'YWJé'],
    ['a length of 4n+1', 'YWJjZ'],
  ])('rejects %s', (_name, input) => {
    expect(decodeBase64url(input)).toBeUndefined();
  });

  it('rejects a non-canonical final character (stray low bits)', () => {
    // 'YQ' is canonical for "a"; 'YR' decodes to the same byte with non-zero leftover bits.
    expect(decodeToText('YQ')).toBe('a');
    expect(decodeBase64url('YR')).toBeUndefined();
    expect(decodeToText('YWI')).toBe('ab');
    expect(decodeBase64url('YWJ')).toBeUndefined();
  });
});

describe('the Node codec (JOSE-1, BCP-14)', () => {
  /** A seeded generator, so every run checks the same inputs. */
  function randomSource(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
  }
  // Ł (U+0141) and ａ (U+FF41) are two-byte characters whose low bytes are base64 letters.
  const SYMBOLS = 'AQgwBCDYZaz09-_+/= \n.é\u0000"Łａ';
  const random = randomSource(8);
  const randomText = (length: number) =>
    Array.from({ length }, () => SYMBOLS[Math.floor(random() * SYMBOLS.length)]).join('');

  it('accepts and decodes exactly what the portable decoder does, over random and edge inputs', () => {
    const inputs = [
      '',
      '=',
      '==',
      'YQ',
      'YR',
      'YQ=',
      'YQ==',
      'YWI',
      'YWJ',
      'YWJj',
      'YWJjZ',
      'YW\nJj',
      ' YWJj',
      'YWJŁ',
      'ŁŁŁŁ',
      'YQ\u0100\u0100',
    ];
    for (let count = 0; count < 4000; count += 1) inputs.push(randomText(count % 13));
    for (let count = 0; count < 500; count += 1) {
      const bytes = Buffer.from(Array.from({ length: count % 40 }, () => Math.floor(random() * 256)));
      const canonical = bytes.toString('base64url');
      const last = canonical.length - 1;
      // The canonical spelling, and the same with its final character swapped for each other one.
      inputs.push(canonical);
      if (last >= 0) inputs.push(canonical.slice(0, last) + randomText(1));
    }
    for (const input of inputs) {
      const portable = decodeBase64url(input);
      const node = nodeCodec.decodeBase64url(input);
      expect(node === undefined ? undefined : [...node], JSON.stringify(input)).toEqual(
        portable === undefined ? undefined : [...portable],
      );
      expect(nodeCodec.decodeBase64urlText(input), JSON.stringify(input)).toBe(decodeBase64urlText(input));
    }
  });

  it('decodes text like the portable decoder: malformed UTF-8 refused, an encoded U+FFFD kept', () => {
    const random = randomSource(11);
    // Bytes that make malformed UTF-8 often, between text that is well formed.
    const PIECES = [
      [0x61],
      [0xef, 0xbf, 0xbd],
      [0xff],
      [0xc3, 0xa9],
      [0xc3],
      [0xed, 0xa0, 0x80],
      [0xef, 0xbb, 0xbf],
    ];
    for (let count = 0; count < 2000; count += 1) {
      const bytes = Array.from(
        { length: count % 7 },
        () => PIECES[Math.floor(random() * PIECES.length)]!,
      ).flat();
      const input = Buffer.from(bytes).toString('base64url');
      expect(nodeCodec.decodeBase64urlText(input), JSON.stringify(bytes)).toBe(decodeBase64urlText(input));
    }
    expect(nodeCodec.decodeBase64urlText(Buffer.from('\uFFFD', 'utf8').toString('base64url'))).toBe('\uFFFD');
    expect(nodeCodec.decodeBase64urlText(Buffer.from([0x61, 0xff]).toString('base64url'))).toBeUndefined();
  });

  it('decodes text of every length through one buffer, longer segments included', () => {
    for (const length of [1, 100, 1024, 1025, 5000, 40_000, 10]) {
      const text = 'é'.repeat(length);
      expect(nodeCodec.decodeBase64urlText(Buffer.from(text).toString('base64url'))).toBe(text);
    }
  });

  it('agrees with the portable decoder on every two- and three-character string of the alphabet', () => {
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const first of 'AQgw_') {
      for (const second of ALPHABET) {
        for (const third of ['', ...ALPHABET]) {
          const input = `${first}${second}${third}`;
          expect(nodeCodec.decodeBase64url(input) === undefined, input).toBe(
            decodeBase64url(input) === undefined,
          );
        }
      }
    }
  });
});

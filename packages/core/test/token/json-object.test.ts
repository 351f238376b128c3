import { describe, expect, it } from 'vitest';
import { isTokenwardError } from '../../src/errors.js';
import { MAX_JSON_DEPTH, parseJsonObject } from '../../src/lib/json-object.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function failure(input: Uint8Array): { code: string; message: string } {
  try {
    parseJsonObject(input, 'payload');
  } catch (error) {
    if (isTokenwardError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected parseJsonObject to throw');
}

describe('parseJsonObject (JOSE-2, JOSE-3, BCP-7)', () => {
  it('returns the object', () => {
    expect(parseJsonObject(bytes('{"a":1,"b":{"c":[1,{"d":"x"}]}}'), 'header')).toEqual({
      a: 1,
      b: { c: [1, { d: 'x' }] },
    });
  });

  it.each([
    ['an array', '[1]'],
    ['a string', '"x"'],
    ['null', 'null'],
    ['a number', '42'],
  ])('rejects %s at the top level (JOSE-2)', (_name, text) => {
    expect(failure(bytes(text))).toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
  });

  it('rejects invalid UTF-8 instead of replacing it (BCP-7)', () => {
    expect(failure(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])).code).toBe(
      'ERR_TOKEN_MALFORMED',
    );
  });

  it('rejects UTF-16 text (BCP-7)', () => {
    expect(failure(new Uint8Array(Buffer.from('{"a":1}', 'utf16le'))).code).toBe('ERR_TOKEN_MALFORMED');
  });

  it('rejects a leading byte-order mark', () => {
    expect(failure(Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes('{"a":1}')])).code).toBe(
      'ERR_TOKEN_MALFORMED',
    );
  });

  it('rejects duplicate member names instead of keeping the last (JOSE-3)', () => {
    expect(failure(bytes('{"alg":"HS256","alg":"RS256"}'))).toEqual({
      code: 'ERR_TOKEN_MALFORMED',
      message: 'JWT payload repeats a member name',
    });
  });

  it('rejects duplicates spelled with escapes (JOSE-3)', () => {
    expect(failure(bytes('{"alg":"RS256","\\u0061lg":"none"}')).code).toBe('ERR_TOKEN_MALFORMED');
  });

  it('rejects duplicates in nested objects and ignores names in values and arrays', () => {
    expect(failure(bytes('{"a":{"x":1,"x":2}}')).code).toBe('ERR_TOKEN_MALFORMED');
    expect(
      parseJsonObject(bytes('{"a":"a","b":["a","a"],"c":{"a":"\\"a"},"d":[{"a":1},{"a":2}]}'), 'payload'),
    ).toEqual({
      a: 'a',
      b: ['a', 'a'],
      c: { a: '"a' },
      d: [{ a: 1 }, { a: 2 }],
    });
  });

  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels and rejects deeper`, () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
    expect(() => parseJsonObject(bytes(nested(MAX_JSON_DEPTH)), 'header')).not.toThrow();
    expect(failure(bytes(nested(MAX_JSON_DEPTH + 1))).message).toBe(
      `JWT payload nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  });

  it('never quotes the parsed text in its message', () => {
    expect(failure(bytes('{"secret-value":')).message).not.toContain('secret-value');
  });
});

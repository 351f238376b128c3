import { describe, expect, it } from 'vitest';
import { decodeBase64url } from '../../src/lib/base64url.js';

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

import { describe, expect, it } from 'vitest';
import { isTokenwardError } from '../../src/errors.js';
import { MAX_JSON_DEPTH, parseJsonObject } from '../../src/lib/token/json-object.js';

function failure(input: string): { code: string; message: string } {
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
    expect(parseJsonObject('{"a":1,"b":{"c":[1,{"d":"x"}]}}', 'header')).toEqual({
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
    expect(failure(text)).toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
  });

  it('rejects duplicate member names instead of keeping the last (JOSE-3)', () => {
    expect(failure('{"alg":"HS256","alg":"RS256"}')).toEqual({
      code: 'ERR_TOKEN_MALFORMED',
      message: 'JWT payload repeats a member name',
    });
  });

  it('rejects duplicates spelled with escapes (JOSE-3)', () => {
    expect(failure('{"alg":"RS256","\\u0061lg":"none"}').code).toBe('ERR_TOKEN_MALFORMED');
  });

  it('rejects duplicates in nested objects and ignores names in values and arrays', () => {
    expect(failure('{"a":{"x":1,"x":2}}').code).toBe('ERR_TOKEN_MALFORMED');
    expect(
      parseJsonObject('{"a":"a","b":["a","a"],"c":{"a":"\\"a"},"d":[{"a":1},{"a":2}]}', 'payload'),
    ).toEqual({
      a: 'a',
      b: ['a', 'a'],
      c: { a: '"a' },
      d: [{ a: 1 }, { a: 2 }],
    });
  });

  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels and rejects deeper`, () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
    expect(() => parseJsonObject(nested(MAX_JSON_DEPTH), 'header')).not.toThrow();
    expect(failure(nested(MAX_JSON_DEPTH + 1)).message).toBe(
      `JWT payload nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  });

  it('never quotes the parsed text in its message', () => {
    expect(failure('{"secret-value":').message).not.toContain('secret-value');
  });

  it('rejects every repeated name the quick count could miss: whitespace, arrays, dropped strings (JOSE-3)', () => {
    for (const text of [
      '{"a":1,"a" :2}',
      '{"a" : "x", "b":"y","a":"z"}',
      '{"a":["x","y"],"b":1,"a":[]}',
      '{"l":[{"k":"v","k":"v"}]}',
      '{"a":{"b":"c"},"a":{"b":"c"}}',
      '{"a":1,"b":"\\u0022","a":2}',
      '{"a":":x","a":1}',
      '{":a":1,":a":2}',
      '{"s":"a b","s":1}',
      '{"a":{"x":":"},"b":1,"b":2}',
    ]) {
      expect(failure(text).message, text).toBe('JWT payload repeats a member name');
    }
  });

  it('accepts strings that start with a colon or hold whitespace, with or without whitespace around', () => {
    for (const text of ['{"a":":b",":c":[":d"]}', '{"a":"x y","b":{"c":":"}}', '{ "a" : ":" }']) {
      expect(parseJsonObject(text, 'payload'), text).toEqual(JSON.parse(text));
    }
  });

  it('rejects a "__proto__" member at any depth, however it is spelled', () => {
    for (const text of [
      '{"__proto__":{"admin":true}}',
      '{"a":1,"__proto__":null}',
      '{"a":{"b":[{"__proto__":1}]}}',
      '{"__pr\\u006fto__":{}}',
    ]) {
      expect(failure(text).message, text).toBe('JWT payload has a "__proto__" member, which is refused');
    }
    // As a value, or a name that only contains it, it is plain data.
    expect(() => parseJsonObject('{"a":"__proto__","x__proto__":1}', 'payload')).not.toThrow();
  });

  it('rejects a \\u escape of a lone surrogate in a value or a name, which no UTF-8 text holds (BCP-7)', () => {
    for (const text of [
      '{"sub":"\\ud800"}',
      '{"sub":"a\\uDBFFb"}',
      '{"sub":"\\udc00x"}',
      '{"a":["\\ud83d"]}',
      '{"a":{"\\udfff":1}}',
      '{"sub":"\\ude00\\ud83d"}',
    ]) {
      expect(failure(text).message, text).toBe(
        'JWT payload holds a string with a lone UTF-16 surrogate (spelled by an escape); expected text that UTF-8 can encode (RFC 8259 section 8.2)',
      );
    }
    // A pair spells one character; an escaped backslash before "ud800" is plain text.
    for (const text of ['{"sub":"\\ud83d\\ude00"}', '{"sub":"\\\\ud800"}', '{"\\ud83d\\ude00":"\\u0041"}']) {
      expect(parseJsonObject(text, 'payload'), text).toEqual(JSON.parse(text));
    }
  });

  it('rejects deep nesting hidden in a repeated member, reporting what comes first', () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(failure(`{"a":${deep},"a":1}`).message).toBe(
      `JWT payload nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
    expect(failure(`{"a":1,"a":${deep}}`).message).toBe('JWT payload repeats a member name');
  });

  it('decides like a reference check on generated objects with and without a repeated name', () => {
    let state = 20;
    const random = (below: number) => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state % below;
    };
    const names = ['a', 'b', 'c', 'é', 'q"', ''];
    const value = (depth: number): unknown => {
      const kind = random(depth > 3 ? 3 : 5);
      if (kind === 0) return names[random(names.length)];
      if (kind === 1) return random(100);
      if (kind === 2) return null;
      if (kind === 3) return Array.from({ length: random(3) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: random(4) }, () => [names[random(names.length)], value(depth + 1)]),
      );
    };
    for (let round = 0; round < 300; round += 1) {
      const object = { first: value(1), second: value(1) } as Record<string, unknown>;
      const text = JSON.stringify(object);
      expect(parseJsonObject(text, 'payload')).toEqual(object);
      // The same member written twice, with a space before the colon the second time.
      const repeated = `${text.slice(0, -1)},"second" :${JSON.stringify(object.first)}}`;
      expect(failure(repeated).message).toBe('JWT payload repeats a member name');
      // And without any whitespace, where names are counted by their `":`.
      const tight = `${text.slice(0, -1)},"second":${JSON.stringify(object.first)}}`;
      expect(failure(tight).message).toBe('JWT payload repeats a member name');
    }
  });
});

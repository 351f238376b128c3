import { describe, expect, it } from 'vitest';
import { createPalette } from '../../src/lib/color.js';
import { Printer } from '../../src/lib/output.js';
import { escapeControls, escapeLine, terminalSafeJson } from '../../src/lib/terminal-text.js';

const ESC = '\u001b';

describe('escapeControls', () => {
  it.each([
    ['C0: ESC, CR, LF, TAB, BS, NUL', `a${ESC}[2Jb\r\n\t\b\u0000`, 'a\\x1b[2Jb\\x0d\\x0a\\x09\\x08\\x00'],
    ['DEL and C1 (U+009B is a one-character CSI)', 'x\u007fy\u009b2Jz\u0085', 'x\\x7fy\\x9b2Jz\\x85'],
    [
      'bidi overrides, isolates and marks',
      'a\u202eb\u2066c\u2069d\u200fe\u061c',
      'a\\u202eb\\u2066c\\u2069d\\u200fe\\u061c',
    ],
    ['line and paragraph separators', 'a\u2028b\u2029', 'a\\u2028b\\u2029'],
  ])('escapes %s', (_name, text, escaped) => {
    expect(escapeControls(text)).toBe(escaped);
  });

  it('leaves printable text alone, non-ASCII included', () => {
    expect(escapeControls('Zoë ✓ 東京 "quoted" \\ back')).toBe('Zoë ✓ 東京 "quoted" \\ back');
  });
});

describe('escapeLine', () => {
  const colours = createPalette(true);

  it("keeps the palette's own colour codes and escapes every other control", () => {
    const line = `${colours.red('✗ refused')} ${ESC}[2J${ESC}[1A\r✓ valid`;
    expect(escapeLine(line, colours.sequences)).toBe(
      `${ESC}[31m✗ refused${ESC}[39m \\x1b[2J\\x1b[1A\\x0d✓ valid`,
    );
  });

  it('escapes every ESC when colours are off', () => {
    expect(escapeLine(`${ESC}[31mx`, createPalette(false).sequences)).toBe('\\x1b[31mx');
  });
});

describe('terminalSafeJson', () => {
  it('escapes C1, DEL and bidi characters as \\u escapes that decode to the same value', () => {
    const value = { 'n\u202eame': `v\u009b2J\u007f${ESC}` };
    const json = terminalSafeJson(value, 2);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters looked for
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(json).toContain('\\u202e');
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('Printer', () => {
  it('writes one line per call whatever a value holds', () => {
    let written = '';
    const out = new Printer({ write: (text: string) => (written += text), isTTY: false }, {});
    out.check('pass', `iss\n✓ valid access token${ESC}[2K`, 'x');
    expect(written.split('\n')).toHaveLength(2);
    expect(written).toContain('\\x0a✓ valid access token\\x1b[2K');
  });
});

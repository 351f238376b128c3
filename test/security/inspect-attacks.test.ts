/**
 * `tokenward inspect` rows, run in-process through the CLI's `main` as a terminal would get them
 * (colours on) and as `--json`: no control character from the token reaches the output, and each
 * injected sequence is shown as its escape.
 */
import { type CliIo, main } from '@tokenward/cli';
import { describe, expect, it } from 'vitest';
import { inspectFamilies } from './cases/index.js';
import { caseTitle } from './forge.js';

/** Characters a terminal acts on (C0 but LF, DEL, C1, bidi controls, line separators), ESC aside. */
const TERMINAL_CONTROLS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters looked for
  /[\u0000-\u0009\u000b-\u001a\u001c-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** The palette's own colour codes (SGR), the only escape sequences the output may hold. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is the point
const PALETTE = /\u001b\[(?:[0-9]{1,2}(?:;[0-9]{1,2})*)?m/g;

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function inspect(token: string, args: readonly string[], isTTY: boolean): Promise<string> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { isTTY, write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: (async function* () {})(),
    env: {},
  };
  await main(['inspect', token, ...args], io);
  expect(stderr).toBe('');
  return stdout;
}

describe.each(Object.entries(inspectFamilies))('%s', (_family, rows) => {
  it.each(rows.map((row) => [caseTitle({ ...row, expect: 'escaped' }), row] as const))(
    '%s',
    async (_title, row) => {
      const token = `${encode(row.header)}.${encode(row.claims)}.c2lnbmF0dXJl`;
      const text = await inspect(token, [], true);
      expect(text).toContain('\u001b['); // the terminal palette is on
      const withoutPalette = text.replace(PALETTE, '');
      expect(withoutPalette).not.toMatch(TERMINAL_CONTROLS);
      expect(withoutPalette).not.toContain('\u001b');
      for (const shown of row.shows) expect(withoutPalette).toContain(shown);
      const json = await inspect(token, ['--json'], false);
      expect(json).not.toMatch(TERMINAL_CONTROLS);
      expect(json).not.toContain('\u001b');
      // Escaped, not dropped: the JSON still decodes to what the token carries.
      expect(JSON.parse(json)).toMatchObject({ header: row.header });
    },
  );
});

/**
 * Colours through the built binary: never into a pipe, on a terminal only without NO_COLOR.
 * The terminal is a real pseudo-terminal from util-linux `script`.
 */
import { describe, expect, it } from 'vitest';
import { BIN, runCli, runProcess } from '../support/built-cli.js';
import { clientCredentialsToken, ORDER_SCOPES } from '../support/context.js';

const ESCAPE = '\u001b[';

/** Runs the CLI on a pseudo-terminal (`script -q -e -c "<command>" /dev/null`). */
function runOnTerminal(args: readonly string[], env: Record<string, string> = {}) {
  const command = [process.execPath, BIN, ...args]
    .map((word) => `'${word.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  return runProcess('script', ['-q', '-e', '-c', command, '/dev/null'], { env: { TERM: 'xterm', ...env } });
}

export function colorCases(): void {
  describe('colours', () => {
    it('are off when stdout is a pipe', async () => {
      const token = await clientCredentialsToken('default', ORDER_SCOPES);
      const run = await runCli(['inspect', token]);
      expect(run.stdout).toContain('· exp');
      expect(run.stdout).not.toContain(ESCAPE);
    });

    it('are on for a terminal, and off on the same terminal with NO_COLOR set', async () => {
      const token = await clientCredentialsToken('default', ORDER_SCOPES);
      const coloured = await runOnTerminal(['inspect', token]);
      expect(coloured.code).toBe(0);
      expect(coloured.stdout).toContain(ESCAPE);
      const plain = await runOnTerminal(['inspect', token], { NO_COLOR: '1' });
      expect(plain.code).toBe(0);
      expect(plain.stdout).toContain('decoded WITHOUT verification');
      expect(plain.stdout).not.toContain(ESCAPE);
    });
  });
}

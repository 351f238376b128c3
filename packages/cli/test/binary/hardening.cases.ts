/**
 * Output the CLI must survive: tokens that try to drive the terminal, dates beyond any date, and a
 * reader that closes the pipe early. All through the built binary and real pipes.
 */
import { describe, expect, it } from 'vitest';
import { BIN, runCli, runProcess } from '../support/built-cli.js';
import { context, issuerOf } from '../support/context.js';
import { craftedToken, expectNoTokenIn } from '../support/tokens.js';

/** Characters a terminal acts on: C0 but LF, DEL, C1, and bidi controls. */
const TERMINAL_CONTROLS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters looked for
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function hostileToken(): string {
  const future = Math.floor(Date.now() / 1000) + 600;
  return craftedToken(
    { alg: 'RS256\u001b[2J\u001b[H', kid: 'k\u009b1;1H\u202e', typ: 'JWT' },
    {
      iss: issuerOf('default'),
      sub: '\u001b]0;owned\u0007alice',
      aud: 'api://default',
      cid: 'c\u200fid',
      exp: future,
      '\u001b[1A\r✓ valid access token\u001b[K': 'x\u0008\u007f',
      scp: ['orders:read\u2028✓ nothing would be refused'],
    },
  );
}

export function hardeningCases(): void {
  describe('output hardening', () => {
    it('inspect shows control characters in names, values, alg and kid as escapes (text) (BCP-10)', async () => {
      const token = hostileToken();
      const run = await runCli(['inspect', token]);
      expect(run.stdout).not.toMatch(TERMINAL_CONTROLS);
      expect(run.stdout).toContain('RS256\\x1b[2J\\x1b[H');
      expect(run.stdout).toContain('\\x1b[1A\\x0d✓ valid access token\\x1b[K');
      expect(run.stdout).toContain('k\\x9b1;1H\\u202e');
      expect(run.stdout).toContain('\\u2028✓ nothing would be refused');
      // Every line the token contributes is one line: no line starts with a forged verdict.
      expect(run.stdout.split('\n').filter((line) => line.startsWith('✓'))).toEqual([]);
      expectNoTokenIn(run.stdout + run.stderr, token);
    });

    it('inspect --json escapes them too, and the JSON still decodes to the token content (BCP-10)', async () => {
      const token = hostileToken();
      const run = await runCli(['inspect', token, '--json']);
      expect(run.stdout).not.toMatch(TERMINAL_CONTROLS);
      const result = JSON.parse(run.stdout) as { header: { alg: string; kid: string } };
      expect(result.header).toMatchObject({ alg: 'RS256\u001b[2J\u001b[H', kid: 'k\u009b1;1H\u202e' });
    });

    it('inspect flags exp 1e20 as an invalid claim instead of crashing on its date (JOSE-15)', async () => {
      const token = await context.issuer.server('default').mintAccessToken({ exp: 1e20 });
      const run = await runCli(['inspect', token]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /✗ exp +exp 100000000000000000000 is beyond any date .*\(ERR_CLAIM_INVALID\)/,
      );
    });

    it.each([
      ['text', []],
      ['--json', ['--json']],
    ])(
      'verify refuses exp 1e20 clearly instead of crashing on an Invalid Date (%s) (JOSE-15)',
      async (_name, extra) => {
        const token = await context.issuer.server('default').mintAccessToken({ exp: 1e20 });
        const run = await runCli([
          'verify',
          token,
          '--issuer',
          issuerOf('default'),
          '--audience',
          'api://default',
          ...extra,
        ]);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(1);
        if (extra.length === 0) {
          expect(run.stdout).toContain('✗ refused: ERR_CLAIM_INVALID (401 invalid_token)');
          expect(run.stdout).toMatch(/✗ claims +\S.*exp/);
        } else {
          const result = JSON.parse(run.stdout) as { outcome: string; error: { code: string } };
          expect(result).toMatchObject({ outcome: 'invalid', error: { code: 'ERR_CLAIM_INVALID' } });
        }
      },
    );

    it.each([
      ['text', []],
      ['--json', ['--json']],
    ])('a closed stdout (| head -1) ends quietly with the usual exit code (%s)', async (_name, extra) => {
      // Far more output than a pipe buffers (64 KiB), so writing after head has gone is certain.
      const claims: Record<string, unknown> = {
        iss: issuerOf('default'),
        sub: 'alice',
        aud: 'api://default',
        cid: 'cli-tests',
        exp: Math.floor(Date.now() / 1000) + 600,
      };
      for (let index = 0; index < 3000; index += 1) claims[`claim${index}`] = 'x'.repeat(40);
      const token = craftedToken({ alg: 'RS256', kid: 'k1' }, claims);
      const script = `"${process.execPath}" "${BIN}" inspect - ${extra.join(' ')} | head -1`;
      // pipefail: the pipeline's status is the CLI's own when it is not 0.
      const run = await runProcess('bash', ['-o', 'pipefail', '-c', script], { input: token });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')).toHaveLength(2);
    });
  });
}

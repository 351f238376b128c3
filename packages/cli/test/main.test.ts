/** `main` in-process, as the package exports it: dispatch, exit codes and colour decisions. */
import { describe, expect, it } from 'vitest';
import { type CliIo, EXIT, main } from '../src/index.js';
import { unsignedToken } from './support/tokens.js';

function memoryIo(options: { isTTY?: boolean; env?: Record<string, string>; stdin?: string } = {}) {
  const output = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: { isTTY: options.isTTY ?? false, write: (text: string) => (output.stdout += text) },
    stderr: { write: (text: string) => (output.stderr += text) },
    stdin: (async function* () {
      if (options.stdin !== undefined) yield options.stdin;
    })(),
    env: options.env ?? {},
  };
  return { io, output };
}

const TOKEN = unsignedToken({ iss: 'https://acme.okta.com/oauth2/default', sub: 'a', aud: 'api://default' });

describe('main', () => {
  it('prints the command list for no arguments and `help <command>` for one command', async () => {
    const list = memoryIo();
    expect(await main([], list.io)).toBe(EXIT.ok);
    expect(list.output.stdout).toContain('Usage: tokenward <command>');
    const topic = memoryIo();
    expect(await main(['help', 'discover'], topic.io)).toBe(EXIT.ok);
    expect(topic.output.stdout).toContain('Usage: tokenward discover <issuer>');
  });

  it('answers usage errors with exit 2 on stderr', async () => {
    const { io, output } = memoryIo();
    expect(await main(['inspect'], io)).toBe(EXIT.usage);
    expect(output.stdout).toBe('');
    expect(output.stderr).toContain('tokenward inspect: missing the token');
  });

  it('refuses a --scope value that is not one scope token, as core reads scope tokens', async () => {
    const flags = ['--issuer', 'https://acme.okta.com/oauth2/default', '--audience', 'api://default'];
    for (const scope of ['orders:read orders:write', 'orders"read', '']) {
      const { io, output } = memoryIo();
      expect(await main(['verify', TOKEN, ...flags, '--scope', scope], io), scope).toBe(EXIT.usage);
      expect(output.stderr).toContain('--scope takes one scope token each');
    }
  });

  it('colours a terminal, but not with NO_COLOR set', async () => {
    const coloured = memoryIo({ isTTY: true });
    await main(['inspect', TOKEN], coloured.io);
    expect(coloured.output.stdout).toContain('\u001b[31m✗\u001b[39m');
    const plain = memoryIo({ isTTY: true, env: { NO_COLOR: '1' } });
    await main(['inspect', TOKEN], plain.io);
    expect(plain.output.stdout).toContain('✗ alg');
    expect(plain.output.stdout).not.toContain('\u001b[');
  });

  it('reads the token from the injected stdin', async () => {
    const { io, output } = memoryIo({ stdin: TOKEN });
    expect(await main(['inspect', '-', '--json'], io)).toBe(EXIT.invalid);
    expect(JSON.parse(output.stdout)).toMatchObject({
      verified: false,
      wouldFail: true,
      tokenKind: { kind: 'unknown' },
    });
  });
});

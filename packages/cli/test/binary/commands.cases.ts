/** The `tokenward` entry itself and `tokenward issuer`, through the built binary. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, runProcess } from '../support/built-cli.js';
import { clientCredentialsToken, ORDER_SCOPES } from '../support/context.js';

interface IssuerJson {
  origin: string;
  servers: Array<{ id: string; issuer: string; discoveryUrl: string }>;
}

/** Starts `tokenward issuer --json`, resolves with its first JSON document and the child. */
function startIssuerProcess(args: readonly string[]) {
  const child = spawn(process.execPath, [BIN, 'issuer', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const started = new Promise<IssuerJson>((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      try {
        resolve(JSON.parse(text) as IssuerJson);
      } catch {
        // The document is not complete yet; wait for the next chunk.
      }
    });
    child.on('close', (code) => reject(new Error(`tokenward issuer exited with ${code} before printing`)));
  });
  return { child, started, exited };
}

export function commandCases(): void {
  describe('tokenward', () => {
    it('lists every command with examples, exit 0', async () => {
      const run = await runCli(['--help']);
      expect(run.code).toBe(0);
      for (const command of ['verify', 'inspect', 'discover', 'issuer', 'demo'])
        expect(run.stdout).toContain(`  ${command} `);
      expect(run.stdout).toContain('Examples:');
    });

    it.each(['verify', 'inspect', 'discover', 'issuer', 'demo'])(
      'prints help with examples for %s',
      async (command) => {
        const run = await runCli([command, '--help']);
        expect(run.code).toBe(0);
        expect(run.stdout).toContain(`Usage: tokenward ${command}`);
        expect(run.stdout).toContain('Examples:');
      },
    );

    it('exit 2 for an unknown command, on stderr, without repeating what looks like a token', async () => {
      const token = await clientCredentialsToken('default', ORDER_SCOPES);
      const run = await runCli([token]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('unknown command');
      expect(run.stderr).not.toContain(token.slice(0, 10));
      expect((await runCli(['verfy'])).stderr).toContain('unknown command "verfy"');
    });

    it('prints its version', async () => {
      const run = await runCli(['--version']);
      expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    });
  });

  describe('tokenward issuer', () => {
    it('starts the reference issuer with the issuer package flags and stops on SIGTERM with exit 0', async () => {
      const { child, started, exited } = startIssuerProcess([
        '--servers',
        'payments',
        '--client',
        'svc:s3cret:orders:read',
      ]);
      const description = await started;
      expect(description.servers.map((server) => server.id)).toEqual(['org', 'default', 'payments']);
      const discovery = await fetch(description.servers[2]!.discoveryUrl);
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(
        `${description.origin}/oauth2/payments`,
      );
      const token = await fetch(`${description.origin}/oauth2/default/v1/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('svc:s3cret').toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'orders:read' }),
      });
      expect(token.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    });

    it('prints the banner of tokenward-issuer without --json', async () => {
      const child = spawn(process.execPath, [BIN, 'issuer'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const banner = await new Promise<string>((resolve) => {
        let text = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('Ctrl-C')) resolve(text);
        });
      });
      expect(banner).toContain('custom server "default"');
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    });

    it('exit 2 for a flag the issuer does not know', async () => {
      const run = await runProcess(process.execPath, [BIN, 'issuer', '--alg', 'HS256']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--alg must be RS256, ES256, PS256 or EdDSA');
    });
  });
}

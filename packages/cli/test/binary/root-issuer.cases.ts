/**
 * A root-path issuer that is not the vendor's org server, signing with ES256: the reference issuer
 * with `orgServerLayout: 'generic'` (endpoints at the root, no /oauth2/v1). The CLI verifies its
 * tokens with `--alg ES256 --no-org-server-rules`, and says what is missing without them.
 */
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/built-cli.js';
import { CLIENT, ORDER_SCOPES } from '../support/context.js';
import { expectNoTokenIn } from '../support/tokens.js';

interface VerifyJson {
  outcome: string;
  token?: { subject: string; scopes: string[]; server: { kind: string }; header: { alg: string } };
  error?: { code: string; action: string };
}

interface DiscoverJson {
  outcome: string;
  classification: { kind: string; summary: string };
  sections: Array<{ checks: Array<{ status: string; label: string; detail: string }> }>;
}

export function rootIssuerCases(): void {
  describe('a root-path issuer that is not the vendor’s (ES256)', () => {
    let root: ReferenceIssuer;
    let token: string;

    beforeAll(async () => {
      root = await startIssuer({
        port: 0,
        alg: 'ES256',
        orgServerLayout: 'generic',
        clients: [{ ...CLIENT, scopes: ORDER_SCOPES }],
      });
      const basic = Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64');
      const response = await fetch(root.orgServer.tokenEndpoint, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'orders:read' }),
      });
      token = ((await response.json()) as { access_token: string }).access_token;
    });
    afterAll(async () => {
      await root.close();
    });

    const verify = (...extra: string[]) =>
      runCli(['verify', '-', '--issuer', root.origin, '--audience', root.origin, ...extra], { input: token });

    it('verify accepts its ES256 token with --alg ES256 --no-org-server-rules (OK-1, BCP-1)', async () => {
      expect(root.orgServer.tokenEndpoint).toBe(`${root.origin}/token`);
      const run = await verify('--alg', 'ES256', '--no-org-server-rules', '--scope', 'orders:read', '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as VerifyJson;
      expect(result.outcome).toBe('valid');
      expect(result.token).toMatchObject({
        subject: CLIENT.clientId,
        scopes: ['orders:read'],
        server: { kind: 'other' },
        header: { alg: 'ES256' },
      });
      const text = await verify('--alg', 'ES256', '--no-org-server-rules');
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('✓ valid access token');
      expect(text.stdout).toContain(`${root.origin}, a root-path issuer verified generically`);
      expectNoTokenIn(run.stdout + text.stdout, token);
    });

    it('without --no-org-server-rules: a usage error that names the flag (OK-1)', async () => {
      const run = await verify('--alg', 'ES256');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--issuer ${root.origin} is a root-path issuer`);
      expect(run.stderr).toContain('add --no-org-server-rules');
      expect(run.stderr).not.toContain('orgServerRules');
    });

    it('without --alg: refused for its algorithm, with the flag that accepts it (BCP-1)', async () => {
      const run = await verify('--no-org-server-rules', '--json');
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout) as VerifyJson;
      expect(result.error?.code).toBe('ERR_ALG_NOT_ALLOWED');
      expect(result.error?.action).toContain('--alg');
      expect(run.stdout).not.toContain('`algorithms`');
    });

    it('discover calls it a root-path issuer, not the org server (MD-5)', async () => {
      const without = await runCli(['discover', root.origin, '--json']);
      const result = JSON.parse(without.stdout) as DiscoverJson;
      expect(result.classification.kind).toBe('root');
      expect(result.classification.summary).toMatch(/^a root-path issuer whose metadata is not the vendor's/);

      const run = await runCli(['discover', root.origin, '--alg', 'ES256']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("a root-path issuer whose metadata is not the vendor's org server");
      expect(run.stdout).not.toContain('the org authorization server');
      expect(run.stdout).toContain('✓ every check passed');
    });

    it('inspect finds nothing to refuse with the same flags, and names them without (OK-1)', async () => {
      const flagged = await runCli(['inspect', '-', '--alg', 'ES256', '--no-org-server-rules'], {
        input: token,
      });
      expect(flagged.code).toBe(0);
      expect(flagged.stdout).toContain('a root-path issuer');
      const plain = await runCli(['inspect', '-'], { input: token });
      expect(plain.code).toBe(1);
      expect(plain.stdout).toContain('--no-org-server-rules');
      expect(plain.stdout).toContain('--alg ES256');
    });
  });
}

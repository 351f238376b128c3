/** `tokenward discover` through the built binary, against the shared reference issuer. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/built-cli.js';
import { context, issuerOf } from '../support/context.js';
import { closedPort } from '../support/tokens.js';

interface DiscoverJson {
  outcome: string;
  classification: { kind: string };
  jwksUri: string | null;
  keys: Array<{ kid: string | null; kty: string; bits?: number }>;
  sections: Array<{
    title: string;
    url?: string;
    checks: Array<{ status: string; label: string; detail: string }>;
  }>;
  failed: number;
}

const checksOf = (result: DiscoverJson) => result.sections.flatMap((section) => section.checks);

export function discoverCases(): void {
  describe('tokenward discover', () => {
    it('exit 0 for a custom server: three metadata forms (MD-2), the key set and core all pass', async () => {
      const run = await runCli(['discover', issuerOf('default'), '--json']);
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as DiscoverJson;
      expect(result.outcome).toBe('ok');
      expect(result.sections.map((section) => section.url)).toEqual(
        expect.arrayContaining([
          `${context.issuer.origin}/.well-known/oauth-authorization-server/oauth2/default`,
          `${issuerOf('default')}/.well-known/oauth-authorization-server`,
          `${issuerOf('default')}/.well-known/openid-configuration`,
        ]),
      );
      expect(result.jwksUri).toBe(context.issuer.server('default').jwksUri);
      expect(result.keys[0]).toMatchObject({ kty: 'RSA', bits: 2048 });
      expect(checksOf(result).filter((check) => check.status === 'fail')).toEqual([]);
      expect(checksOf(result).find((check) => check.label === 'loads keys')?.status).toBe('pass');
    });

    it('prints ✓ lines and the cache lifetime for the org server (two forms coincide)', async () => {
      const run = await runCli(['discover', context.issuer.origin]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('the org authorization server');
      expect(run.stdout).toMatch(/✓ cache +max-age=300/);
      expect(run.stdout).toContain('✓ every check passed');
      expect(run.stdout).not.toContain('appended form');
    });

    it('exit 1 when the metadata names another issuer (MD-4, MD-5)', async () => {
      context.issuer.setFault({
        server: 'payments',
        endpoint: 'discovery',
        issuer: 'https://evil.example/oauth2/payments',
      });
      try {
        const run = await runCli(['discover', issuerOf('payments'), '--json']);
        expect(run.code).toBe(1);
        const result = JSON.parse(run.stdout) as DiscoverJson;
        const issuerChecks = checksOf(result).filter(
          (check) => check.label === 'issuer' && check.status === 'fail',
        );
        expect(issuerChecks).toHaveLength(3);
        expect(issuerChecks[0]?.detail).toContain('https://evil.example/oauth2/payments');
      } finally {
        context.issuer.clearFaults();
      }
    });

    it('exit 3 when nothing answers, saying why (connection refused)', async () => {
      const port = await closedPort();
      const run = await runCli(['discover', `http://127.0.0.1:${port}/oauth2/default`]);
      expect(run.code).toBe(3);
      expect(run.stdout).toContain('could not reach the issuer');
      expect(run.stdout).toContain(
        `because connection refused (nothing listens on that port): ECONNREFUSED connect ECONNREFUSED 127.0.0.1:${port}`,
      );
      const json = await runCli(['discover', `http://127.0.0.1:${port}/oauth2/default`, '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({
        outcome: 'unreachable',
        unreachableBecause: expect.stringContaining('ECONNREFUSED'),
      });
    });

    it('names the org server only from vendor-shaped metadata (endpoints under /oauth2/v1) (OK-1)', async () => {
      const run = await runCli(['discover', context.issuer.origin, '--json']);
      expect((JSON.parse(run.stdout) as DiscoverJson).classification.kind).toBe('org');
    });

    it('exit 3 when the key set answers 503', async () => {
      context.issuer.setFault({ server: 'payments', endpoint: 'jwks', status: 503 });
      try {
        const run = await runCli(['discover', issuerOf('payments'), '--json']);
        expect(run.code).toBe(3);
        expect(JSON.parse(run.stdout)).toMatchObject({
          outcome: 'unreachable',
          unreachableBecause: `${context.issuer.server('payments').jwksUri} answered 503 Service Unavailable`,
        });
        const text = await runCli(['discover', issuerOf('payments')]);
        expect(text.stdout).toContain('✗ fetched        answered 503 Service Unavailable');
      } finally {
        context.issuer.clearFaults();
      }
    });

    it.each([
      ['no issuer', ['discover'], 'missing the issuer URL'],
      ['a non-URL', ['discover', 'acme.okta.com'], 'absolute URL'],
      ['two issuers', ['discover', 'https://a.example', 'https://b.example'], 'expected one argument'],
      [
        'an issuer with a query (MD-1)',
        ['discover', 'https://a.example/oauth2/default?x=1'],
        'without query',
      ],
    ])('exit 2 for %s', async (_name, args, message) => {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    });
  });
}

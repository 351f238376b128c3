/** `tokenward demo` end to end: the spawned binary runs every scenario against both APIs. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/built-cli.js';

const SCENARIOS = [
  'valid token',
  'missing scope',
  'no token',
  'expired token',
  'tampered signature',
  'sibling server token',
  'org-server token',
  'key rotation',
  'key set down, stale keys',
  'key set down, window over',
];

interface DemoJson {
  ok: boolean;
  results: Array<{
    scenario: string;
    api: string;
    matched: boolean;
    expected: { status: number; code?: string };
    got: { status: number; code: string | null; wwwAuthenticate: string | null; retryAfter: string | null };
    jwksRequests: { before: number; after: number };
  }>;
}

export function demoCases(): void {
  describe('tokenward demo', () => {
    it('narrates every scenario against both APIs and ends with an all-✓ summary, exit 0', async () => {
      const run = await runCli(['demo']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const summary = run.stdout.slice(run.stdout.indexOf('Summary'));
      for (const scenario of SCENARIOS) {
        for (const api of ['Express', 'Fastify']) {
          expect(summary).toMatch(new RegExp(`${scenario} +${api} .*✓`));
        }
      }
      expect(summary).not.toContain('✗');
      expect(summary).toContain('✓ all 20 outcomes matched');
      expect(run.stdout).toContain('WWW-Authenticate: Bearer realm="api", error="insufficient_scope"');
    });

    it('prints the results as JSON with --json: statuses, challenges, one refetch per API on rotation', async () => {
      const run = await runCli(['demo', '--json']);
      expect(run.code).toBe(0);
      const demo = JSON.parse(run.stdout) as DemoJson;
      expect(demo.ok).toBe(true);
      expect([...new Set(demo.results.map((result) => result.scenario))]).toEqual(SCENARIOS);
      const row = (scenario: string, api: string) =>
        demo.results.find((result) => result.scenario === scenario && result.api === api)!;
      for (const api of ['Express', 'Fastify']) {
        expect(row('no token', api).got).toMatchObject({
          status: 401,
          wwwAuthenticate: 'Bearer realm="api"',
        });
        expect(row('org-server token', api).got.code).toBe('ERR_ORG_SERVER_TOKEN');
        const rotation = row('key rotation', api).jwksRequests;
        expect(rotation.after - rotation.before).toBe(1);
        expect(row('key set down, window over', api).got).toMatchObject({
          status: 503,
          retryAfter: expect.any(String),
        });
      }
    });
  });
}

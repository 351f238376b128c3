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
  'DPoP-bound token',
  'DPoP proof replayed',
  'DPoP token as Bearer',
  'opaque token',
  'revoked, still cached',
  'revoked, cache bound over',
  'key rotation',
  'key set down, stale keys',
  'key set down, window over',
];

interface DemoJson {
  ok: boolean;
  stepUp: Array<{
    name: string;
    api: string;
    matched: boolean;
    got: { status: number; code: string | null; wwwAuthenticate: string | null; acr: string | null };
  }>;
  gateway: {
    via: 'nginx' | 'gateway';
    cases: Array<{ path: string; matched: boolean; got: { status: number; code: string | null } }>;
  };
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
      expect(summary).toContain('gateway act (through NGINX): 6 of 6 outcomes matched');
      expect(summary).toContain('step-up act: 8 of 8 outcomes matched');
      expect(summary).toContain('✓ all 46 outcomes matched');
      expect(run.stdout).toContain('Step-up act: POST /payouts wants a two-factor sign-in');
      expect(run.stdout).toContain('WWW-Authenticate: Bearer realm="api", error="insufficient_scope"');
      expect(run.stdout).toContain('client → NGINX (auth_request, the gateway README recipe) → API');
    });

    it('runs the gateway act with the gateway alone, saying so, when NGINX is not installed', async () => {
      // nginx lives in /usr/sbin: without it on PATH the demo cannot find it.
      const run = await runCli(['demo', '--json'], { env: { PATH: '/usr/bin:/bin' } });
      expect(run.code).toBe(0);
      const demo = JSON.parse(run.stdout) as DemoJson;
      expect(demo.gateway.via).toBe('gateway');
      expect(demo.gateway.cases.map((result) => [result.path, result.got.status, result.matched])).toEqual([
        ['/orders', 200, true],
        ['/orders/refund', 403, true],
        ['/orders', 401, true],
        ['/admin', 403, true],
        ['/orders/../admin', 400, true],
        ['/health', 200, true],
      ]);
      expect(demo.gateway.cases[3]!.got.code).toBe('ERR_POLICY_DENIED');
    });

    it('prints the results as JSON with --json: statuses, challenges, one refetch per API on rotation', async () => {
      const run = await runCli(['demo', '--json']);
      expect(run.code).toBe(0);
      const demo = JSON.parse(run.stdout) as DemoJson;
      expect(demo.ok).toBe(true);
      expect(demo.gateway.via).toBe('nginx');
      // SU-1, SU-2, SU-4: refused for a weak, then a stale sign-in, each time let through after
      // signing in again with what the challenge named.
      for (const api of ['Express', 'Fastify']) {
        const steps = demo.stepUp.filter((step) => step.api === api);
        expect(steps.map((step) => [step.got.status, step.got.acr, step.matched])).toEqual([
          [401, 'urn:tokenward:loa:1', true],
          [200, 'urn:tokenward:loa:2', true],
          [401, 'urn:tokenward:loa:2', true],
          [200, 'urn:tokenward:loa:2', true],
        ]);
        // The demo's APIs take DPoP too: the DPoP challenge follows the Bearer one.
        expect(steps[0]?.got.wwwAuthenticate).toMatch(
          /acr_values="urn:tokenward:loa:2", max_age="300", DPoP realm="api", algs="[^"]+"$/,
        );
        expect(steps[2]?.got.code).toBe('ERR_INSUFFICIENT_USER_AUTHENTICATION');
      }
      expect(demo.gateway.cases.every((result) => result.matched)).toBe(true);
      expect([...new Set(demo.results.map((result) => result.scenario))]).toEqual(SCENARIOS);
      const row = (scenario: string, api: string) =>
        demo.results.find((result) => result.scenario === scenario && result.api === api)!;
      for (const api of ['Express', 'Fastify']) {
        // The APIs take DPoP beside Bearer: both challenges, side by side (RFC 9449 section 7.1).
        expect(row('no token', api).got).toMatchObject({ status: 401 });
        expect(row('no token', api).got.wwwAuthenticate).toMatch(
          /^Bearer realm="api", scope="orders:read", DPoP realm="api", algs="ES256 /,
        );
        expect(row('DPoP-bound token', api).got.status).toBe(200);
        expect(row('DPoP proof replayed', api).got.code).toBe('ERR_DPOP_REPLAYED');
        expect(row('DPoP token as Bearer', api).got.code).toBe('ERR_DPOP_BINDING_MISMATCH');
        expect(row('org-server token', api).got.code).toBe('ERR_ORG_SERVER_TOKEN');
        // IN-4: revoked at the issuer, served from the cached answer, refused past the cache bound.
        expect(row('opaque token', api).got.status).toBe(200);
        expect(row('revoked, still cached', api).got.status).toBe(200);
        expect(row('revoked, cache bound over', api).got).toMatchObject({
          status: 401,
          code: 'ERR_TOKEN_INACTIVE',
        });
        expect(row('revoked, cache bound over', api).got.wwwAuthenticate).toMatch(
          /^Bearer realm="api", error="invalid_token"/,
        );
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

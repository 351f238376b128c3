/** `tokenward inspect` through the built binary: decoding without trust, findings, exit codes. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/built-cli.js';
import { clientCredentialsToken, context, ORDER_SCOPES } from '../support/context.js';
import { expectNoTokenIn, unsignedToken } from '../support/tokens.js';

interface InspectJson {
  verified: boolean;
  note: string;
  issuer: { kind: string; id?: string; isDefault?: boolean };
  tokenKind: { kind: string };
  findings: Array<{ severity: string; check: string; message: string; code?: string; action?: string }>;
  wouldFail: boolean;
}

async function inspectJson(token: string): Promise<{ code: number | null; result: InspectJson }> {
  const run = await runCli(['inspect', '-', '--json'], { input: token });
  expectNoTokenIn(run.stdout + run.stderr, token);
  return { code: run.code, result: JSON.parse(run.stdout) as InspectJson };
}

const failing = (result: InspectJson) => result.findings.filter((finding) => finding.severity === 'fail');

export function inspectCases(): void {
  describe('tokenward inspect', () => {
    it('says it did not verify, classifies the default custom server, exit 0 for a good access token', async () => {
      const token = await clientCredentialsToken('default', ORDER_SCOPES);
      const run = await runCli(['inspect', token]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('decoded WITHOUT verification');
      expect(run.stdout).toContain('the default custom authorization server');
      expect(run.stdout).toContain('an access token');
      expectNoTokenIn(run.stdout + run.stderr, token);
    });

    it('flags an expired token and by how long (JOSE-15)', async () => {
      const token = await context.issuer.server('default').mintAccessToken({}, { expiresIn: -600 });
      const { code, result } = await inspectJson(token);
      expect(code).toBe(1);
      expect(result.verified).toBe(false);
      expect(failing(result)).toEqual([
        expect.objectContaining({
          check: 'exp',
          code: 'ERR_TOKEN_EXPIRED',
          message: expect.stringMatching(/^expired 10 min( \d+ s)? ago/),
        }),
      ]);
    });

    it('flags a token not valid yet', async () => {
      const token = await context.issuer.server('default').mintAccessToken({}, { notBefore: 3600 });
      const { result } = await inspectJson(token);
      expect(failing(result).map((finding) => finding.code)).toEqual(['ERR_TOKEN_NOT_YET_VALID']);
    });

    it('recognises an ID token by its nonce and its client-id audience (OK-2, AT-10)', async () => {
      const token = await context.issuer
        .server('default')
        .mintIdToken({ nonce: 'n-1' }, { clientId: 'spa-client' });
      const { code, result } = await inspectJson(token);
      expect(code).toBe(1);
      expect(result.tokenKind.kind).toBe('id');
      expect(failing(result)).toEqual([expect.objectContaining({ check: 'type', code: 'ERR_TYPE_INVALID' })]);
    });

    it('calls an ID token without nonce an ID token from its client-id audience', async () => {
      const token = await context.issuer.server('default').mintIdToken({}, { clientId: '0oa1spa' });
      const { result } = await inspectJson(token);
      expect(result.tokenKind.kind).toBe('id');
      expect(failing(result)[0]?.message).toContain('aud "0oa1spa" looks like a client id');
    });

    it('calls an org-server issuer a root-path issuer (no metadata offline) and flags its access token (OK-1)', async () => {
      const token = await clientCredentialsToken('org', ORDER_SCOPES);
      const { result } = await inspectJson(token);
      expect(result.issuer.kind).toBe('root');
      expect(failing(result)).toEqual([
        expect.objectContaining({
          code: 'ERR_ORG_SERVER_TOKEN',
          action: expect.stringContaining(
            `get a token from a custom authorization server such as ${context.issuer.origin}/oauth2/default`,
          ),
        }),
      ]);
      const text = await runCli(['inspect', token]);
      expect(text.stdout).toContain(`tokenward discover ${context.issuer.origin}`);
      expect(text.stdout).not.toContain('the org authorization server of');
    });

    it('classifies a sibling custom server by id', async () => {
      const token = await clientCredentialsToken('payments', ['orders:read']);
      const { code, result } = await inspectJson(token);
      expect(code).toBe(0);
      expect(result.issuer).toMatchObject({ kind: 'custom', id: 'payments', isDefault: false });
    });

    it('flags scp as a string and scope as an array (claim shapes)', async () => {
      const server = context.issuer.server('default');
      const stringScp = await server.mintAccessToken({ scp: 'orders:read' });
      const arrayScope = await server.mintAccessToken({ scope: ['orders:read'] });
      expect(failing((await inspectJson(stringScp)).result)).toEqual([
        expect.objectContaining({ check: 'scp', code: 'ERR_CLAIM_INVALID' }),
      ]);
      expect(failing((await inspectJson(arrayScope)).result)).toEqual([
        expect.objectContaining({ check: 'scope', code: 'ERR_CLAIM_INVALID' }),
      ]);
    });

    it('flags a token without exp', async () => {
      const token = await context.issuer.server('default').mintAccessToken({}, { omit: ['exp'] });
      const { result } = await inspectJson(token);
      expect(failing(result)).toEqual([expect.objectContaining({ check: 'exp', code: 'ERR_CLAIM_MISSING' })]);
    });

    it('flags alg none (JOSE-14) and HS256 (BCP-3) as never accepted', async () => {
      const server = context.issuer.server('default');
      const claims = {
        iss: server.issuer,
        sub: 's',
        aud: 'api://default',
        cid: 'c',
        exp: Math.floor(Date.now() / 1000) + 600,
      };
      const hs256 = await server.mintAccessToken({}, { header: { alg: 'HS256' } });
      for (const token of [unsignedToken(claims), hs256]) {
        const { result } = await inspectJson(token);
        expect(failing(result)).toEqual([
          expect.objectContaining({ check: 'alg', code: 'ERR_ALG_NOT_ALLOWED' }),
        ]);
      }
    });

    it('exit 1 for something that is not a JWT, and exit 2 without a token', async () => {
      const notJwt = await runCli(['inspect', 'opaque-token-value']);
      expect(notJwt.code).toBe(1);
      expect(notJwt.stdout).toContain('3 dot-separated segments');
      expect(notJwt.stdout).not.toContain('opaque-token-value');
      const empty = await runCli(['inspect', '-'], { input: '\n' });
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain('no token on stdin');
    });
  });
}

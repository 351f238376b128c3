/** `tokenward verify` against the shared reference issuer, through the built binary. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/built-cli.js';
import { CLIENT, clientCredentialsToken, context, issuerOf, ORDER_SCOPES } from '../support/context.js';
import { expectNoTokenIn } from '../support/tokens.js';

interface VerifyJson {
  outcome: string;
  checks: Array<{ name: string; status: string }>;
  token?: { subject: string; scopes: string[]; server: { kind: string; id?: string } };
  error?: { code: string; status: number; meaning: string; action: string };
}

const verifierFlags = () => ['--issuer', issuerOf('default'), '--audience', 'api://default'];

const verifyArgs = (token: string, ...extra: string[]) => ['verify', token, ...verifierFlags(), ...extra];

/**
 * The options first and the token after `--`: an opaque token is random base64url, and one in 64
 * starts with "-", which would otherwise be read as an option.
 */
const opaqueVerifyArgs = (token: string, ...extra: string[]) => [
  'verify',
  ...verifierFlags(),
  ...extra,
  '--',
  token,
];

function statusOf(result: VerifyJson, name: string): string | undefined {
  return result.checks.find((check) => check.name === name)?.status;
}

export function verifyCases(): void {
  describe('tokenward verify', () => {
    it('exit 0 for a valid token, listing every check as passed, without printing the token', async () => {
      const token = await clientCredentialsToken('default', ORDER_SCOPES);
      const run = await runCli(verifyArgs(token, '--scope', 'orders:read'));
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('✓ valid access token');
      expect(run.stdout).toMatch(/✓ signature/);
      expect(run.stdout).toContain('orders:read orders:refund');
      expectNoTokenIn(run.stdout + run.stderr, token);
    });

    it('reads the token from stdin with "-" and prints JSON (--json)', async () => {
      const token = await clientCredentialsToken('default', ['orders:read']);
      const run = await runCli(verifyArgs('-', '--json', '--scope', 'orders:read'), { input: `${token}\n` });
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as VerifyJson;
      expect(result.outcome).toBe('valid');
      expect(result.token).toMatchObject({ subject: 'cli-tests', scopes: ['orders:read'] });
      expect(result.token?.server).toMatchObject({ kind: 'custom', id: 'default' });
      expect(result.checks.every((check) => check.status === 'pass')).toBe(true);
      expectNoTokenIn(run.stdout + run.stderr, token);
    });

    it('--introspect: an opaque token is valid while the issuer says active, refused once revoked', async () => {
      const server = context.issuer.server('default');
      const token = await server.mintAccessToken({ scp: ['orders:read'] }, { format: 'opaque' });
      const env = { TOKENWARD_CLIENT_SECRET: CLIENT.clientSecret };
      const args = opaqueVerifyArgs(token, '--introspect', '--client-id', CLIENT.clientId, '--json');
      const run = await runCli(args, { env });
      expect(run.code, run.stderr).toBe(0);
      const valid = JSON.parse(run.stdout) as VerifyJson;
      expect(valid.outcome).toBe('valid');
      expect(valid.checks.map((check) => check.name)).toEqual([
        'format',
        'active',
        'issuer',
        'claims',
        'time',
        'audience',
        'type',
        'dpop',
        'scopes',
      ]);
      expect(statusOf(valid, 'active')).toBe('pass');
      server.revokeToken(token);
      const revoked = await runCli(args, { env });
      expect(revoked.code).toBe(1);
      const refused = JSON.parse(revoked.stdout) as VerifyJson;
      expect(refused.error).toMatchObject({ code: 'ERR_TOKEN_INACTIVE', status: 401 });
      expect(statusOf(refused, 'active')).toBe('fail');
      expect(statusOf(refused, 'issuer')).toBe('skip');
      expectNoTokenIn(run.stdout + run.stderr + revoked.stdout + revoked.stderr, token);
    });

    it('an opaque token that starts with "-": told to use `--` without being quoted, then verified after it', async () => {
      const server = context.issuer.server('default');
      let token = '';
      // One opaque token in 64 starts with "-"; 2,000 tries miss with a chance of about 1e-14.
      for (let attempt = 0; attempt < 2000 && !token.startsWith('-'); attempt += 1) {
        token = await server.mintAccessToken({ scp: ['orders:read'] }, { format: 'opaque' });
      }
      expect(token.startsWith('-')).toBe(true);
      const env = { TOKENWARD_CLIENT_SECRET: CLIENT.clientSecret };
      const flags = ['--introspect', '--client-id', CLIENT.clientId];
      const misread = await runCli(verifyArgs(token, ...flags), { env });
      expect(misread.code).toBe(2);
      expect(misread.stderr).toContain('put `--` before the token');
      expectNoTokenIn(misread.stdout + misread.stderr, token);
      const run = await runCli(opaqueVerifyArgs(token, ...flags), { env });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/✓ active/);
      expectNoTokenIn(run.stdout + run.stderr, token);
    });

    it('--introspect: a JWT passes its local checks and then the issuer is asked; revoked, it is refused', async () => {
      const token = await clientCredentialsToken('default', ['orders:read']);
      const env = { TOKENWARD_CLIENT_SECRET: CLIENT.clientSecret };
      const args = verifyArgs(token, '--introspect', '--client-id', CLIENT.clientId);
      const run = await runCli(args, { env });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/✓ signature/);
      expect(run.stdout).toMatch(/✓ active/);
      context.issuer.server('default').revokeToken(token);
      const revoked = await runCli(args, { env });
      expect(revoked.code).toBe(1);
      expect(revoked.stdout).toContain('ERR_TOKEN_INACTIVE');
    });

    it('--introspect needs --client-id and TOKENWARD_CLIENT_SECRET (exit 2); a refused secret exits 3', async () => {
      const token = await clientCredentialsToken('default', ['orders:read']);
      const noId = await runCli(verifyArgs(token, '--introspect'), { env: { TOKENWARD_CLIENT_SECRET: 'x' } });
      expect(noId.code).toBe(2);
      expect(noId.stderr).toContain('--client-id');
      const noSecret = await runCli(verifyArgs(token, '--introspect', '--client-id', CLIENT.clientId));
      expect(noSecret.code).toBe(2);
      expect(noSecret.stderr).toContain('TOKENWARD_CLIENT_SECRET');
      const wrong = await runCli(
        verifyArgs(token, '--introspect', '--client-id', CLIENT.clientId, '--json'),
        {
          env: { TOKENWARD_CLIENT_SECRET: 'not-the-secret' },
        },
      );
      expect(wrong.code).toBe(3);
      expect((JSON.parse(wrong.stdout) as VerifyJson).error).toMatchObject({
        code: 'ERR_INTROSPECTION_FAILED',
      });
    });

    it('exit 1 for a missing scope: every earlier check passed, scopes failed (403 meaning)', async () => {
      const token = await clientCredentialsToken('default', ['orders:read']);
      const run = await runCli(verifyArgs(token, '--scope', 'orders:refund', '--json'));
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout) as VerifyJson;
      expect(result.error).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', status: 403 });
      expect(statusOf(result, 'type')).toBe('pass');
      expect(statusOf(result, 'scopes')).toBe('fail');
    });

    it('exit 1 for an expired token (AT-7): time fails, audience is not checked', async () => {
      const token = await context.issuer
        .server('default')
        .mintAccessToken({ scp: ['orders:read'] }, { expiresIn: -600 });
      const run = await runCli(verifyArgs(token, '--json'));
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout) as VerifyJson;
      expect(result.error?.code).toBe('ERR_TOKEN_EXPIRED');
      expect(statusOf(result, 'signature')).toBe('pass');
      expect(statusOf(result, 'time')).toBe('fail');
      expect(statusOf(result, 'audience')).toBe('skip');
      expectNoTokenIn(run.stdout, token);
    });

    it('explains an org-server token in plain language, pointing at the default custom server (OK-1)', async () => {
      const token = await clientCredentialsToken('org', ORDER_SCOPES);
      const run = await runCli(verifyArgs(token));
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('ERR_ORG_SERVER_TOKEN');
      expect(run.stdout).toContain("the org server's access tokens are for the vendor's own APIs");
      expect(run.stdout).toContain(
        `custom authorization server such as ${context.issuer.origin}/oauth2/default`,
      );
      expectNoTokenIn(run.stdout + run.stderr, token);
    });

    it('refuses an ID token sent as an access token (OK-2, AT-10)', async () => {
      const token = await context.issuer
        .server('default')
        .mintIdToken({ nonce: 'n-1' }, { audience: 'api://default' });
      const run = await runCli(verifyArgs(token, '--json'));
      expect(run.code).toBe(1);
      expect((JSON.parse(run.stdout) as VerifyJson).error?.code).toBe('ERR_TYPE_INVALID');
    });

    it('refuses a tampered signature without echoing any part of the token', async () => {
      const token = await clientCredentialsToken('default', ['orders:read']);
      const dot = token.lastIndexOf('.');
      const middle = dot + 20;
      const tampered = `${token.slice(0, middle)}${token[middle] === 'A' ? 'B' : 'A'}${token.slice(middle + 1)}`;
      const run = await runCli(verifyArgs(tampered));
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('ERR_SIGNATURE_INVALID');
      expectNoTokenIn(run.stdout + run.stderr, tampered);
    });

    it('exit 3 when the key set cannot be fetched (503 codes: the token may be fine)', async () => {
      const token = await clientCredentialsToken('payments', ['orders:read']);
      context.issuer.setFault({ server: 'payments', endpoint: 'jwks', status: 503 });
      try {
        const run = await runCli([
          'verify',
          token,
          '--issuer',
          issuerOf('payments'),
          '--audience',
          'api://payments',
          '--json',
        ]);
        expect(run.code).toBe(3);
        const result = JSON.parse(run.stdout) as VerifyJson;
        expect(result.outcome).toBe('unreachable');
        expect(result.error).toMatchObject({ code: 'ERR_JWKS_FETCH_FAILED', status: 503 });
        expect(statusOf(result, 'key')).toBe('fail');
      } finally {
        context.issuer.clearFaults();
      }
    });

    it.each([
      [
        'no --audience (BCP-9)',
        ['verify', 'x.y.z', '--issuer', 'https://acme.okta.com/oauth2/default'],
        '--audience',
      ],
      [
        'no token',
        ['verify', '--issuer', 'https://acme.okta.com/oauth2/default', '--audience', 'a'],
        'missing',
      ],
      ['a relative issuer', ['verify', 'x.y.z', '--issuer', 'acme', '--audience', 'a'], 'absolute URL'],
      [
        'an unknown option',
        ['verify', 'x.y.z', '--issuer', 'https://a.example/oauth2/default', '--audiences', 'a'],
        "Unknown option '--audiences'",
      ],
    ])('exit 2 for %s, on stderr', async (_name, args, message) => {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(message);
    });

    it('exit 2 for an org-server issuer: a configuration error, not a verdict', async () => {
      const run = await runCli([
        'verify',
        'x.y.z',
        '--issuer',
        context.issuer.origin,
        '--audience',
        'api://default',
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("the vendor's org authorization server");
      expect(run.stderr).toContain('--no-org-server-rules');
    });

    it('accepts an ES256 token only with --alg ES256, and the refusal names that flag (BCP-1)', async () => {
      const server = context.issuer.server('default');
      server.addKey('ES256');
      const token = await server.mintAccessToken({ scp: ['orders:read'] }, { alg: 'ES256' });
      const refused = await runCli(verifyArgs(token));
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('ERR_ALG_NOT_ALLOWED');
      expect(refused.stdout).toContain('with --alg (e.g. --alg ES256)');
      const run = await runCli(verifyArgs(token, '--alg', 'RS256', '--alg', 'ES256'));
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/signed +ES256, kid /);
    });

    it.each([
      ['--alg HS256', ['--alg', 'HS256'], '--alg may not contain "HS256"'],
      ['--jwks-origin with a path', ['--jwks-origin', 'https://keys.example.com/x'], '--jwks-origin must be'],
      ['--max-token-size 10', ['--max-token-size', '10'], '--max-token-size'],
      ['--max-token-size abc', ['--max-token-size', 'abc'], '--max-token-size takes a number of bytes'],
    ])("exit 2 for %s, in the flags' own words (BCP-3)", async (_name, extra, message) => {
      const run = await runCli(verifyArgs('x.y.z', ...extra));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/`[a-zA-Z]+`|maxTokenSize|allowedJwksOrigins/);
    });

    it('refuses a token over --max-token-size, naming the flag (BCP-15)', async () => {
      const token = await clientCredentialsToken('default', ['orders:read']);
      const run = await runCli(verifyArgs(token, '--max-token-size', '256'));
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('ERR_TOKEN_TOO_LARGE');
      expect(run.stdout).toContain('(--max-token-size)');
      expect(run.stdout).not.toContain('maxTokenSize');
    });

    it('exit 2 for two tokens, without repeating either', async () => {
      const token = await clientCredentialsToken('default', ['orders:read']);
      const run = await runCli([...verifyArgs(token), token]);
      expect(run.code).toBe(2);
      expectNoTokenIn(run.stdout + run.stderr, token);
    });
  });
}

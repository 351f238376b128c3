/** `tokenward verify --dpop-proof --method --url`: a DPoP-bound token checked with its proof (RFC 9449). */
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/built-cli.js';
import { context, issuerOf } from '../support/context.js';
import { expectNoTokenIn } from '../support/tokens.js';

const URL_OF_REQUEST = 'https://api.example.com/orders';

interface VerifyJson {
  outcome: string;
  checks: Array<{ name: string; status: string }>;
  token?: { subject: string; dpopThumbprint: string | null };
  error?: { code: string; status: number; oauthError: string | null };
}

async function clientKey() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, thumbprint: await calculateJwkThumbprint(jwk) };
}

function proof(key: Awaited<ReturnType<typeof clientKey>>, token: string, htm = 'GET'): Promise<string> {
  return new SignJWT({
    jti: randomUUID(),
    htm,
    htu: URL_OF_REQUEST,
    iat: Math.floor(Date.now() / 1000),
    ath: createHash('sha256').update(token).digest('base64url'),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
    .sign(key.privateKey);
}

const verifyArgs = (token: string, ...extra: string[]) => [
  'verify',
  token,
  '--issuer',
  issuerOf('default'),
  '--audience',
  'api://default',
  '--json',
  ...extra,
];

const statusOf = (result: VerifyJson, name: string) =>
  result.checks.find((check) => check.name === name)?.status;

export function dpopCases(): void {
  describe('tokenward verify with a DPoP proof', () => {
    it('exit 0 for a bound token with its proof, naming the proof key (DP-3)', async () => {
      const key = await clientKey();
      const token = await context.issuer.server('default').mintAccessToken({}, { dpopJkt: key.thumbprint });
      const run = await runCli(
        verifyArgs(
          token,
          '--dpop-proof',
          await proof(key, token),
          '--method',
          'GET',
          '--url',
          `${URL_OF_REQUEST}?page=2`,
        ),
      );
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as VerifyJson;
      expect(result.token?.dpopThumbprint).toBe(key.thumbprint);
      expect(statusOf(result, 'dpop')).toBe('pass');
      expectNoTokenIn(run.stdout + run.stderr, token);
    });

    it('exit 1 for a proof made for another method, at the dpop check (DP-2)', async () => {
      const key = await clientKey();
      const token = await context.issuer.server('default').mintAccessToken({}, { dpopJkt: key.thumbprint });
      const run = await runCli(
        verifyArgs(
          token,
          '--dpop-proof',
          await proof(key, token, 'POST'),
          '--method',
          'GET',
          '--url',
          URL_OF_REQUEST,
        ),
      );
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout) as VerifyJson;
      expect(result.error).toMatchObject({
        code: 'ERR_DPOP_PROOF_INVALID',
        status: 401,
        oauthError: 'invalid_dpop_proof',
      });
      expect(statusOf(result, 'type')).toBe('pass');
      expect(statusOf(result, 'dpop')).toBe('fail');
    });

    it('exit 1 for a bound token without its proof: no downgrade to Bearer (DP-5)', async () => {
      const key = await clientKey();
      const token = await context.issuer.server('default').mintAccessToken({}, { dpopJkt: key.thumbprint });
      const run = await runCli([
        'verify',
        token,
        '--issuer',
        issuerOf('default'),
        '--audience',
        'api://default',
      ]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('ERR_DPOP_BINDING_MISMATCH');
      expect(run.stdout).toContain('DPoP');
    });

    it('usage errors: a proof without the request it was made for, or a request without a proof', async () => {
      const token = await context.issuer.server('default').mintAccessToken({});
      const withoutUrl = await runCli(verifyArgs(token, '--dpop-proof', 'x.y.z', '--method', 'GET'));
      expect(withoutUrl.code).toBe(2);
      expect(withoutUrl.stderr).toContain('--dpop-proof needs --method and --url');
      const withoutProof = await runCli(verifyArgs(token, '--method', 'GET', '--url', URL_OF_REQUEST));
      expect(withoutProof.code).toBe(2);
      expect(withoutProof.stderr).toContain('give --dpop-proof too');
    });
  });
}

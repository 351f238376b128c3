/**
 * `tokenward verify` on tokens bound in every way a `cnf` claim can bind them (RFC 7800 section
 * 3.1): its verdict is the verifier's own decision on the same token and presentation, and its
 * checks and explanation say where and why that decision was made.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createAccessTokenVerifier, isTokenwardError } from '@tokenward/core';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/built-cli.js';
import { CLIENT, context, issuerOf } from '../support/context.js';
import { expectNoTokenIn } from '../support/tokens.js';

const URL_OF_REQUEST = 'https://api.example.com/orders';
// A certificate thumbprint no output may repeat.
const CERT_THUMBPRINT = 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2';

interface VerifyJson {
  outcome: string;
  checks: Array<{ name: string; status: string; detail: string }>;
  error?: { code: string; meaning: string; action: string };
}

async function clientKey() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, thumbprint: await calculateJwkThumbprint(jwk) };
}

function proof(key: Awaited<ReturnType<typeof clientKey>>, token: string): Promise<string> {
  return new SignJWT({
    jti: randomUUID(),
    htm: 'GET',
    htu: URL_OF_REQUEST,
    iat: Math.floor(Date.now() / 1000),
    ath: createHash('sha256').update(token).digest('base64url'),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
    .sign(key.privateKey);
}

/** What the verifier decides, configured as `tokenward verify` configures it: `'valid'` or the code. */
async function verifierDecision(token: string, proofJwt: string | undefined, introspect: boolean) {
  const verifier = createAccessTokenVerifier({
    issuer: issuerOf('default'),
    audience: 'api://default',
    resultCache: false,
    ...(introspect && { introspection: { mode: 'always', ...CLIENT, maxCacheAge: 0 } }),
    ...(proofJwt !== undefined && {
      dpop: { mode: 'required', origins: [new URL(URL_OF_REQUEST).origin] },
    }),
  });
  try {
    await verifier.verify(
      token,
      proofJwt === undefined ? {} : { dpop: { proof: proofJwt, method: 'GET', url: URL_OF_REQUEST } },
    );
    return 'valid';
  } catch (error) {
    if (!isTokenwardError(error)) throw error;
    return error.code;
  }
}

/** The CLI's verdict on `token`, with `proofJwt` when given, and the verifier's on the same. */
async function bothVerdicts(token: string, proofJwt: string | undefined, introspect = false) {
  const args = ['verify', token, '--issuer', issuerOf('default'), '--audience', 'api://default', '--json'];
  if (proofJwt !== undefined) args.push('--dpop-proof', proofJwt, '--method', 'GET', '--url', URL_OF_REQUEST);
  if (introspect) args.push('--introspect', '--client-id', CLIENT.clientId);
  const run = await runCli(args, { env: { TOKENWARD_CLIENT_SECRET: CLIENT.clientSecret } });
  expectNoTokenIn(run.stdout + run.stderr, token);
  expect(run.stdout + run.stderr).not.toContain(CERT_THUMBPRINT);
  const cli = JSON.parse(run.stdout) as VerifyJson;
  const check = (name: string) => cli.checks.find((entry) => entry.name === name);
  return {
    cli,
    code: run.code,
    cliDecision: cli.error?.code ?? cli.outcome,
    verifierDecision: await verifierDecision(token, proofJwt, introspect),
    failedAt: cli.checks.find((entry) => entry.status === 'fail')?.name,
    check,
  };
}

const mint = (claims: Record<string, unknown>, options: { dpopJkt?: string } = {}) =>
  context.issuer.server('default').mintAccessToken(claims, options);

export function bindingCases(): void {
  describe('tokenward verify reports the binding decision the verifier makes', () => {
    it('an unbound token sent as Bearer: valid, bound to nothing, no proof needed', async () => {
      const verdicts = await bothVerdicts(await mint({}), undefined);
      expect(verdicts.verifierDecision).toBe('valid');
      expect(verdicts.cliDecision).toBe('valid');
      expect(verdicts.code).toBe(0);
      expect(verdicts.check('binding')).toMatchObject({
        status: 'pass',
        detail: expect.stringMatching(/^no cnf/),
      });
      expect(verdicts.check('dpop')?.detail).toBe('not DPoP-bound (no cnf.jkt), so no proof needed');
    });

    it('DP-3: a cnf.jkt token with a proof by its key: valid, bound to that key', async () => {
      const key = await clientKey();
      const token = await mint({}, { dpopJkt: key.thumbprint });
      const verdicts = await bothVerdicts(token, await proof(key, token));
      expect(verdicts.verifierDecision).toBe('valid');
      expect(verdicts.cliDecision).toBe('valid');
      expect(verdicts.check('binding')?.detail).toMatch(/^bound to a DPoP key \(cnf\.jkt\)/);
      expect(verdicts.check('dpop')?.status).toBe('pass');
    });

    it('DP-5: a cnf.jkt token without a proof: refused at dpop, its binding named, the issuer asked first', async () => {
      const key = await clientKey();
      const token = await mint({}, { dpopJkt: key.thumbprint });
      for (const introspect of [false, true]) {
        const verdicts = await bothVerdicts(token, undefined, introspect);
        expect(verdicts.verifierDecision).toBe('ERR_DPOP_BINDING_MISMATCH');
        expect(verdicts.cliDecision).toBe('ERR_DPOP_BINDING_MISMATCH');
        expect(verdicts.code).toBe(1);
        expect(verdicts.failedAt).toBe('dpop');
        expect(verdicts.check('binding')?.status).toBe('pass');
        if (introspect) expect(verdicts.check('active')?.status).toBe('pass');
        expect(verdicts.cli.error?.meaning).toMatch(/a DPoP-bound token sent as Bearer/);
      }
    });

    it('DP-5: a certificate-bound token (cnf x5t#S256) is refused at binding however it is sent, and the explanation says why', async () => {
      const key = await clientKey();
      const token = await mint({ cnf: { 'x5t#S256': CERT_THUMBPRINT } });
      for (const [proofJwt, introspect] of [
        [undefined, false],
        [await proof(key, token), false],
        [undefined, true],
      ] as const) {
        const verdicts = await bothVerdicts(token, proofJwt, introspect);
        expect(verdicts.verifierDecision).toBe('ERR_DPOP_BINDING_MISMATCH');
        expect(verdicts.cliDecision).toBe('ERR_DPOP_BINDING_MISMATCH');
        expect(verdicts.failedAt).toBe('binding');
        expect(verdicts.check('binding')?.detail).toMatch(
          /client certificate \(cnf\["x5t#S256"\], RFC 8705 section 3\)/,
        );
        // Refused with its own claims: the issuer is never asked and no proof is judged.
        if (introspect) expect(verdicts.check('active')?.status).toBe('skip');
        expect(verdicts.check('dpop')?.status).toBe('skip');
        expect(verdicts.cli.error?.meaning).toMatch(/^the token is bound to a client certificate/);
        expect(verdicts.cli.error?.action).not.toMatch(/send a DPoP-bound token as/);
      }
    });

    it('DP-5: a token bound by a cnf member the verifier does not know is refused at binding', async () => {
      const verdicts = await bothVerdicts(await mint({ cnf: { 'x5t#S512': 'abc' } }), undefined);
      expect(verdicts.verifierDecision).toBe('ERR_DPOP_BINDING_MISMATCH');
      expect(verdicts.cliDecision).toBe('ERR_DPOP_BINDING_MISMATCH');
      expect(verdicts.failedAt).toBe('binding');
      expect(verdicts.check('binding')?.detail).toMatch(/cnf\["x5t#S512"\], which this API does not know/);
      expect(verdicts.cli.error?.meaning).toMatch(
        /^the token is bound by a confirmation method other than a DPoP key/,
      );
    });
  });
}

import { generateKeyPairSync } from 'node:crypto';
import { discoveryUrls } from '@tokenward/core';
import { describe, expect, it } from 'vitest';
import { metadataForms } from '../../src/lib/discovery-checks.js';
import { checkKeys, type KeySummary, summarizeKey } from '../../src/lib/jwks-checks.js';
import { stageResults } from '../../src/lib/verify-stages.js';

/** One generated key per size: the checks look at sizes and kids, not at distinct keys. */
const publicKeys = new Map<number, Record<string, unknown>>();

function rsaJwk(bits: number, kid: string): Record<string, unknown> {
  let jwk = publicKeys.get(bits);
  if (jwk === undefined) {
    jwk = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' });
    publicKeys.set(bits, jwk);
  }
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

function summaries(keys: Record<string, unknown>[]): KeySummary[] {
  return keys.map(summarizeKey);
}

const statusOf = (checks: ReturnType<typeof checkKeys>, label: string) =>
  checks.find((check) => check.label === label)?.status;

describe('checkKeys', () => {
  it('passes a key set of distinct 2048-bit RS256 signing keys', () => {
    const keys = [
      { ...rsaJwk(2048, 'a'), bits: 2048 },
      { ...rsaJwk(2048, 'b'), bits: 2048 },
    ];
    const checks = checkKeys(keys, summaries(keys));
    expect(checks.filter((check) => check.status !== 'pass')).toEqual([]);
  });

  it('fails RSA keys under 2048 bits (JOSE-13)', () => {
    const keys = [rsaJwk(1024, 'weak')];
    expect(summaries(keys)[0]?.bits).toBe(1024);
    expect(statusOf(checkKeys(keys, summaries(keys)), 'key sizes')).toBe('fail');
  });

  it('fails repeated kids, and missing kids when there are several keys (IDT-13, JOSE-9)', () => {
    const repeated = [rsaJwk(2048, 'same'), rsaJwk(2048, 'same')];
    expect(statusOf(checkKeys(repeated, summaries(repeated)), 'kids')).toBe('fail');
    const unnamed = [{ ...rsaJwk(2048, 'x'), kid: undefined }, rsaJwk(2048, 'y')];
    expect(statusOf(checkKeys(unnamed, summaries(unnamed)), 'kids')).toBe('fail');
    const single = [{ ...rsaJwk(2048, 'x'), kid: undefined }];
    expect(statusOf(checkKeys(single, summaries(single)), 'kids')).toBe('warn');
  });

  it('fails private or symmetric key material and HS* algorithms (MD-6, BCP-3)', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const leaked = [{ ...privateKey.export({ format: 'jwk' }), kid: 'p', alg: 'RS256' }];
    expect(statusOf(checkKeys(leaked, summaries(leaked)), 'public only')).toBe('fail');
    const secret = [{ kty: 'oct', k: 'c2VjcmV0', kid: 's', alg: 'HS256' }];
    const checks = checkKeys(secret, summaries(secret));
    expect(statusOf(checks, 'public only')).toBe('fail');
    expect(statusOf(checks, 'use/alg')).toBe('fail');
  });

  it('fails an empty key set', () => {
    expect(statusOf(checkKeys([], []), 'keys')).toBe('fail');
  });
});

describe('metadataForms', () => {
  it("names core's addresses by form, the RFC 8414 path-insertion form first (MD-2)", () => {
    const issuer = 'https://acme.okta.com/oauth2/aus1';
    const forms = metadataForms(issuer);
    expect(forms.map((form) => form.url)).toEqual(discoveryUrls(issuer));
    expect(forms).toEqual([
      {
        title: 'OAuth metadata, RFC 8414 form',
        url: 'https://acme.okta.com/.well-known/oauth-authorization-server/oauth2/aus1',
      },
      {
        title: 'OAuth metadata, appended form',
        url: 'https://acme.okta.com/oauth2/aus1/.well-known/oauth-authorization-server',
      },
      {
        title: 'OpenID configuration',
        url: 'https://acme.okta.com/oauth2/aus1/.well-known/openid-configuration',
      },
    ]);
  });

  it('lists two forms for a root-path issuer, where the OAuth forms coincide', () => {
    expect(metadataForms('https://acme.okta.com').map((form) => form.title)).toEqual([
      'OAuth metadata, RFC 8414 form',
      'OpenID configuration',
    ]);
  });
});

describe('stageResults', () => {
  const statuses = (results: ReturnType<typeof stageResults>) =>
    results.map((result) => `${result.name}:${result.status}`);

  it('passes the checks before the failing one and skips the rest', () => {
    const results = stageResults(
      { code: 'ERR_AUDIENCE_MISMATCH', message: 'expected aud' },
      { issMissing: false, scopesRequired: true },
    );
    expect(statuses(results)).toEqual([
      'format:pass',
      'header:pass',
      'issuer:pass',
      'key:pass',
      'signature:pass',
      'claims:pass',
      'time:pass',
      'audience:fail',
      'type:skip',
      'binding:skip',
      'dpop:skip',
      'scopes:skip',
    ]);
    expect(results[7]?.detail).toBe('expected aud');
  });

  const failedAt = (results: ReturnType<typeof stageResults>) =>
    results.find((result) => result.status === 'fail')?.name;
  const statusOf = (results: ReturnType<typeof stageResults>, name: string) =>
    results.find((result) => result.name === name)?.status;
  const bindingMismatch = { code: 'ERR_DPOP_BINDING_MISMATCH', message: 'refused' } as const;

  it('DP-5: a JWT bound to a certificate or another method it cannot check fails at binding, before the issuer is asked', () => {
    for (const binding of ['certificate', 'other'] as const) {
      const results = stageResults(bindingMismatch, {
        issMissing: false,
        scopesRequired: false,
        introspection: 'jwt',
        binding,
      });
      expect(statuses(results).slice(-5)).toEqual([
        'type:pass',
        'binding:fail',
        'active:skip',
        'dpop:skip',
        'scopes:skip',
      ]);
    }
  });

  it('DP-5: a DPoP-bound JWT sent as Bearer fails at dpop, after its binding passed and the issuer was asked', () => {
    const results = stageResults(bindingMismatch, {
      issMissing: false,
      scopesRequired: false,
      introspection: 'jwt',
      binding: 'key',
    });
    expect(statuses(results).slice(-4)).toEqual(['binding:pass', 'active:pass', 'dpop:fail', 'scopes:skip']);
    expect(results.find((result) => result.name === 'binding')?.detail).toMatch(
      /^bound to a DPoP key \(cnf\.jkt\)/,
    );
  });

  it('IN-5: a revoked DPoP-bound JWT stops at active: its proof and scopes were never judged', () => {
    const results = stageResults(
      { code: 'ERR_TOKEN_INACTIVE', message: 'not active' },
      { issMissing: false, scopesRequired: true, introspection: 'jwt', binding: 'key' },
    );
    expect(failedAt(results)).toBe('active');
    expect(statusOf(results, 'binding')).toBe('pass');
    expect(statusOf(results, 'dpop')).toBe('skip');
    expect(statusOf(results, 'scopes')).toBe('skip');
  });

  it('an unbound JWT passes binding and dpop without a proof, saying why', () => {
    const results = stageResults(undefined, { issMissing: false, scopesRequired: false, binding: 'none' });
    const detail = (name: string) => results.find((result) => result.name === name)?.detail;
    expect(detail('binding')).toMatch(/^no cnf: bound to no key or certificate/);
    expect(detail('dpop')).toBe('not DPoP-bound (no cnf.jkt), so no proof needed');
  });

  it("an opaque token's binding comes from the issuer's answer and is judged with the proof, at dpop", () => {
    const results = stageResults(bindingMismatch, {
      issMissing: false,
      scopesRequired: false,
      introspection: 'opaque',
    });
    expect(results.map((result) => result.name)).not.toContain('binding');
    expect(failedAt(results)).toBe('dpop');
  });

  it('IN-1: an opaque token whose issuer cannot be discovered stops at active, where it would have been asked', () => {
    const results = stageResults(
      { code: 'ERR_DISCOVERY_FAILED', message: 'no answer' },
      { issMissing: true, scopesRequired: false, introspection: 'opaque' },
    );
    expect(statuses(results).slice(0, 3)).toEqual(['format:pass', 'active:fail', 'issuer:skip']);
  });

  it('puts a missing iss at the issuer check, other claim failures after the signature', () => {
    const missingIss = stageResults(
      { code: 'ERR_CLAIM_MISSING', message: '' },
      { issMissing: true, scopesRequired: false },
    );
    expect(missingIss.find((result) => result.status === 'fail')?.name).toBe('issuer');
    const missingSub = stageResults(
      { code: 'ERR_CLAIM_MISSING', message: '' },
      { issMissing: false, scopesRequired: false },
    );
    expect(missingSub.find((result) => result.status === 'fail')?.name).toBe('claims');
  });

  it('puts key-set outages (503 codes) at the key check', () => {
    const results = stageResults(
      { code: 'ERR_JWKS_FETCH_FAILED', message: '' },
      { issMissing: false, scopesRequired: false },
    );
    expect(results.find((result) => result.status === 'fail')?.name).toBe('key');
  });

  it('marks scopes as not required when none were asked for', () => {
    const results = stageResults(undefined, { issMissing: false, scopesRequired: false });
    expect(results.at(-1)).toEqual({ name: 'scopes', status: 'skip', detail: 'none required' });
    expect(results.slice(0, -1).every((result) => result.status === 'pass')).toBe(true);
  });
});

import type { ErrorCode } from '@tokenward/core';
import { describe, expect, it } from 'vitest';
import { explain, isUpstreamCode } from '../../src/lib/explain.js';

const CODES: ErrorCode[] = [
  'ERR_TOKEN_MISSING',
  'ERR_INVALID_REQUEST',
  'ERR_TOKEN_MALFORMED',
  'ERR_TOKEN_TOO_LARGE',
  'ERR_ALG_NOT_ALLOWED',
  'ERR_CRIT_UNSUPPORTED',
  'ERR_KEY_NOT_FOUND',
  'ERR_SIGNATURE_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_ISSUER_MISMATCH',
  'ERR_ORG_SERVER_TOKEN',
  'ERR_AUDIENCE_MISMATCH',
  'ERR_TYPE_INVALID',
  'ERR_CLAIM_MISSING',
  'ERR_CLAIM_INVALID',
  'ERR_INSUFFICIENT_SCOPE',
  'ERR_DISCOVERY_FAILED',
  'ERR_DISCOVERY_ISSUER_MISMATCH',
  'ERR_JWKS_FETCH_FAILED',
  'ERR_JWKS_INVALID',
  'ERR_CONFIG',
];

describe('explain', () => {
  it.each(CODES)('has a meaning and an action for %s', (code) => {
    const { meaning, action } = explain(code);
    expect(meaning.length).toBeGreaterThan(10);
    expect(action.length).toBeGreaterThan(10);
  });

  it('points an org-server token at the default custom server of its own domain (OK-1)', () => {
    expect(explain('ERR_ORG_SERVER_TOKEN').action).toMatch(
      /^get a token from a custom authorization server such as https:\/\/\{yourDomain\}\/oauth2\/default; /,
    );
    expect(explain('ERR_ORG_SERVER_TOKEN', { issuerOrigin: 'https://acme.okta.com' }).action).toMatch(
      /^get a token from a custom authorization server such as https:\/\/acme\.okta\.com\/oauth2\/default; .*--no-org-server-rules$/,
    );
  });

  it('tells "could not verify" (503) from "the token is bad"', () => {
    expect(CODES.filter(isUpstreamCode)).toEqual([
      'ERR_DISCOVERY_FAILED',
      'ERR_DISCOVERY_ISSUER_MISMATCH',
      'ERR_JWKS_FETCH_FAILED',
      'ERR_JWKS_INVALID',
    ]);
  });
});

describe('explain ERR_DPOP_BINDING_MISMATCH by what the token is bound to', () => {
  it('DP-5: a certificate-bound or otherwise uncheckable binding gets its own explanation, not advice to send a proof', () => {
    expect(explain('ERR_DPOP_BINDING_MISMATCH', { binding: 'certificate' }).meaning).toMatch(
      /^the token is bound to a client certificate \(cnf x5t#S256, mutual TLS, RFC 8705\)/,
    );
    expect(explain('ERR_DPOP_BINDING_MISMATCH', { binding: 'other' }).meaning).toMatch(
      /^the token is bound by a confirmation method other than a DPoP key/,
    );
    for (const binding of ['certificate', 'other'] as const) {
      expect(explain('ERR_DPOP_BINDING_MISMATCH', { binding }).action).toMatch(
        /^get a token that is DPoP-bound/,
      );
    }
  });

  it('DP-5: a DPoP key or no binding keeps the explanation of how the token was sent', () => {
    for (const binding of ['key', 'none', undefined] as const) {
      expect(explain('ERR_DPOP_BINDING_MISMATCH', { binding }).meaning).toMatch(
        /^the token and the way it was sent do not fit/,
      );
    }
  });
});

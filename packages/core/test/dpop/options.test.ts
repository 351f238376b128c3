/** The `dpop` option is checked at construction: ERR_CONFIG naming the member. */
import { describe, expect, it } from 'vitest';
import { createAccessTokenVerifier, type DpopOptions } from '../../src/node.js';

const base = { issuer: 'https://acme.okta.com/oauth2/default', audience: 'api://default' };

function refusal(dpop: unknown): string {
  try {
    createAccessTokenVerifier({ ...base, dpop: dpop as DpopOptions });
  } catch (error) {
    expect((error as { code?: string }).code).toBe('ERR_CONFIG');
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('dpop options', () => {
  it('exposes mode and algorithms on the verifier for adapters', () => {
    const verifier = createAccessTokenVerifier({
      ...base,
      dpop: { mode: 'allowed', origins: ['https://api.example.com'] },
    });
    expect(verifier.dpop).toEqual({
      mode: 'allowed',
      algorithms: ['ES256', 'ES384', 'ES512', 'EdDSA', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'],
    });
    expect(createAccessTokenVerifier(base).dpop).toBeUndefined();
  });

  it('refuses every malformed member', () => {
    expect(refusal('yes')).toContain('`dpop` must be an object');
    expect(refusal({ mode: 'on', origins: ['https://a.example'] })).toContain(
      "`dpop.mode` must be 'allowed' or 'required'",
    );
    expect(refusal({ mode: 'required' })).toContain('`dpop.origins` is required');
    expect(refusal({ mode: 'required', origins: [] })).toContain('`dpop.origins` must not be empty');
    for (const origin of [
      'https://api.example.com/',
      'https://API.example.com',
      'http://api.example.com',
      'https://api.example.com:443',
      'api.example.com',
    ]) {
      expect(refusal({ mode: 'required', origins: [origin] })).toContain(
        '`dpop.origins[0]` must be an origin',
      );
    }
    const ok = { mode: 'required', origins: ['https://api.example.com'] };
    expect(refusal({ ...ok, trustForwardedHeaders: [] })).toContain(
      '`dpop.trustForwardedHeaders` must be true, false or a non-empty list',
    );
    expect(refusal({ ...ok, maxProofAge: 0 })).toContain(
      '`dpop.maxProofAge` must be a number of seconds from 1 to 600',
    );
    expect(refusal({ ...ok, clockSkew: 61 })).toContain(
      '`dpop.clockSkew` must be a number of seconds from 0 to 60',
    );
    expect(refusal({ ...ok, algorithms: ['HS256'] })).toContain('none and HS* are never accepted');
    expect(refusal({ ...ok, algorithms: ['none'] })).toContain('none and HS* are never accepted');
    expect(refusal({ ...ok, nonceKeys: ['short'] })).toContain('at least 32 characters; found 5');
    expect(refusal({ ...ok, nonceKeys: [] })).toContain('must hold 1 to 4 secrets');
    expect(refusal({ ...ok, replayStore: {} })).toContain('`dpop.replayStore` must be a store with markOnce');
    expect(refusal({ ...ok, replayStore: { markOnce: async () => true }, store: 1 })).toContain(
      'unknown option `dpop.store`',
    );
  });

  it('accepts loopback http origins for development', () => {
    expect(() =>
      createAccessTokenVerifier({
        ...base,
        dpop: { mode: 'required', origins: ['http://127.0.0.1:3000', 'http://localhost:8080'] },
      }),
    ).not.toThrow();
  });
});

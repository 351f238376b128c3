import { describe, expect, it } from 'vitest';
import { createIssuerRouter, type RoutableIssuer } from '../../src/lib/checks/issuer-routing.js';
import { failureOf } from './helpers.js';

const origin = 'https://acme.okta.com';
const target = (issuer: string, kind: string, id?: string): RoutableIssuer => ({
  issuer,
  origin: new URL(issuer).origin,
  server: { kind, ...(id === undefined ? {} : { id }) },
});
const def = target(`${origin}/oauth2/default`, 'custom', 'default');
const generic = target('https://login.example.com/tenant/v2.0', 'other');
const route = createIssuerRouter([def, generic], true);

describe('issuer routing (AT-4, BCP-8, DESIGN rules 1–3)', () => {
  it('routes an exact iss to its issuer', () => {
    expect(route(`${origin}/oauth2/default`)).toBe(def);
    expect(route('https://login.example.com/tenant/v2.0')).toBe(generic);
  });

  it('requires iss to be a string', async () => {
    expect(await failureOf(() => route(undefined))).toEqual({
      code: 'ERR_CLAIM_MISSING',
      message: 'token has no "iss" claim',
    });
    expect((await failureOf(() => route(['x']))).code).toBe('ERR_CLAIM_INVALID');
  });

  it.each([
    ['a trailing slash', `${origin}/oauth2/default/`],
    ['another case', 'https://ACME.okta.com/oauth2/default'],
    ['an explicit port', `${origin}:443/oauth2/default`],
  ])('refuses an iss that differs only by %s (exact match, AT-4)', async (_name, iss) => {
    expect((await failureOf(() => route(iss))).code).toBe('ERR_ISSUER_MISMATCH');
  });

  it('refuses the org server of a configured custom server with ERR_ORG_SERVER_TOKEN (OK-1)', async () => {
    const failure = await failureOf(() => route(origin));
    expect(failure.code).toBe('ERR_ORG_SERVER_TOKEN');
    expect(failure.message).toMatch(
      /org authorization server "https:\/\/acme.okta.com", whose access tokens are for the vendor's own APIs only/,
    );
    // Anyone may send a token: the configured issuers are never listed to them.
    expect(failure.message).not.toContain('/oauth2/default');
  });

  it('refuses a sibling custom server by its id, without naming the trusted one', async () => {
    const failure = await failureOf(() => route(`${origin}/oauth2/payments`));
    expect(failure.code).toBe('ERR_ISSUER_MISMATCH');
    expect(failure.message).toMatch(
      /custom authorization server "payments" .* which is not an issuer this API trusts/,
    );
    expect(failure.message).not.toContain('/oauth2/default');
  });

  it('refuses anything else as ERR_ISSUER_MISMATCH, saying what was found and not what is trusted', async () => {
    expect(await failureOf(() => route('https://evil.example/oauth2/default'))).toEqual({
      code: 'ERR_ISSUER_MISMATCH',
      message: 'token iss "https://evil.example/oauth2/default" is not an issuer this API trusts',
    });
    expect((await failureOf(() => route('not a url'))).code).toBe('ERR_ISSUER_MISMATCH');
  });

  it('names the configuration as the likely mistake when iss differs only by a trailing slash', async () => {
    for (const iss of [`${origin}/oauth2/default/`, 'https://login.example.com/tenant/v2.0/']) {
      const failure = await failureOf(() => route(iss));
      expect(failure.code).toBe('ERR_ISSUER_MISMATCH');
      expect(failure.message).toContain('differs from a configured issuer only by a trailing slash');
    }
  });

  it('refuses an empty iss as ERR_CLAIM_INVALID', async () => {
    expect(await failureOf(() => route(''))).toEqual({
      code: 'ERR_CLAIM_INVALID',
      message: 'claim "iss" must be a non-empty string; found an empty string',
    });
  });

  it('treats an org-server iss as a plain mismatch when orgServerRules is off', async () => {
    const lenient = createIssuerRouter([def], false);
    expect((await failureOf(() => lenient(origin))).code).toBe('ERR_ISSUER_MISMATCH');
  });

  it('shortens a huge iss in its message', async () => {
    const failure = await failureOf(() => route(`https://x.example/${'a'.repeat(5000)}`));
    expect(failure.message.length).toBeLessThan(300);
  });
});

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
    expect(failure.message).toContain(`"${origin}/oauth2/default"`);
  });

  it('refuses a sibling custom server naming both server ids', async () => {
    const failure = await failureOf(() => route(`${origin}/oauth2/payments`));
    expect(failure.code).toBe('ERR_ISSUER_MISMATCH');
    expect(failure.message).toMatch(/custom authorization server "payments" .* trusts server "default"/);
  });

  it('refuses anything else as ERR_ISSUER_MISMATCH, expected vs found', async () => {
    expect(await failureOf(() => route('https://evil.example/oauth2/default'))).toEqual({
      code: 'ERR_ISSUER_MISMATCH',
      message:
        'expected iss "https://acme.okta.com/oauth2/default" or "https://login.example.com/tenant/v2.0"; found "https://evil.example/oauth2/default"',
    });
    expect((await failureOf(() => route('not a url'))).code).toBe('ERR_ISSUER_MISMATCH');
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

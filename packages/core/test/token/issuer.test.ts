import { describe, expect, it } from 'vitest';
import { classifyIssuer, parseIssuer } from '../../src/issuer.js';
import { failureOf } from './helpers.js';

describe('parseIssuer', () => {
  it('classifies a bare origin as the org server', () => {
    expect(parseIssuer('https://acme.okta.com')).toEqual({ kind: 'org', origin: 'https://acme.okta.com' });
    expect(parseIssuer('https://acme.okta.com/')).toEqual({ kind: 'org', origin: 'https://acme.okta.com' });
  });

  it('classifies /oauth2/{id} as a custom server', () => {
    expect(parseIssuer('https://acme.okta.com/oauth2/aus9o8wzkhckw9TLa0h7z')).toEqual({
      kind: 'custom',
      origin: 'https://acme.okta.com',
      id: 'aus9o8wzkhckw9TLa0h7z',
      isDefault: false,
    });
  });

  it('marks the default custom server', () => {
    expect(parseIssuer('http://127.0.0.1:8080/oauth2/default')).toEqual({
      kind: 'custom',
      origin: 'http://127.0.0.1:8080',
      id: 'default',
      isDefault: true,
    });
  });

  it.each([
    ['a trailing slash', 'https://acme.okta.com/oauth2/default/', '/oauth2/default/'],
    ['a deeper path', 'https://acme.okta.com/oauth2/default/v1', '/oauth2/default/v1'],
    ['another vendor path', 'https://login.example.com/tenant-1/v2.0', '/tenant-1/v2.0'],
    ['/oauth2 alone', 'https://acme.okta.com/oauth2', '/oauth2'],
  ])('classifies %s as other', (_name, issuer, path) => {
    expect(parseIssuer(issuer)).toEqual({ kind: 'other', origin: new URL(issuer).origin, path });
  });

  it.each([
    ['not a URL', 'acme.okta.com'],
    ['an empty string', ''],
    ['a query', 'https://acme.okta.com/oauth2/default?x=1'],
    ['an empty query', 'https://acme.okta.com/oauth2/default?'],
    ['a fragment', 'https://acme.okta.com/oauth2/default#x'],
    ['credentials', 'https://user:pass@acme.okta.com/oauth2/default'],
    ['surrounding whitespace', ' https://acme.okta.com/oauth2/default'],
    ['another scheme', 'ftp://acme.okta.com/oauth2/default'],
  ])('throws ERR_CONFIG for %s (MD-1)', async (_name, issuer) => {
    expect((await failureOf(() => parseIssuer(issuer))).code).toBe('ERR_CONFIG');
  });

  it('classifyIssuer answers undefined instead of throwing', () => {
    expect(classifyIssuer(42)).toBeUndefined();
    expect(classifyIssuer('nope')).toBeUndefined();
    expect(classifyIssuer('https://a.example')).toEqual({ kind: 'org', origin: 'https://a.example' });
  });
});

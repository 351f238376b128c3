import { describe, expect, it } from 'vitest';
import { fetchableUrlProblem, originOf } from '../../src/lib/keys/origin.js';
import { isLoopbackHost } from '../../src/loopback.js';

describe('URLs key material may come from (MD-7, §4.13 Transport)', () => {
  it.each(['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  // A name under .localhost resolves wherever DNS says unless the resolver special-cases it (RFC 6761 §6.3).
  it.each([
    'api.localhost',
    'evil.localhost',
    '128.0.0.1',
    '10.0.0.1',
    'localhost.example.com',
    '127.0.0.1.nip.io',
    '[::2]',
    'example.com',
  ])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it.each([
    ['https://idp.example.com/keys', undefined],
    ['http://127.0.0.1:4000/keys', undefined],
    ['http://2130706433/keys', undefined], // 127.0.0.1 as a number, normalised by URL parsing
    ['http://idp.example.com/keys', 'must use https'],
    ['ftp://idp.example.com/keys', 'must use https; found the scheme "ftp"'],
    ['https://idp.example.com/keys#frag', 'must not contain a fragment'],
    ['https://idp.example.com/keys#', 'must not contain a fragment'],
    ['https://u:p@idp.example.com/keys', 'must not contain credentials'],
    ['idp.example.com/keys', 'is not an absolute URL'],
  ])('%s → %s', (url, problem) => {
    const found = fetchableUrlProblem(url);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it('allows plain http to any host only with allowInsecureHttp, still refusing other schemes', () => {
    expect(fetchableUrlProblem('http://keycloak:8080/realms/dev', true)).toBeUndefined();
    expect(fetchableUrlProblem('http://api.localhost/keys')).toContain('must use https');
    expect(fetchableUrlProblem('ftp://keycloak/keys', true)).toContain(
      'must use https; found the scheme "ftp"',
    );
  });

  it('gives the origin of a URL, or undefined', () => {
    expect(originOf('https://IDP.example.com:443/a/b')).toBe('https://idp.example.com');
    expect(originOf('nope')).toBeUndefined();
  });
});

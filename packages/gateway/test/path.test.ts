import { describe, expect, it } from 'vitest';
import { compileHostPattern, hostOfAuthority, matchesHost } from '../src/lib/routing/host.js';
import { normalizePath } from '../src/lib/routing/path.js';
import { compilePathPattern, matchesPath, type PathPattern } from '../src/lib/routing/pattern.js';

const normalized = (target: string) => {
  const result = normalizePath(target);
  return result.ok ? result.path : `refused: ${result.reason}`;
};

const DOT = 'it has a "." or ".." segment, which some servers resolve and others route as written';
const HASH = 'it holds a raw "#", which some servers cut the path at and others keep';
const SEMICOLON = 'it holds ";" path parameters, which some servers drop before routing and others keep';

describe('normalizePath', () => {
  it('drops the query, which rules never match', () => {
    expect(normalized('/orders/1?admin=true')).toBe('/orders/1');
    expect(normalized('/orders/1?a=1;b=2')).toBe('/orders/1');
  });

  it('percent-decodes each segment once', () => {
    expect(normalized('/files/a%20b/%C3%A9t%C3%A9')).toBe('/files/a b/été');
  });

  it('keeps the encodings of unreserved characters apart, for the upstreams that route the target as sent', () => {
    const result = normalizePath('/%61dmin/a%20b/%7e');
    expect(result.ok && [result.segments, result.asSent]).toEqual([
      ['admin', 'a b', '~'],
      ['%61dmin', 'a b', '%7E'],
    ]);
  });

  it.each([
    ['/../admin', DOT],
    ['/orders/../admin', DOT],
    ['/orders/%2e%2e/admin', DOT],
    ['/orders/%2E%2E/admin', DOT],
    ['/orders/./1', DOT],
    ['/orders/1/..', DOT],
    ['/orders/.', DOT],
    ['/orders/%2e', DOT],
    ['/orders/%C0%AE%C0%AE/admin', 'it has invalid percent-encoding'],
    ['/admin;x/y', SEMICOLON],
    ['/orders/1;jsessionid=x', SEMICOLON],
    ['http://api.example.com/admin', 'it does not start with "/"'],
    ['/orders/%2f../admin', 'a segment holds an encoded "/"'],
    ['/orders%2F1', 'a segment holds an encoded "/"'],
    ['/orders/%5c..%5cadmin', 'a segment holds an encoded "\\"'],
    [
      '/orders\\..\\admin',
      'it holds characters a request target cannot (space, backslash, control, non-ASCII)',
    ],
    ['/orders/%00/x', 'a segment holds an encoded control character'],
    ['/orders/%0d%0aX-Injected:1', 'a segment holds an encoded control character'],
    ['/orders/%252e%252e/admin', 'it is percent-encoded twice'],
    ['/orders/%zz', 'it has invalid percent-encoding'],
    ['/orders/%C3', 'it has invalid percent-encoding'],
    ['/public/..;/admin', SEMICOLON],
    ['/orders//1', 'it has an empty segment ("//")'],
    ['//admin', 'it has an empty segment ("//")'],
    ['orders/1', 'it does not start with "/"'],
    ['*', 'it does not start with "/"'],
    ['/orders/é', 'it holds characters a request target cannot (space, backslash, control, non-ASCII)'],
    ['/public/page#/../../admin', HASH],
    ['/orders/1?admin=true#x', HASH],
  ])('refuses the ambiguous target %s', (target, reason) => {
    expect(normalized(target)).toBe(`refused: ${reason}`);
  });

  it('refuses targets longer than 8192 characters before any work', () => {
    expect(normalized(`/${'a'.repeat(8192)}`)).toBe('refused: it is longer than 8192 characters');
  });
});

describe('path patterns', () => {
  const pattern = (source: string) => compilePathPattern(source) as PathPattern;
  const matches = (source: string, target: string) => {
    const path = normalizePath(target);
    if (!path.ok) throw new Error(path.reason);
    return matchesPath(pattern(source), path.segments);
  };

  it('matches literal segments exactly, case-sensitively unless asked to fold case', () => {
    expect(matches('/health', '/health')).toBe(true);
    expect(matches('/health', '/Health')).toBe(false);
    expect(matches('/health', '/healthz')).toBe(false);
    const path = normalizePath('/HEALTH');
    expect(path.ok && matchesPath(pattern('/health'), path.segments, true)).toBe(true);
  });

  it('never lets a trailing slash change the match, on either side', () => {
    expect(matches('/health', '/health/')).toBe(true);
    expect(matches('/health/', '/health')).toBe(true);
    expect(matches('/', '/')).toBe(true);
    expect(matches('/*', '/')).toBe(false);
  });

  it('`*` is exactly one non-empty segment', () => {
    expect(matches('/orders/*', '/orders/1')).toBe(true);
    expect(matches('/orders/*', '/orders/')).toBe(false);
    expect(matches('/orders/*', '/orders/1/items')).toBe(false);
    expect(matches('/orders/*/items', '/orders/1/items')).toBe(true);
  });

  it('`**` is any number of segments, none included, anywhere in the pattern', () => {
    expect(matches('/orders/**', '/orders')).toBe(true);
    expect(matches('/orders/**', '/orders/')).toBe(true);
    expect(matches('/orders/**', '/orders/1/items/2')).toBe(true);
    expect(matches('/orders/**', '/ordersx')).toBe(false);
    expect(matches('/**/items', '/a/b/items')).toBe(true);
    expect(matches('/**/items', '/a/b/items/1')).toBe(false);
  });

  it.each([
    ['orders/**', 'must start with "/"'],
    ['/orders?x=1', 'must not hold a query or fragment (the query is never matched)'],
    ['/orders//x', 'must not hold an empty segment ("//")'],
    ['/orders/../admin', 'must not hold "." or ".." segments'],
    ['/orders/v*', '"*" and "**" must be whole segments; found "v*"'],
    ['/a\\b', 'must not hold control characters or "\\"'],
  ])('refuses the pattern %s', (source, problem) => {
    expect(compilePathPattern(source)).toBe(problem);
  });
});

describe('host patterns', () => {
  const host = (source: string) => {
    const compiled = compileHostPattern(source);
    if (typeof compiled === 'string') throw new Error(compiled);
    return compiled;
  };

  it('matches case-insensitively and whatever the port', () => {
    expect(matchesHost(host('api.example.com'), hostOfAuthority('API.Example.com:8443'))).toBe(true);
    expect(matchesHost(host('api.example.com'), hostOfAuthority('api.example.com.'))).toBe(true);
    expect(matchesHost(host('api.example.com'), hostOfAuthority('evil-api.example.com'))).toBe(false);
  });

  it('`*.` matches one or more labels in front, never the bare domain', () => {
    expect(matchesHost(host('*.example.com'), hostOfAuthority('a.b.example.com'))).toBe(true);
    expect(matchesHost(host('*.example.com'), hostOfAuthority('example.com'))).toBe(false);
    expect(matchesHost(host('*.example.com'), hostOfAuthority('badexample.com'))).toBe(false);
  });

  it('matches nothing for a missing or malformed authority', () => {
    expect(matchesHost(host('api.example.com'), hostOfAuthority('api.example.com@evil.com'))).toBe(false);
    expect(matchesHost(host('api.example.com'), undefined)).toBe(false);
  });

  it('refuses a port or a malformed name', () => {
    expect(compileHostPattern('api.example.com:443')).toBe(
      'names the host without a port (any port matches)',
    );
    expect(compileHostPattern('api_example')).toMatch(/^must be a host name/);
  });
});

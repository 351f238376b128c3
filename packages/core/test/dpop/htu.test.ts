/** A proof's `htu` read as RFC 3986 reads a URI, and normalised as its section 6.2.2 and 6.2.3 say. */
import { describe, expect, it } from 'vitest';
import { readHtu } from '../../src/lib/dpop/htu.js';

describe('readHtu (DP-2, RFC 9449 §4.3 check 9)', () => {
  it.each([
    ['https://api.example.com/orders', 'https://api.example.com', '/orders'],
    ['HTTPS://API.Example.COM:443/orders', 'https://api.example.com', '/orders'],
    ['http://api.example.com:80', 'http://api.example.com', '/'],
    ['https://api.example.com:/orders', 'https://api.example.com', '/orders'],
    ['https://api.example.com:8443/orders', 'https://api.example.com:8443', '/orders'],
    ['https://api.example.com?page=2', 'https://api.example.com', '/'],
    ['https://api.example.com/orders?page=2#top', 'https://api.example.com', '/orders'],
    ['https://%61PI.example.com/orders', 'https://api.example.com', '/orders'],
    ['http://[::1]:3000/orders', 'http://[::1]:3000', '/orders'],
    ['http://[FE80::1]/orders', 'http://[fe80::1]', '/orders'],
    ['https://api.example.com/%7ealice/%2f/%c3%a9', 'https://api.example.com', '/~alice/%2F/%C3%A9'],
  ])('%s is %s with the path %s (RFC 3986 §6.2.2.1, §6.2.2.2, §6.2.3)', (htu, origin, path) => {
    expect(readHtu(htu)).toEqual({ origin, path });
  });

  it.each([
    ['/a/b/../c', '/a/c'],
    ['/a/./b/.', '/a/b/'],
    ['/a/b/..', '/a/'],
    ['/..', '/'],
    ['/a/../../b', '/b'],
    ['/a/%2E%2e/b', '/b'],
    ['/a/.%2E/b', '/b'],
    ['/a//b', '/a//b'],
    ['/a/..b/.c', '/a/..b/.c'],
  ])('removes the dot segments of %s, leaving %s (RFC 3986 §6.2.2.3, §5.2.4)', (path, normalised) => {
    expect(readHtu(`https://api.example.com${path}`).path).toBe(normalised);
  });

  it('keeps a host or port that WHATWG URL would rewrite as it is written', () => {
    expect(readHtu('http://2130706433:3000/').origin).toBe('http://2130706433:3000');
    expect(readHtu('http://0x7F.1/').origin).toBe('http://0x7f.1');
    expect(readHtu('https://api.example.com:0443/').origin).toBe('https://api.example.com:0443');
    expect(readHtu('https://api.example.com./').origin).toBe('https://api.example.com.');
  });

  it.each([
    ['https://api.example.com\\orders', 'U+005C at index 23 is not a URI character'],
    ['https://api.example.com/\torders', 'U+0009 at index 24 is not a URI character'],
    ['https://api.example.com/orders\n', 'U+000A at index 30 is not a URI character'],
    ['\fhttps://api.example.com/orders', 'U+000C at index 0 is not a URI character'],
    ['https://api.example.com/caf\u00e9', 'U+00E9 at index 27 is not a URI character'],
    ['https://api.example.com/\u{1f600}', 'U+1F600 at index 24 is not a URI character'],
    ['https://api.example.com/"orders"', 'U+0022 at index 24 is not a URI character'],
    ['https://api.example.com/{id}', 'U+007B at index 24 is not a URI character'],
    ['https://api.example.com/a%2', '"%" at index 25 starts no percent-encoding'],
  ])('refuses %j: %s (RFC 3986 §2)', (htu, found) => {
    expect(() => readHtu(htu)).toThrow(
      `DPoP proof "htu" is not an absolute URI (RFC 3986 section 4.3): ${found}`,
    );
  });

  it.each([
    ['no authority', 'https:api.example.com/orders'],
    ['one slash', 'https:/api.example.com/orders'],
    ['an empty host', 'https:///orders'],
    ['an empty host before a port', 'https://:443/orders'],
    ['user information', 'https://user:secret@api.example.com/orders'],
    ['another scheme', 'wss://api.example.com/orders'],
    ['a relative reference', '//api.example.com/orders'],
    ['a port that is not a number', 'https://api.example.com:https/orders'],
    ['two ports', 'https://api.example.com:443:443/orders'],
    ['"[" in the path', 'https://api.example.com/orders[0]'],
    ['"]" in the query', 'https://api.example.com/orders?id]'],
    ['a second "#"', 'https://api.example.com/orders#a#b'],
    ['an IP literal that is no IPv6 address', 'https://[v1.x]/orders'],
  ])('refuses %s', (_, htu) => {
    expect(() => readHtu(htu)).toThrow('"htu" must be an http(s) URI with a host and no user information');
  });

  it('never repeats a long htu in full', () => {
    const error = (() => {
      try {
        readHtu(`https://api.example.com/${'a'.repeat(5000)}\\`);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.message).toContain('U+005C at index 5024');
    expect(error.message.length).toBeLessThan(300);
  });
});

import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { createAccessTokenVerifier as createWebVerifier } from '../../src/index.js';
import { createAccessTokenVerifier } from '../../src/node.js';
import type { AccessTokenVerifierOptions } from '../../src/options.js';

const issuer = 'https://acme.okta.com/oauth2/default';
const base = { issuer, audience: 'api://default' };

/** Construction must throw ERR_CONFIG synchronously, with a message naming the option. */
function configFailure(options: unknown, create = createAccessTokenVerifier): string {
  let thrown: unknown;
  try {
    create(options as AccessTokenVerifierOptions);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toMatchObject({ name: 'TokenwardError', code: 'ERR_CONFIG', status: 500 });
  return (thrown as Error).message;
}

describe('createAccessTokenVerifier options: valid', () => {
  it('builds a verifier from the minimal options without any I/O', () => {
    const verifier = createAccessTokenVerifier(base);
    expect(verifier.issuers).toEqual([issuer]);
    expect(Object.isFrozen(verifier)).toBe(true);
  });

  it('accepts every option with a valid value', () => {
    expect(() =>
      createAccessTokenVerifier({
        ...base,
        audience: ['api://default', 'api://other'],
        jwksUri: `${issuer}/v1/keys`,
        algorithms: ['RS256', 'ES256'],
        clockTolerance: 0,
        maxTokenAge: 3600,
        maxTokenLifetime: 7200,
        maxTokenSize: 16_384,
        requiredClaims: ['jti'],
        typ: 'at+jwt',
        allowedJwksOrigins: ['https://keys.example.com'],
        orgServerRules: true,
        httpTimeout: 2.5,
        jwksCacheMaxAge: 60,
        discoveryCacheMaxAge: 86_400,
        jwksCooldown: 0,
        staleIfError: 0,
        resultCache: { max: 5 },
        fetch: globalThis.fetch,
        clock: () => 0,
        onEvent: () => {},
        realm: 'orders',
      }),
    ).not.toThrow();
  });

  it('accepts maxTokenLifetime false (no limit), and allowInsecureHttp for a plain-http issuer off loopback', () => {
    expect(() => createAccessTokenVerifier({ ...base, maxTokenLifetime: false })).not.toThrow();
    expect(() =>
      createAccessTokenVerifier({
        ...base,
        issuer: 'http://keycloak:8080/oauth2/default',
        allowInsecureHttp: true,
      }),
    ).not.toThrow();
    expect(() =>
      createAccessTokenVerifier({
        issuers: [{ issuer: 'http://keycloak:8080/oauth2/default', audience: 'a', allowInsecureHttp: true }],
      }),
    ).not.toThrow();
  });

  it('accepts http issuers on loopback hosts only', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:3000', '[::1]:9000', '127.9.9.9']) {
      expect(() =>
        createAccessTokenVerifier({ ...base, issuer: `http://${host}/oauth2/default` }),
      ).not.toThrow();
    }
  });

  it('accepts several issuers with per-issuer overrides', () => {
    const verifier = createAccessTokenVerifier({
      issuers: [
        { issuer, audience: 'api://default' },
        {
          issuer: 'https://acme.okta.com/oauth2/payments',
          audience: ['api://payments'],
          algorithms: ['ES256'],
          jwksUri: 'https://keys.example.com/jwks',
          allowedJwksOrigins: ['https://keys.example.com'],
        },
      ],
    });
    expect(verifier.issuers).toEqual([issuer, 'https://acme.okta.com/oauth2/payments']);
  });

  it('accepts a bare-origin issuer when orgServerRules is false', () => {
    expect(() =>
      createAccessTokenVerifier({
        issuer: 'https://tenant.example.com',
        audience: 'x',
        orgServerRules: false,
      }),
    ).not.toThrow();
  });

  it('accepts resultCache: false', () => {
    expect(() => createAccessTokenVerifier({ ...base, resultCache: false })).not.toThrow();
  });

  it('accepts a transport, and in the Node entry an undici dispatcher', () => {
    const transport = { get: () => Promise.reject(new Error('unused')) };
    expect(() => createAccessTokenVerifier({ ...base, transport })).not.toThrow();
    const dispatcher = new Agent();
    expect(() => createAccessTokenVerifier({ ...base, dispatcher })).not.toThrow();
    return dispatcher.close();
  });
});

describe('createAccessTokenVerifier options: each misconfiguration is ERR_CONFIG naming the option', () => {
  it('options that are not an object', () => {
    expect(configFailure(null)).toMatch(/options must be an object/);
    expect(configFailure('https://acme.okta.com/oauth2/default')).toMatch(/options must be an object/);
  });

  it('an unknown option name (a typo must not silently switch a check off)', () => {
    expect(configFailure({ ...base, audiences: ['x'] })).toMatch(/unknown option `audiences`/);
    expect(configFailure({ ...base, clockSkew: 5 })).toMatch(/unknown option `clockSkew`/);
    // The close name it most likely meant comes before the list.
    expect(configFailure({ ...base, audiance: 'x' })).toMatch(
      /unknown option `audiance`; did you mean `audience`\? known options: /,
    );
    expect(configFailure({ ...base, resultCache: { maks: 5 } })).toMatch(
      /`resultCache.maks`; did you mean `resultCache.max`\?/,
    );
  });

  it('neither issuer nor issuers', () => {
    expect(configFailure({ audience: 'api://default' })).toMatch(/`issuer` is required/);
  });

  it('both issuer and issuers', () => {
    expect(configFailure({ ...base, issuers: [base] })).toMatch(/either `issuer` .* or `issuers`/);
  });

  it('an issuer of the wrong type', () => {
    expect(configFailure({ ...base, issuer: 42 })).toMatch(
      /`issuer` must be a non-empty string; found number 42/,
    );
  });

  it('an issuer that is not a URL, or has a query or fragment (MD-1)', () => {
    expect(configFailure({ ...base, issuer: 'acme.okta.com' })).toMatch(/issuer must be an http\(s\) URL/);
    expect(configFailure({ ...base, issuer: `${issuer}?x=1` })).toMatch(/without query/);
    expect(configFailure({ ...base, issuer: `${issuer}#f` })).toMatch(/fragment/);
  });

  it('a non-https issuer off loopback (MD-7)', () => {
    expect(configFailure({ ...base, issuer: 'http://acme.okta.com/oauth2/default' })).toMatch(
      /`issuer` must use https/,
    );
  });

  it('an org-server issuer, pointing to a custom server (DESIGN rule 3, OK-1)', () => {
    const message = configFailure({ ...base, issuer: 'https://acme.okta.com' });
    expect(message).toMatch(/org authorization server/);
    expect(message).toContain('https://acme.okta.com/oauth2/default');
    expect(message).toMatch(/orgServerRules: false/);
  });

  it('a missing audience (BCP-9)', () => {
    expect(configFailure({ issuer })).toMatch(/`audience` is required/);
  });

  it('an empty audience', () => {
    expect(configFailure({ ...base, audience: '' })).toMatch(/`audience` must be a non-empty string/);
    expect(configFailure({ ...base, audience: [] })).toMatch(/`audience` is required/);
    expect(configFailure({ ...base, audience: ['api://x', ''] })).toMatch(/`audience\[1\]`/);
  });

  it.each(['none', 'NONE', 'HS256', 'hs512'])('algorithms containing %s (BCP-3, JOSE-14)', (alg) => {
    expect(configFailure({ ...base, algorithms: ['RS256', alg] })).toMatch(
      /none and HS\* are never accepted/,
    );
  });

  it('an unknown algorithm', () => {
    expect(configFailure({ ...base, algorithms: ['RS1'] })).toMatch(/unknown algorithm "RS1"/);
    expect(configFailure({ ...base, algorithms: ['rs256'] })).toMatch(/unknown algorithm "rs256"/);
  });

  it('an empty or non-array algorithms', () => {
    expect(configFailure({ ...base, algorithms: [] })).toMatch(/`algorithms` must not be empty/);
    expect(configFailure({ ...base, algorithms: 'RS256' })).toMatch(/`algorithms` must be an array/);
  });

  it.each([-1, 301, Number.NaN, '30'])('clockTolerance %s outside 0–300 s', (value) => {
    expect(configFailure({ ...base, clockTolerance: value })).toMatch(
      /`clockTolerance` must be a number of seconds from 0 to 300/,
    );
  });

  it('maxTokenAge not greater than 0', () => {
    expect(configFailure({ ...base, maxTokenAge: 0 })).toMatch(
      /`maxTokenAge` must be a number of seconds greater than 0/,
    );
  });

  it.each([0, -1, Number.NaN, '3600', true])('maxTokenLifetime %s (greater than 0, or false)', (value) => {
    expect(configFailure({ ...base, maxTokenLifetime: value })).toMatch(
      /`maxTokenLifetime` must be a number of seconds greater than 0/,
    );
  });

  it('a plain-http issuer under .localhost, which DNS may resolve anywhere (MD-7)', () => {
    expect(configFailure({ ...base, issuer: 'http://api.localhost/oauth2/default' })).toMatch(
      /must use https/,
    );
  });

  it('allowInsecureHttp that is not a boolean', () => {
    expect(configFailure({ ...base, allowInsecureHttp: 'yes' })).toMatch(/`allowInsecureHttp` must be/);
  });

  it('a custom-server issuer with a trailing slash, which never equals its iss', () => {
    expect(configFailure({ ...base, issuer: `${issuer}/` })).toMatch(
      /`issuer` ends with "\/", which the issuer of a custom authorization server never does/,
    );
  });

  it.each([
    `${issuer}/.well-known/openid-configuration`,
    'https://acme.okta.com/.well-known/oauth-authorization-server/oauth2/default',
  ])('a pasted discovery address %s', (pasted) => {
    expect(configFailure({ ...base, issuer: pasted })).toMatch(
      /is a discovery address; give the issuer itself/,
    );
  });

  it('maxTokenSize outside 256–65536 bytes', () => {
    expect(configFailure({ ...base, maxTokenSize: 100 })).toMatch(
      /`maxTokenSize` must be an integer from 256/,
    );
    expect(configFailure({ ...base, maxTokenSize: 1000.5 })).toMatch(/`maxTokenSize`/);
  });

  it('requiredClaims that are not strings', () => {
    expect(configFailure({ ...base, requiredClaims: ['jti', 7] })).toMatch(/`requiredClaims\[1\]`/);
  });

  it("typ other than 'at+jwt'", () => {
    expect(configFailure({ ...base, typ: 'JWT' })).toMatch(/`typ` can only be 'at\+jwt'/);
  });

  it('allowedJwksOrigins that are not https origins', () => {
    expect(configFailure({ ...base, allowedJwksOrigins: ['https://keys.example.com/path'] })).toMatch(
      /`allowedJwksOrigins\[0\]` must be an https origin/,
    );
    expect(configFailure({ ...base, allowedJwksOrigins: ['http://keys.example.com'] })).toMatch(
      /`allowedJwksOrigins\[0\]`/,
    );
  });

  it('a jwksUri on another origin unless allow-listed (§4.13 Transport)', () => {
    expect(configFailure({ ...base, jwksUri: 'https://evil.example/keys' })).toMatch(
      /`jwksUri` is on https:\/\/evil.example, not the issuer's origin/,
    );
  });

  it('a jwksUri over plain http', () => {
    expect(configFailure({ ...base, jwksUri: 'http://acme.okta.com/oauth2/default/v1/keys' })).toMatch(
      /`jwksUri` must use https/,
    );
  });

  it('orgServerRules that is not a boolean', () => {
    expect(configFailure({ ...base, orgServerRules: 'no' })).toMatch(
      /`orgServerRules` must be true or false/,
    );
  });

  it.each([
    ['httpTimeout', 0],
    ['httpTimeout', 61],
    ['jwksCacheMaxAge', 59],
    ['discoveryCacheMaxAge', 86_401],
    ['jwksCooldown', -1],
    ['staleIfError', 86_401],
  ])('%s = %s out of range', (name, value) => {
    expect(configFailure({ ...base, [name]: value })).toMatch(
      new RegExp(`\`${name}\` must be a number of seconds`),
    );
  });

  it('resultCache of the wrong shape', () => {
    expect(configFailure({ ...base, resultCache: true })).toMatch(/`resultCache` must be \{ max \} or false/);
    expect(configFailure({ ...base, resultCache: { max: 0 } })).toMatch(/`resultCache.max`/);
    expect(configFailure({ ...base, resultCache: { size: 5 } })).toMatch(/unknown option `resultCache.size`/);
  });

  it('fetch, clock and onEvent that are not functions', () => {
    expect(configFailure({ ...base, fetch: 'fetch' })).toMatch(/`fetch` must be a function/);
    expect(configFailure({ ...base, clock: 5 })).toMatch(/`clock` must be a function/);
    expect(configFailure({ ...base, onEvent: {} })).toMatch(/`onEvent` must be a function/);
  });

  it('a transport without get', () => {
    expect(configFailure({ ...base, transport: {} })).toMatch(/`transport` must be an object with a get/);
  });

  it('fetch and transport together', () => {
    expect(configFailure({ ...base, fetch: globalThis.fetch, transport: { get: () => undefined } })).toMatch(
      /either `fetch` or `transport`/,
    );
  });

  it('a realm that cannot be quoted in a challenge (BT-6)', () => {
    expect(configFailure({ ...base, realm: 'a"b' })).toMatch(/`realm` must be printable ASCII/);
    expect(configFailure({ ...base, realm: '' })).toMatch(/`realm`/);
  });

  it('issuers that is empty or not an array', () => {
    expect(configFailure({ issuers: [] })).toMatch(/`issuers` must be a non-empty array/);
    expect(configFailure({ issuers: base })).toMatch(/`issuers` must be a non-empty array/);
  });

  it('an issuers entry that is not an object, or has an unknown name', () => {
    expect(configFailure({ issuers: ['https://x.example/oauth2/a'] })).toMatch(
      /`issuers\[0\]` must be an object/,
    );
    expect(configFailure({ issuers: [{ ...base, clockTolerance: 5 }] })).toMatch(
      /unknown option `issuers\[0\].clockTolerance`/,
    );
  });

  it('the same issuer listed twice', () => {
    expect(configFailure({ issuers: [base, { ...base, audience: 'api://other' }] })).toMatch(
      /`issuers\[1\].issuer` .* is listed twice/,
    );
  });

  it('audience or jwksUri beside issuers', () => {
    expect(configFailure({ issuers: [base], audience: 'api://default' })).toMatch(
      /unknown option `audience`/,
    );
  });

  it('an org-server issuer inside issuers, naming its index', () => {
    expect(configFailure({ issuers: [base, { issuer: 'https://acme.okta.com', audience: 'x' }] })).toMatch(
      /`issuers\[1\].issuer` .* is the org authorization server/,
    );
  });

  it('a dispatcher together with fetch (Node entry)', () => {
    expect(configFailure({ ...base, dispatcher: new Agent(), fetch: globalThis.fetch })).toMatch(
      /one of `dispatcher`, `fetch` or `transport`/,
    );
  });

  it('a dispatcher that is not one (Node entry)', () => {
    expect(configFailure({ ...base, dispatcher: {} })).toMatch(/`dispatcher` must be an undici Dispatcher/);
  });

  it('dispatcher in the web entry is an unknown option', () => {
    expect(
      configFailure({ ...base, dispatcher: {} }, createWebVerifier as typeof createAccessTokenVerifier),
    ).toMatch(/unknown option `dispatcher`/);
  });
});

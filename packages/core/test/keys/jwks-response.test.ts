import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TokenwardError } from '../../src/errors.js';
import { createIssuerKeys, type IssuerKeysConfig } from '../../src/lib/keys/issuer-keys.js';
import { ISSUER, JWKS_URI, MockIdp } from './mock-idp.js';
import { keysConfig, manualClock, rejection, rsaKey } from './support.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const key = rsaKey('k1');

async function firstLoadFailure(
  answer: () => Response | Promise<Response>,
  overrides: Partial<IssuerKeysConfig> = {},
): Promise<TokenwardError> {
  const idp = new MockIdp(server, [key]);
  idp.jwksFailure = answer;
  const keys = createIssuerKeys(keysConfig({ issuer: ISSUER, clock: manualClock().now, ...overrides }));
  return rejection(keys.getKey('k1', 'RS256'));
}

const json = (body: object, init?: ResponseInit) => () =>
  HttpResponse.json(body as Record<string, unknown>, init);

describe('JWKS response checks (§4.13 Transport and size caps)', () => {
  it('reports a 5xx as ERR_JWKS_FETCH_FAILED (503)', async () => {
    const error = await firstLoadFailure(json({ error: 'down' }, { status: 500 }));
    expect(error.code).toBe('ERR_JWKS_FETCH_FAILED');
    expect(error.status).toBe(503);
    expect(error.message).toBe(`JWKS ${JWKS_URI} answered 500`);
  });

  it('reports a server that never answers as ERR_JWKS_FETCH_FAILED after the timeout', async () => {
    const error = await firstLoadFailure(
      async () => {
        await delay('infinite');
        return HttpResponse.json({});
      },
      { httpTimeoutMs: 40 },
    );
    expect(error.code).toBe('ERR_JWKS_FETCH_FAILED');
    expect(error.message).toContain('did not answer within 40 ms');
  });

  it('refuses a redirect and says so, without requesting the Location', async () => {
    let followed = 0;
    server.use(
      http.get('https://elsewhere.example.test/keys', () => {
        followed += 1;
        return HttpResponse.json({ keys: [key.jwk] });
      }),
    );
    const error = await firstLoadFailure(
      () =>
        new HttpResponse(null, { status: 301, headers: { location: 'https://elsewhere.example.test/keys' } }),
    );
    // No key set came: a fetch failure (503), not a broken key set.
    expect(error.code).toBe('ERR_JWKS_FETCH_FAILED');
    expect(error.message).toContain(
      'redirect (301 to https://elsewhere.example.test/keys); redirects are not followed',
    );
    expect(followed).toBe(0);
  });

  it.each([404, 410, 401, 403])('reports a %i as ERR_JWKS_FETCH_FAILED: no key set came', async (status) => {
    const error = await firstLoadFailure(json({}, { status }));
    expect(error.code).toBe('ERR_JWKS_FETCH_FAILED');
    expect(error.status).toBe(503);
    expect(error.message).toContain(`answered ${status}`);
  });

  it('refuses a body that is not JSON by content type (MD-3)', async () => {
    const error = await firstLoadFailure(() => HttpResponse.html(JSON.stringify({ keys: [key.jwk] })));
    expect(error.code).toBe('ERR_JWKS_INVALID');
    expect(error.message).toContain('content type "text/html"');
  });

  it('accepts application/jwk-set+json', async () => {
    const idp = new MockIdp(server, [key]);
    idp.jwksFailure = () =>
      new HttpResponse(JSON.stringify({ keys: [key.jwk] }), {
        headers: { 'content-type': 'application/jwk-set+json; charset=utf-8' },
      });
    const keys = createIssuerKeys(keysConfig({ issuer: ISSUER, clock: manualClock().now }));
    expect((await keys.getKey('k1', 'RS256')).kid).toBe('k1');
  });

  it('refuses malformed JSON and JSON that is not an object', async () => {
    const broken = await firstLoadFailure(
      () => new HttpResponse('{"keys": [', { headers: { 'content-type': 'application/json' } }),
    );
    expect(broken.code).toBe('ERR_JWKS_INVALID');
    expect(broken.message).toContain('not UTF-8 JSON');
    const array = await firstLoadFailure(json([key.jwk]));
    expect(array.message).toContain('JSON that is not an object');
    const noKeys = await firstLoadFailure(json({ key: key.jwk }));
    expect(noKeys.message).toContain('has no "keys" array');
  });

  it('refuses a body larger than maxJwksBytes', async () => {
    const error = await firstLoadFailure(json({ keys: [key.jwk], padding: 'x'.repeat(4096) }), {
      maxJwksBytes: 2048,
    });
    expect(error.code).toBe('ERR_JWKS_INVALID');
    expect(error.message).toContain('larger than 2048 bytes');
  });

  it('refuses a set with more than maxJwksKeys keys', async () => {
    const error = await firstLoadFailure(json({ keys: Array.from({ length: 4 }, () => key.jwk) }), {
      maxJwksKeys: 3,
    });
    expect(error.code).toBe('ERR_JWKS_INVALID');
    expect(error.message).toContain('holds 4 keys; at most 3 are accepted');
  });

  it('installs a set whose keys are all unusable, and refuses each kid for its own reason (401, not 503)', async () => {
    const weak = rsaKey('weak', 1024);
    const idp = new MockIdp(server, [key]);
    idp.keys = [{ ...key.jwk, kid: 'enc', use: 'enc' }, weak.jwk, { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }];
    const keys = createIssuerKeys(keysConfig({ issuer: ISSUER, clock: manualClock().now }));
    for (const [kid, reason] of [
      ['enc', 'has "use" "enc", not "sig"'],
      ['weak', 'has a 1024-bit RSA modulus'],
      ['hmac', 'is a symmetric ("oct") key'],
    ]) {
      const error = await rejection(keys.getKey(kid, 'RS256'));
      expect(error.code).toBe('ERR_KEY_NOT_FOUND');
      expect(error.status).toBe(401);
      expect(error.message).toContain(reason);
    }
    expect(idp.jwksHits).toBe(1);
  });

  it.each([
    ['an empty list', { keys: [] }, '; it lists no keys'],
    ['entries that are not JWKs', { keys: [1, 'k', { kid: 'no-kty' }] }, 'is not a JSON object'],
  ])('refuses a key set of %s as ERR_JWKS_INVALID', async (_label, body, detail) => {
    const error = await firstLoadFailure(json(body));
    expect(error.code).toBe('ERR_JWKS_INVALID');
    expect(error.message).toContain('holds no JWK usable with the allowed algorithms (RS256)');
    expect(error.message).toContain(detail);
  });

  it('uses the keys that pass and ignores the rest (JOSE-12)', async () => {
    const idp = new MockIdp(server, [key]);
    idp.keys = [{ kty: 'RSA', kid: 'broken' }, { kty: 'unknown', kid: 'odd' }, key.jwk];
    const keys = createIssuerKeys(keysConfig({ issuer: ISSUER, clock: manualClock().now }));
    expect((await keys.getKey('k1', 'RS256')).kid).toBe('k1');
    const skipped = await keys.getKey('broken', 'RS256').then(
      () => undefined,
      (reason: unknown) => reason as TokenwardError,
    );
    expect(skipped?.code).toBe('ERR_KEY_NOT_FOUND');
    expect(skipped?.message).toContain('kid "broken" is published but unusable');
    expect(idp.jwksHits).toBe(1);
  });

  it('reports a key that fails to import as ERR_KEY_NOT_FOUND, not a 5xx', async () => {
    const idp = new MockIdp(server, [key]);
    // A P-256 point with well-formed coordinates that is not on the curve (BCP-6).
    const offCurve = {
      kty: 'EC',
      crv: 'P-256',
      kid: 'bad-point',
      x: `${'A'.repeat(42)}E`,
      y: `${'A'.repeat(42)}E`,
    };
    idp.keys = [offCurve];
    const keys = createIssuerKeys(
      keysConfig({ issuer: ISSUER, clock: manualClock().now, algorithms: ['ES256'] }),
    );
    const error = await keys.getKey('bad-point', 'ES256').then(
      () => undefined,
      (reason: unknown) => reason as TokenwardError,
    );
    expect(error?.code).toBe('ERR_KEY_NOT_FOUND');
    expect(error?.message).toContain('could not be imported for ES256');
  });
});

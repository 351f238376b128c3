import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discoveryUrls } from '../../src/discovery-urls.js';
import { createIssuerKeys, type IssuerKeysConfig } from '../../src/lib/keys/issuer-keys.js';
import { ISSUER, JWKS_URI, METADATA_URL, ORIGIN } from './mock-idp.js';
import { eventsOfType, keysConfig, manualClock, rejection, rsaKey } from './support.js';

const server = setupServer();
const requested: string[] = [];
server.events.on('request:start', ({ request }) => {
  requested.push(request.url);
});
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  requested.length = 0;
});
afterAll(() => server.close());

const key = rsaKey('k1');
const OAUTH_APPENDED = `${ISSUER}/.well-known/oauth-authorization-server`;
const OPENID_APPENDED = `${ISSUER}/.well-known/openid-configuration`;

function serveJwks(url = JWKS_URI) {
  server.use(http.get(url, () => HttpResponse.json({ keys: [key.jwk] })));
}

function serveMetadata(url: string, metadata: Record<string, unknown> = {}) {
  server.use(http.get(url, () => HttpResponse.json({ issuer: ISSUER, jwks_uri: JWKS_URI, ...metadata })));
}

function answer(url: string, status: number) {
  server.use(http.get(url, () => HttpResponse.json({ error: 'x' }, { status })));
}

function issuerKeys(overrides: Partial<IssuerKeysConfig> = {}) {
  const clock = manualClock();
  const config = keysConfig({ issuer: ISSUER, clock: clock.now, ...overrides });
  return { clock, config, keys: createIssuerKeys(config) };
}

describe('discovery addresses (MD-2)', () => {
  it('puts the RFC 8414 path-insertion form first, then the appended OAuth and OIDC forms', () => {
    expect(discoveryUrls('https://acme.okta.com/oauth2/aus9o8wzkhckw9TLa0h7z')).toEqual([
      'https://acme.okta.com/.well-known/oauth-authorization-server/oauth2/aus9o8wzkhckw9TLa0h7z',
      'https://acme.okta.com/oauth2/aus9o8wzkhckw9TLa0h7z/.well-known/oauth-authorization-server',
      'https://acme.okta.com/oauth2/aus9o8wzkhckw9TLa0h7z/.well-known/openid-configuration',
    ]);
  });

  it('has two forms for an issuer without a path, and drops a terminating slash', () => {
    expect(discoveryUrls('https://acme.okta.com')).toEqual([
      'https://acme.okta.com/.well-known/oauth-authorization-server',
      'https://acme.okta.com/.well-known/openid-configuration',
    ]);
    expect(discoveryUrls('https://acme.okta.com/oauth2/default/')[2]).toBe(
      'https://acme.okta.com/oauth2/default/.well-known/openid-configuration',
    );
  });

  it('is exported from both entries, and refuses what is not an issuer with ERR_CONFIG (MD-1)', async () => {
    const web = await import('../../src/index.js');
    const node = await import('../../src/node.js');
    expect(web.discoveryUrls).toBe(discoveryUrls);
    expect(node.discoveryUrls).toBe(discoveryUrls);
    for (const notIssuer of ['acme.okta.com', 'https://acme.okta.com/?x=1', 'ftp://acme.okta.com']) {
      expect(() => discoveryUrls(notIssuer)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    }
  });
});

describe('discovery over HTTP', () => {
  it('uses the path-insertion document when it exists and reports the fetch', async () => {
    serveMetadata(METADATA_URL);
    serveJwks();
    const { keys, config } = issuerKeys();
    await keys.warm();
    expect(requested).toEqual([METADATA_URL, JWKS_URI]);
    expect(eventsOfType(config.events, 'discovery_fetched')[0]).toMatchObject({
      issuer: ISSUER,
      url: METADATA_URL,
    });
  });

  it.each([404, 405, 410])('moves to the next form on %i, in order', async (status) => {
    answer(METADATA_URL, status);
    answer(OAUTH_APPENDED, status);
    serveMetadata(OPENID_APPENDED);
    serveJwks();
    await issuerKeys().keys.warm();
    expect(requested).toEqual([METADATA_URL, OAUTH_APPENDED, OPENID_APPENDED, JWKS_URI]);
  });

  it('fails with every address tried when no form exists', async () => {
    for (const url of [METADATA_URL, OAUTH_APPENDED, OPENID_APPENDED]) answer(url, 404);
    const error = await rejection(issuerKeys().keys.warm());
    expect(error.code).toBe('ERR_DISCOVERY_FAILED');
    expect(error.status).toBe(503);
    expect(error.message).toContain(
      `tried ${METADATA_URL} (404), ${OAUTH_APPENDED} (404), ${OPENID_APPENDED} (404)`,
    );
  });

  it('stops at a 5xx instead of asking a failing server twice more', async () => {
    answer(METADATA_URL, 502);
    const { keys, config } = issuerKeys();
    const error = await rejection(keys.warm());
    expect(error.code).toBe('ERR_DISCOVERY_FAILED');
    expect(error.message).toBe(`Discovery document ${METADATA_URL} answered 502`);
    expect(requested).toEqual([METADATA_URL]);
    expect(eventsOfType(config.events, 'discovery_failed')[0]).toMatchObject({
      url: METADATA_URL,
      code: 'ERR_DISCOVERY_FAILED',
    });
  });

  it('stops at a timeout (§4.13: 5 s total, enforced)', async () => {
    server.use(
      http.get(METADATA_URL, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const error = await rejection(issuerKeys({ httpTimeoutMs: 40 }).keys.warm());
    expect(error.code).toBe('ERR_DISCOVERY_FAILED');
    expect(error.message).toContain('did not answer within 40 ms');
    expect(requested).toEqual([METADATA_URL]);
  });

  it('refuses a redirect', async () => {
    server.use(
      http.get(
        METADATA_URL,
        () => new HttpResponse(null, { status: 302, headers: { location: OPENID_APPENDED } }),
      ),
    );
    const error = await rejection(issuerKeys().keys.warm());
    expect(error.code).toBe('ERR_DISCOVERY_FAILED');
    expect(error.message).toContain('redirects are not followed');
    expect(requested).toEqual([METADATA_URL]);
  });

  it('refuses a document that is not JSON (MD-3) or larger than maxDiscoveryBytes', async () => {
    server.use(http.get(METADATA_URL, () => HttpResponse.text(JSON.stringify({ issuer: ISSUER }))));
    expect((await rejection(issuerKeys().keys.warm())).message).toContain('content type "text/plain"');
    serveMetadata(METADATA_URL, { padding: 'x'.repeat(2000) });
    const large = await rejection(issuerKeys({ maxDiscoveryBytes: 1000 }).keys.warm());
    expect(large.message).toContain('larger than 1000 bytes');
  });

  it.each([
    [
      'another issuer',
      'https://evil.example.test/oauth2/default',
      '"https://evil.example.test/oauth2/default"',
    ],
    ['a trailing slash', `${ISSUER}/`, `"${ISSUER}/"`],
    ['no issuer', undefined, 'no issuer string'],
  ])('refuses a document naming %s: exact match only (MD-4, MD-5)', async (_, issuer, found) => {
    serveMetadata(METADATA_URL, { issuer });
    const error = await rejection(issuerKeys().keys.warm());
    expect(error.code).toBe('ERR_DISCOVERY_ISSUER_MISMATCH');
    expect(error.status).toBe(503);
    expect(error.message).toContain(`names ${found}, but it was fetched for issuer "${ISSUER}"`);
    expect(requested).toEqual([METADATA_URL]);
  });

  it('refuses a jwks_uri on another origin unless that origin is allowed (§4.13 Transport, BCP-10)', async () => {
    const foreign = 'https://keys.example.test/tenant/keys';
    serveMetadata(METADATA_URL, { jwks_uri: foreign });
    const error = await rejection(issuerKeys().keys.warm());
    expect(error.code).toBe('ERR_DISCOVERY_FAILED');
    expect(error.message).toContain(
      `"jwks_uri" ${foreign} is on origin https://keys.example.test, but keys are fetched only from the issuer's origin ${ORIGIN}`,
    );
    expect(requested).toEqual([METADATA_URL]);

    serveJwks(foreign);
    await issuerKeys({ allowedJwksOrigins: ['https://keys.example.test/'] }).keys.warm();
    expect(requested.at(-1)).toBe(foreign);
  });

  it.each([
    ['plain http', 'http://idp.example.test/oauth2/default/v1/keys', 'must use https'],
    ['a missing value', undefined, 'has no "jwks_uri" string'],
    ['a relative URL', '/oauth2/default/v1/keys', 'is not an absolute URL'],
  ])('refuses a jwks_uri with %s', async (_, jwksUri, expected) => {
    serveMetadata(METADATA_URL, { jwks_uri: jwksUri });
    const error = await rejection(issuerKeys().keys.warm());
    expect(error.code).toBe('ERR_DISCOVERY_FAILED');
    expect(error.message).toContain(expected);
  });

  it('refreshes metadata on its own schedule and keeps the last good one when that fails', async () => {
    let metadataHits = 0;
    server.use(
      http.get(METADATA_URL, () => {
        metadataHits += 1;
        return metadataHits === 1
          ? HttpResponse.json({ issuer: ISSUER, jwks_uri: JWKS_URI })
          : HttpResponse.json({}, { status: 500 });
      }),
    );
    serveJwks();
    const { keys, clock, config } = issuerKeys();
    await keys.getKey('k1', 'RS256');
    clock.advanceSeconds(600); // key set expired, metadata still fresh
    await keys.getKey('k1', 'RS256');
    expect(metadataHits).toBe(1);
    clock.advanceSeconds(3000); // metadata now an hour old
    await keys.getKey('k1', 'RS256');
    expect(metadataHits).toBe(2);
    expect(keys.peekKey('k1', 'RS256')).toBeDefined();
    expect(eventsOfType(config.events, 'discovery_failed')).toHaveLength(1);
    expect(requested.filter((url) => url === JWKS_URI)).toHaveLength(3);
  });

  it('skips discovery when jwksUri is configured', async () => {
    serveJwks();
    await issuerKeys({ jwksUri: JWKS_URI }).keys.warm();
    expect(requested).toEqual([JWKS_URI]);
  });
});

describe('configuration checks', () => {
  it.each([
    [{ issuer: 'http://idp.example.test/oauth2/default' }, 'issuer', 'must use https'],
    [{ issuer: `${ISSUER}?tenant=1` }, 'issuer', 'must not contain a query'],
    [{ issuer: 'not a url' }, 'issuer', 'is not an absolute URL'],
    [{ jwksUri: 'http://idp.example.test/keys' }, 'jwksUri', 'must use https'],
    [{ jwksUri: 'https://user:pw@idp.example.test/keys' }, 'jwksUri', 'must not contain credentials'],
  ])('refuses %o at construction with ERR_CONFIG naming %s', (overrides, name, expected) => {
    const attempt = () => createIssuerKeys(keysConfig({ issuer: ISSUER, clock: Date.now, ...overrides }));
    expect(attempt).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    expect(attempt).toThrow(new RegExp(`^${name} .*${expected}`));
  });

  it('allows plain http to loopback hosts only (development and tests)', () => {
    for (const issuer of [
      'http://127.0.0.1:8080/oauth2/default',
      'http://localhost:3000',
      'http://[::1]:9000',
    ]) {
      expect(() => createIssuerKeys(keysConfig({ issuer, clock: Date.now }))).not.toThrow();
    }
    expect(() =>
      createIssuerKeys(keysConfig({ issuer: 'http://127.0.0.1.nip.io', clock: Date.now })),
    ).toThrow();
  });
});

/**
 * Introspection (RFC 7662) against the reference issuer on loopback: opaque tokens, revocation
 * within the cache bound, sibling and org servers, and every way the endpoint can fail.
 */
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifierOptions,
  createAccessTokenVerifier,
  createIntrospectionVerifier,
  type IntrospectionOptions,
  type TokenwardEvent,
} from '../../src/node.js';
import { manualClock, rejectionOf } from '../integration/support.js';

let issuer: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['payments'] });
  server = issuer.server('default');
});
afterEach(() => issuer.clearFaults());
afterAll(() => issuer.close());

const CLIENT = { clientId: 'test-client', clientSecret: 'test-secret' } as const;

function verifierFor(
  introspection: Partial<IntrospectionOptions> = {},
  extra: Partial<AccessTokenVerifierOptions> = {},
) {
  const clock = manualClock();
  const events: TokenwardEvent[] = [];
  const verifier = createAccessTokenVerifier({
    issuer: server.issuer,
    audience: server.audience,
    clock: clock.now,
    onEvent: (event) => events.push(event),
    introspection: { mode: 'fallback', ...CLIENT, ...introspection },
    ...extra,
  } as AccessTokenVerifierOptions);
  return { verifier, clock, events };
}

const introspections = (id = 'default') => issuer.requestCount({ server: id, endpoint: 'introspect' });

describe('opaque tokens, introspected at the issuer', () => {
  it('an active opaque token verifies with the result shape of a JWT (IN-1, IN-2)', async () => {
    const { verifier, clock } = verifierFor();
    const token = await server.mintAccessToken(
      { sub: 'alice', scp: ['orders:read', 'orders:write'] },
      { format: 'opaque', now: clock.seconds() },
    );
    const result = await verifier.verify(token, { scopes: ['orders:read'] });
    expect(result).toMatchObject({
      token,
      header: undefined,
      issuer: server.issuer,
      subject: 'alice',
      audience: ['api://default'],
      scopes: ['orders:read', 'orders:write'],
      clientId: 'test-client',
      server: { kind: 'custom', id: 'default', issuer: server.issuer },
    });
    expect(Object.isFrozen(result)).toBe(true);
    await expect(verifier.verify(token, { scopes: ['orders:admin'] })).rejects.toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
      status: 403,
    });
  });

  it('an unknown token is 401 invalid_token ERR_TOKEN_INACTIVE, and the message never holds the token (IN-2)', async () => {
    const { verifier } = verifierFor();
    const token = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8';
    const error = await rejectionOf(verifier.verify(token));
    expect(error).toMatchObject({ code: 'ERR_TOKEN_INACTIVE', status: 401 });
    expect(error.headers['WWW-Authenticate']).toContain('error="invalid_token"');
    expect(error.message).not.toContain(token);
  });

  it("a sibling server's opaque token is inactive here: a custom server vouches only for its own (IN-2)", async () => {
    const { verifier } = verifierFor();
    const sibling = await issuer
      .server('payments')
      .mintAccessToken({}, { format: 'opaque', audience: 'api://default' });
    await expect(verifier.verify(sibling)).rejects.toMatchObject({ code: 'ERR_TOKEN_INACTIVE' });
  });

  it('an active token for another audience is ERR_AUDIENCE_MISMATCH, as a JWT would be', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken({}, { format: 'opaque', audience: 'api://elsewhere' });
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'ERR_AUDIENCE_MISMATCH',
      status: 401,
    });
  });

  it('a string that is no bearer token is refused before anything is sent', async () => {
    const { verifier } = verifierFor();
    const before = introspections();
    await expect(verifier.verify('not a token!')).rejects.toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
    await expect(verifier.verify('a'.repeat(9000))).rejects.toMatchObject({ code: 'ERR_TOKEN_TOO_LARGE' });
    expect(introspections()).toBe(before);
  });

  it('JWTs are still verified locally in fallback mode: no introspection call', async () => {
    const { verifier } = verifierFor();
    const before = introspections();
    const jwt = await server.mintAccessToken({ scp: ['orders:read'] });
    await expect(verifier.verify(jwt)).resolves.toMatchObject({ scopes: ['orders:read'] });
    expect(introspections()).toBe(before);
  });
});

describe('revocation and the cache bound (IN-4)', () => {
  it('a revoked opaque token keeps working until the cached answer expires, then is refused (IN-4)', async () => {
    const { verifier, clock } = verifierFor({ maxCacheAge: 60 });
    const token = await server.mintAccessToken({}, { format: 'opaque', expiresIn: 3600 });
    const before = introspections();
    await verifier.verify(token);
    expect(server.revokeToken(token)).toBe(true);
    clock.advance(59);
    await expect(verifier.verify(token)).resolves.toMatchObject({ token });
    expect(introspections()).toBe(before + 1);
    clock.advance(2);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_INACTIVE' });
    expect(introspections()).toBe(before + 2);
  });

  it('mode always: a valid JWT is introspected after its local checks, and refused once revoked (IN-4)', async () => {
    const { verifier, clock } = verifierFor({ mode: 'always', maxCacheAge: 30 });
    const jwt = await server.mintAccessToken({ scp: ['orders:read'] }, { expiresIn: 3600 });
    const before = introspections();
    await expect(verifier.verify(jwt)).resolves.toMatchObject({ header: { alg: 'RS256' } });
    expect(introspections()).toBe(before + 1);
    server.revokeToken(jwt);
    clock.advance(31);
    await expect(verifier.verify(jwt)).rejects.toMatchObject({ code: 'ERR_TOKEN_INACTIVE', status: 401 });
  });

  it('IN-5: mode always asks before the route requirements: a revoked token lacking a scope is 401 ERR_TOKEN_INACTIVE, not 403', async () => {
    const { verifier, clock } = verifierFor({ mode: 'always', maxCacheAge: 30 });
    const jwt = await server.mintAccessToken({ scp: ['orders:read'] }, { expiresIn: 3600 });
    // Active: the route's requirements decide, after the issuer said yes.
    const before = introspections();
    const lacking = await rejectionOf(verifier.verify(jwt, { scopes: ['orders:refund'] }));
    expect(lacking).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', status: 403 });
    expect(introspections()).toBe(before + 1);
    server.revokeToken(jwt);
    clock.advance(31);
    for (const requirements of [
      { scopes: ['orders:refund'] },
      { claims: { tier: 'gold' } },
      { acrValues: ['urn:loa:2'], maxAge: 60 },
    ]) {
      const refused = await rejectionOf(verifier.verify(jwt, requirements));
      expect(refused).toMatchObject({ code: 'ERR_TOKEN_INACTIVE', status: 401 });
      expect(refused.headers['WWW-Authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
      expect(refused.message).not.toContain(jwt);
    }
  });

  it('mode always: a JWT that fails locally is never sent to the server', async () => {
    const { verifier } = verifierFor({ mode: 'always' });
    const before = introspections();
    const other = await server.mintAccessToken({}, { audience: 'api://elsewhere' });
    await expect(verifier.verify(other)).rejects.toMatchObject({ code: 'ERR_AUDIENCE_MISMATCH' });
    expect(introspections()).toBe(before);
  });

  it('maxCacheAge 0 asks on every request', async () => {
    const { verifier } = verifierFor({ maxCacheAge: 0 });
    const token = await server.mintAccessToken({}, { format: 'opaque' });
    const before = introspections();
    await verifier.verify(token);
    await verifier.verify(token);
    expect(introspections()).toBe(before + 2);
  });

  it('an inactive answer is cached only with negativeCacheAge', async () => {
    const unknown = 'dW5rbm93bi10b2tlbi1mb3ItbmVnYXRpdmUtY2FjaGluZw';
    const plain = verifierFor();
    const before = introspections();
    await rejectionOf(plain.verifier.verify(unknown));
    await rejectionOf(plain.verifier.verify(unknown));
    expect(introspections()).toBe(before + 2);
    const negative = verifierFor({ negativeCacheAge: 10 });
    await rejectionOf(negative.verifier.verify(unknown));
    await rejectionOf(negative.verifier.verify(unknown));
    expect(introspections()).toBe(before + 3);
    negative.clock.advance(11);
    await rejectionOf(negative.verifier.verify(unknown));
    expect(introspections()).toBe(before + 4);
  });
});

describe('org-server tokens (IN-Okta, OK-1)', () => {
  it('without an org-server client they are refused with ERR_ORG_SERVER_TOKEN, as without introspection (OK-1)', async () => {
    const { verifier } = verifierFor();
    const orgToken = await issuer.orgServer.mintAccessToken({ scp: ['okta.users.read'] });
    await expect(verifier.verify(orgToken)).rejects.toMatchObject({ code: 'ERR_ORG_SERVER_TOKEN' });
    expect(introspections('org')).toBe(0);
  });

  it('with an org-server client they are introspected at the org server (IN-Okta)', async () => {
    const { verifier } = verifierFor({ orgServer: CLIENT });
    const orgToken = await issuer.orgServer.mintAccessToken({ sub: 'alice', scp: ['okta.users.read'] });
    const result = await verifier.verify(orgToken);
    expect(result).toMatchObject({
      issuer: issuer.orgServer.issuer,
      subject: 'alice',
      audience: [issuer.orgServer.issuer],
      scopes: ['okta.users.read'],
      server: { kind: 'org', issuer: issuer.orgServer.issuer },
      header: undefined,
    });
    expect(introspections('org')).toBe(1);
    issuer.orgServer.revokeToken(orgToken);
    await expect(verifier.verify(orgToken)).resolves.toMatchObject({ subject: 'alice' });
  });

  it("a custom server's token never goes to the org server, and an org-server client needs a custom server", () => {
    expect(() =>
      createAccessTokenVerifier({
        issuer: server.issuer,
        audience: server.audience,
        orgServerRules: false,
        introspection: { mode: 'fallback', ...CLIENT, orgServer: CLIENT },
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining('orgServer') }));
  });
});

describe('failures are 503 ERR_INTROSPECTION_FAILED, never a verdict on the token', () => {
  const opaque = () => server.mintAccessToken({}, { format: 'opaque' });

  it('wrong client credentials: 503 and an event naming the refused client, never a 401 (IN-1)', async () => {
    const { verifier, events } = verifierFor({ clientSecret: 'wrong-secret' });
    const error = await rejectionOf(verifier.verify(await opaque()));
    expect(error).toMatchObject({ code: 'ERR_INTROSPECTION_FAILED', status: 503 });
    expect(error.headers['WWW-Authenticate']).not.toContain('invalid_token');
    expect((error as unknown as { body: unknown }).body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'The API cannot check access tokens right now; retry later',
      code: 'ERR_INTROSPECTION_FAILED',
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'introspection_credentials_refused',
        status: 401,
        clientId: 'test-client',
        url: server.introspectionEndpoint,
      }),
    );
  });

  it("429 with Retry-After: 503 carrying the server's own Retry-After", async () => {
    const { verifier, events } = verifierFor();
    issuer.setFault({
      server: 'default',
      endpoint: 'introspect',
      status: 429,
      headers: { 'Retry-After': '17' },
    });
    const error = await rejectionOf(verifier.verify(await opaque()));
    expect(error).toMatchObject({ code: 'ERR_INTROSPECTION_FAILED', status: 503 });
    expect(error.headers['Retry-After']).toBe('17');
    expect(events).toContainEqual(expect.objectContaining({ type: 'introspection_failed', status: 429 }));
  });

  it('5xx without Retry-After: 503 with the default Retry-After', async () => {
    const { verifier } = verifierFor();
    issuer.setFault({ server: 'default', endpoint: 'introspect', status: 502 });
    const error = await rejectionOf(verifier.verify(await opaque()));
    expect(error).toMatchObject({ code: 'ERR_INTROSPECTION_FAILED', status: 503 });
    expect(error.headers['Retry-After']).toBe('30');
  });

  it('an endpoint that never answers is aborted after httpTimeout: 503', async () => {
    const { verifier, events } = verifierFor({}, { httpTimeout: 0.3 });
    const token = await opaque();
    await verifier.warm();
    issuer.setFault({ server: 'default', endpoint: 'introspect', delayMs: 'never' });
    const error = await rejectionOf(verifier.verify(token));
    expect(error).toMatchObject({ code: 'ERR_INTROSPECTION_FAILED', status: 503 });
    expect(error.message).toContain('did not answer within 300 ms');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'introspection_failed', status: undefined }),
    );
  });

  it('a huge body is cut off at maxResponseSize: 503', async () => {
    const { verifier } = verifierFor({ maxResponseSize: 4096 });
    issuer.setFault({
      server: 'default',
      endpoint: 'introspect',
      body: `{"active":true,"padding":"${'x'.repeat(2 * 1024 * 1024)}"}`,
    });
    const error = await rejectionOf(verifier.verify(await opaque()));
    expect(error).toMatchObject({ code: 'ERR_INTROSPECTION_FAILED', status: 503 });
    expect(error.message).toContain('larger than 4096 bytes');
  });

  it('an answer without a boolean active is a failure, not a verdict (IN-2)', async () => {
    const { verifier } = verifierFor();
    issuer.setFault({ server: 'default', endpoint: 'introspect', body: '{"active":"true"}' });
    await expect(verifier.verify(await opaque())).rejects.toMatchObject({ code: 'ERR_INTROSPECTION_FAILED' });
  });

  it('an endpoint down: 503, and nothing is cached', async () => {
    const { verifier } = verifierFor();
    const token = await opaque();
    issuer.setFault({ server: 'default', endpoint: 'introspect', reset: true, times: 1 });
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_INTROSPECTION_FAILED' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ token });
  });
});

describe('client authentication and the request (IN-1)', () => {
  it('client_secret_post and token_type_hint travel in the form', async () => {
    const forms: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      if (init?.method === 'POST') forms.push(String(init.body));
      return fetch(input, init);
    };
    const { verifier } = verifierFor({ clientAuthMethod: 'client_secret_post' }, { fetch: recording });
    const token = await server.mintAccessToken({}, { format: 'opaque' });
    await verifier.verify(token);
    const form = new URLSearchParams(forms[0]);
    expect(Object.fromEntries(form)).toEqual({
      token,
      token_type_hint: 'access_token',
      client_id: 'test-client',
      client_secret: 'test-secret',
    });
  });
});

describe('createIntrospectionVerifier: every token asked, none checked locally', () => {
  it('introspects JWTs too, and needs no mode', async () => {
    const verifier = createIntrospectionVerifier({
      issuer: server.issuer,
      audience: server.audience,
      introspection: CLIENT,
    });
    const jwt = await server.mintAccessToken({ sub: 'bob' });
    const before = introspections();
    await expect(verifier.verify(jwt)).resolves.toMatchObject({ subject: 'bob', header: undefined });
    expect(introspections()).toBe(before + 1);
    expect(() => verifier.verifySync(jwt)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
  });
});

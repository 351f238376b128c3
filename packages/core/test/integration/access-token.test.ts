import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '../../src/node.js';
import { manualClock, rejectionOf, SERVERS } from './support.js';

let org: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: SERVERS });
  server = org.server('default');
});
afterAll(() => org.close());

function verifierFor(extra: Partial<Parameters<typeof createAccessTokenVerifier>[0]> = {}) {
  const clock = manualClock();
  const verifier = createAccessTokenVerifier({
    issuer: server.issuer,
    audience: server.audience,
    clock: clock.now,
    ...extra,
  } as Parameters<typeof createAccessTokenVerifier>[0]);
  return { verifier, clock };
}

describe('access tokens of the default custom server (Node entry, real issuer)', () => {
  it('verifies a valid token and describes it', async () => {
    const { verifier, clock } = verifierFor();
    const token = await server.mintAccessToken(
      { sub: 'alice', scp: ['orders:read'] },
      { now: clock.seconds() },
    );
    const result = await verifier.verify(token);
    expect(result).toMatchObject({
      token,
      issuer: server.issuer,
      subject: 'alice',
      audience: ['api://default'],
      scopes: ['orders:read'],
      clientId: 'test-client',
      expiresAt: new Date((clock.seconds() + 3600) * 1000),
      server: { kind: 'custom', id: 'default', issuer: server.issuer },
    });
    expect(result.header).toMatchObject({ alg: 'RS256', kid: server.activeKid });
    expect(Object.isFrozen(result)).toBe(true);
  });

  it('refuses a token without exp (JOSE-15: exp is required here)', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken({}, { omit: ['exp'] });
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({
      code: 'ERR_CLAIM_MISSING',
      status: 401,
      message: 'token has no "exp" claim; access tokens must carry it',
    });
  });

  it('refuses an expired token past the 30 s tolerance and accepts one within it (AT-7)', async () => {
    const { verifier, clock } = verifierFor();
    const now = clock.seconds();
    const expired = await server.mintAccessToken({}, { now, expiresIn: -31 });
    const justExpired = await server.mintAccessToken({}, { now, expiresIn: -29 });
    const failure = await rejectionOf(verifier.verify(expired));
    expect(failure.code).toBe('ERR_TOKEN_EXPIRED');
    expect(failure.headers['WWW-Authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="token expired at /,
    );
    expect((await verifier.verify(justExpired)).subject).toBeDefined();
  });

  it('honours clockTolerance: 0', async () => {
    const { verifier, clock } = verifierFor({ clockTolerance: 0 });
    const token = await server.mintAccessToken({}, { now: clock.seconds(), expiresIn: -1 });
    expect((await rejectionOf(verifier.verify(token))).code).toBe('ERR_TOKEN_EXPIRED');
  });

  it('refuses nbf in the future beyond the tolerance only (JOSE-15)', async () => {
    const { verifier, clock } = verifierFor();
    const now = clock.seconds();
    const later = await server.mintAccessToken({}, { now, notBefore: 31 });
    const soon = await server.mintAccessToken({}, { now, notBefore: 29 });
    expect((await rejectionOf(verifier.verify(later))).code).toBe('ERR_TOKEN_NOT_YET_VALID');
    await expect(verifier.verify(soon)).resolves.toMatchObject({ issuer: server.issuer });
  });

  it('refuses iat in the future beyond the tolerance', async () => {
    const { verifier, clock } = verifierFor();
    const token = await server.mintAccessToken({}, { now: clock.seconds(), issuedAt: clock.seconds() + 120 });
    const failure = await rejectionOf(verifier.verify(token));
    expect(failure.code).toBe('ERR_TOKEN_NOT_YET_VALID');
    expect(failure.message).toMatch(/issued in the future/);
  });

  it('applies maxTokenAge to iat', async () => {
    const { verifier, clock } = verifierFor({ maxTokenAge: 300 });
    const token = await server.mintAccessToken({}, { now: clock.seconds(), issuedAt: clock.seconds() - 400 });
    expect((await rejectionOf(verifier.verify(token))).message).toMatch(
      /more than maxTokenAge \(300 s\) ago/,
    );
  });

  it('refuses a token for another audience, saying expected and found (BCP-9, AT-5)', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken({}, { audience: 'api://payments' });
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({
      code: 'ERR_AUDIENCE_MISMATCH',
      message: 'expected aud "api://default"; found "api://payments"',
    });
  });

  it('accepts aud as an array containing the audience', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken({}, { audience: ['api://other', 'api://default'] });
    expect((await verifier.verify(token)).audience).toEqual(['api://other', 'api://default']);
  });

  it('says a token passed with its "Bearer " prefix was passed with the scheme, without echoing it (BT-1, BT-8)', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken();
    for (const prefixed of [`Bearer ${token}`, `bearer ${token}`]) {
      const failure = await rejectionOf(verifier.verify(prefixed));
      expect(failure.code).toBe('ERR_TOKEN_MALFORMED');
      expect(failure.message).toMatch(/"Bearer " scheme of the Authorization header; pass the token alone/);
      expect(failure.message).not.toContain(token.slice(0, 20));
    }
  });

  it('refuses an ID token presented as an access token, even one whose aud is the API (OK-2, AT-10)', async () => {
    const { verifier } = verifierFor();
    const idToken = await server.mintIdToken({ sub: 'alice' }, { clientId: 'api://default' });
    const failure = await rejectionOf(verifier.verify(idToken));
    expect(failure.code).toBe('ERR_TYPE_INVALID');
    expect(failure.message).toMatch(/no client id/);
    const withNonce = await server.mintIdToken({ sub: 'alice', nonce: 'n-1' }, { clientId: 'api://default' });
    expect((await rejectionOf(verifier.verify(withNonce))).message).toMatch(/"nonce", a claim of ID tokens/);
  });

  it('refuses the default ID token (aud = client id) as an ID token, before its audience (AT-10)', async () => {
    const { verifier } = verifierFor();
    const idToken = await server.mintIdToken({ sub: 'alice' });
    const failure = await rejectionOf(verifier.verify(idToken));
    expect(failure.code).toBe('ERR_TYPE_INVALID');
    expect(failure.message).toMatch(/ID token/);
  });

  it("requires typ at+jwt with typ: 'at+jwt' (AT-2)", async () => {
    const { verifier } = verifierFor({ typ: 'at+jwt' });
    const typed = await server.mintAccessToken({}, { typ: 'at+jwt' });
    const untyped = await server.mintAccessToken();
    await expect(verifier.verify(typed)).resolves.toMatchObject({ issuer: server.issuer });
    expect((await rejectionOf(verifier.verify(untyped))).code).toBe('ERR_TYPE_INVALID');
  });

  it('refuses a token of another JWT type', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken({}, { typ: 'logout+jwt' });
    expect((await rejectionOf(verifier.verify(token))).code).toBe('ERR_TYPE_INVALID');
  });

  it('enforces requiredClaims', async () => {
    const { verifier } = verifierFor({ requiredClaims: ['jti', 'department'] });
    const token = await server.mintAccessToken();
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({
      code: 'ERR_CLAIM_MISSING',
      message: 'token has no "department" claim, which requiredClaims lists',
    });
  });

  it('refuses claims of the wrong type: scp as a string', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken({ scp: 'orders:read' });
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      message: 'claim "scp" must be a string array; found string',
    });
  });
});

describe('scopes and claim requirements (DESIGN rule 6, BT-7)', () => {
  it('normalises scp (array) and scope (space-separated) to one list', async () => {
    const { verifier } = verifierFor();
    const viaScp = await server.mintAccessToken({ scp: ['orders:read', 'orders:write'] });
    const viaScope = await server.mintAccessToken({ scope: 'orders:read orders:write' }, { omit: ['scp'] });
    expect((await verifier.verify(viaScp)).scopes).toEqual(['orders:read', 'orders:write']);
    expect((await verifier.verify(viaScope)).scopes).toEqual(['orders:read', 'orders:write']);
  });

  it('answers a missing scope with 403 insufficient_scope naming the scope', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken({ scp: ['orders:read'] });
    await expect(verifier.verify(token, { scopes: ['orders:read'] })).resolves.toMatchObject({
      scopes: ['orders:read'],
    });
    const failure = await rejectionOf(verifier.verify(token, { scopes: ['orders:read', 'orders:write'] }));
    expect(failure).toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
      status: 403,
      message: 'token lacks scope orders:write; required: orders:read orders:write',
    });
    expect(failure.headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="token lacks scope orders:write; required: orders:read orders:write", scope="orders:read orders:write"',
    );
    await expect(
      verifier.verify(token, { scopes: ['admin', 'orders:read'], scopeMatch: 'any' }),
    ).resolves.toBeDefined();
  });

  it('checks per-call claim requirements', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken({ tier: 'gold', groups: ['staff'] });
    await expect(
      verifier.verify(token, { claims: { tier: 'gold', groups: { includes: 'staff' } } }),
    ).resolves.toBeDefined();
    expect((await rejectionOf(verifier.verify(token, { claims: { tier: 'platinum' } }))).code).toBe(
      'ERR_CLAIM_INVALID',
    );
    expect((await rejectionOf(verifier.verify(token, { claims: { region: 'eu' } }))).code).toBe(
      'ERR_CLAIM_MISSING',
    );
  });

  it('refuses malformed verify options as ERR_CONFIG, never a 401', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken();
    const failure = await rejectionOf(verifier.verify(token, { scopes: 'orders:read' } as never));
    expect(failure).toMatchObject({ code: 'ERR_CONFIG', status: 500 });
  });

  it('takes omitted or empty options as no requirements, but refuses empty scopes or claims', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken({ sub: 'alice' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'alice' });
    await expect(verifier.verify(token, {})).resolves.toMatchObject({ subject: 'alice' });
    expect(await rejectionOf(verifier.verify(token, { claims: {} }))).toMatchObject({
      code: 'ERR_CONFIG',
      message: 'tokenward: verify: `claims` must name at least one claim; found an empty object',
    });
    expect(await rejectionOf(verifier.verify(token, { scopes: [] }))).toMatchObject({
      code: 'ERR_CONFIG',
      message:
        'tokenward: verify: `scopes` must be a non-empty array of scope tokens (RFC 6749 section 3.3); found an empty array',
    });
  });

  it('refuses a malformed claim requirement even when the token lacks that claim', async () => {
    const { verifier } = verifierFor();
    const token = await server.mintAccessToken();
    const failure = await rejectionOf(
      verifier.verify(token, { claims: { region: { includes: [] } } } as never),
    );
    expect(failure).toMatchObject({ code: 'ERR_CONFIG', status: 500 });
    expect(failure.message).toContain('`claims.region` must be');
  });
});

describe('the verifier reports its realm', () => {
  it("is 'api' by default and the realm option otherwise", () => {
    expect(verifierFor().verifier.realm).toBe('api');
    expect(verifierFor({ realm: 'orders' }).verifier.realm).toBe('orders');
  });
});

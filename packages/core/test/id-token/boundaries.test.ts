import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdTokenVerifier, type TokenwardEvent } from '../../src/index.js';
import { compactJws } from '../token/helpers.js';
import { rejectionOf, SPA_CLIENT } from './support.js';

let org: ReferenceIssuer;
let defaultServer: AuthServer;
let payments: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default', 'payments'] });
  defaultServer = org.server('default');
  payments = org.server('payments');
});
afterAll(() => org.close());

const verifierFor = (server: AuthServer, onEvent?: (event: TokenwardEvent) => void) =>
  createIdTokenVerifier({ issuer: server.issuer, clientId: SPA_CLIENT, ...(onEvent ? { onEvent } : {}) });

describe('issuer boundaries (IDT-2, DESIGN rules 1 and 2)', () => {
  it('refuses an ID token of a sibling custom server and names it', async () => {
    const failure = await rejectionOf(verifierFor(defaultServer).verify(await payments.mintIdToken()));
    expect(failure.code).toBe('ERR_ISSUER_MISMATCH');
    expect(failure.message).toContain(
      `token is from custom authorization server "payments" ("${payments.issuer}")`,
    );
  });

  it('refuses an org-server ID token when a custom server is configured, as a plain issuer mismatch', async () => {
    const failure = await rejectionOf(verifierFor(defaultServer).verify(await org.orgServer.mintIdToken()));
    expect(failure).toMatchObject({ code: 'ERR_ISSUER_MISMATCH', status: 401 });
  });

  it('refuses a custom-server ID token when the org server is configured', async () => {
    const failure = await rejectionOf(verifierFor(org.orgServer).verify(await defaultServer.mintIdToken()));
    expect(failure.code).toBe('ERR_ISSUER_MISMATCH');
  });

  it('never uses a sibling server’s key: a token signed by payments under default’s iss', async () => {
    const token = await defaultServer.mintIdToken({}, { signWith: payments });
    expect(await rejectionOf(verifierFor(defaultServer).verify(token))).toMatchObject({
      code: 'ERR_KEY_NOT_FOUND',
    });
  });

  it('refuses a signature by another key under the kid of default’s own key', async () => {
    const token = await defaultServer.mintIdToken(
      {},
      { signWith: payments, header: { kid: defaultServer.activeKid } },
    );
    const failure = await rejectionOf(verifierFor(defaultServer).verify(token));
    expect(failure.code).toBe('ERR_SIGNATURE_INVALID');
    expect(failure.message).toBe(
      `signature does not verify with the RS256 key (kid "${defaultServer.activeKid}") of ${defaultServer.issuer}`,
    );
  });

  it('refuses a key the issuer does not publish', async () => {
    const token = await defaultServer.mintIdToken({}, { signWith: 'unpublished' });
    expect(await rejectionOf(verifierFor(defaultServer).verify(token))).toMatchObject({
      code: 'ERR_KEY_NOT_FOUND',
    });
  });
});

describe('the token itself (same pipeline as access tokens)', () => {
  it('refuses a token whose payload was changed after signing', async () => {
    const [header, payload, signature] = (await defaultServer.mintIdToken()).split('.') as [
      string,
      string,
      string,
    ];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, email: 'mallory@example.com' })).toString(
      'base64url',
    );
    const failure = await rejectionOf(verifierFor(defaultServer).verify(`${header}.${forged}.${signature}`));
    expect(failure.code).toBe('ERR_SIGNATURE_INVALID');
  });

  it.each([
    ['none', { alg: 'none' }],
    ['HS256', { alg: 'HS256' }],
    ['ES256 (not in the allow-list)', { alg: 'ES256' }],
  ])('refuses alg %s (BCP-1, DESIGN rule 5)', async (_label, header) => {
    const token = await defaultServer.mintIdToken({}, { header });
    expect(await rejectionOf(verifierFor(defaultServer).verify(token))).toMatchObject({
      code: 'ERR_ALG_NOT_ALLOWED',
    });
  });

  it('refuses a crit header (RFC 7515 §4.1.11)', async () => {
    const token = await defaultServer.mintIdToken({}, { header: { crit: ['exp'] } });
    expect(await rejectionOf(verifierFor(defaultServer).verify(token))).toMatchObject({
      code: 'ERR_CRIT_UNSUPPORTED',
    });
  });

  it.each([
    ['not a JWT', 'abc', 'ERR_TOKEN_MALFORMED'],
    ['a JWE', 'a.b.c.d.e', 'ERR_TOKEN_MALFORMED'],
    ['a header that is not JSON', compactJws('not json', { sub: 'x' }), 'ERR_TOKEN_MALFORMED'],
    ['larger than 8 KiB', compactJws({ alg: 'RS256' }, { pad: 'x'.repeat(9000) }), 'ERR_TOKEN_TOO_LARGE'],
  ])('refuses %s', async (_label, token, code) => {
    expect(await rejectionOf(verifierFor(defaultServer).verify(token))).toMatchObject({ code });
  });

  it('refuses a token that is not a string', async () => {
    const failure = await rejectionOf(verifierFor(defaultServer).verify(undefined as unknown as string));
    expect(failure).toMatchObject({
      code: 'ERR_TOKEN_MALFORMED',
      message: 'expected the token as a string; found undefined',
    });
  });
});

describe('key fetching and events', () => {
  it('reports an unreachable discovery document as 503, not as a bad token', async () => {
    const server = org.addServer('discovery-down');
    org.setFault({ server: server.id, endpoint: 'discovery', status: 500 });
    const failure = await rejectionOf(verifierFor(server).verify(await server.mintIdToken()));
    org.clearFaults();
    expect(failure).toMatchObject({ code: 'ERR_DISCOVERY_FAILED', status: 503 });
  });

  it('emits verification_failed with the issuer and the code', async () => {
    const events: TokenwardEvent[] = [];
    const verifier = verifierFor(defaultServer, (event) => events.push(event));
    await rejectionOf(verifier.verify(await defaultServer.mintIdToken({ nonce: 'n' }), { nonce: 'm' }));
    expect(events.filter((event) => event.type === 'verification_failed')).toEqual([
      {
        type: 'verification_failed',
        issuer: defaultServer.issuer,
        code: 'ERR_NONCE_MISMATCH',
        message: expect.stringContaining('differs from the one sent'),
      },
    ]);
    expect(events.map((event) => event.type)).toContain('jwks_fetched');
  });

  it('reports a token of an unknown issuer without naming one (nothing was fetched for it)', async () => {
    const events: TokenwardEvent[] = [];
    const verifier = verifierFor(defaultServer, (event) => events.push(event));
    await rejectionOf(verifier.verify(await payments.mintIdToken()));
    expect(events).toEqual([expect.objectContaining({ type: 'verification_failed', issuer: undefined })]);
  });
});

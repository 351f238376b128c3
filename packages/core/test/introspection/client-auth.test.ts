/**
 * How the API authenticates to the introspection endpoint (RFC 7662 §2.1): `private_key_jwt`
 * assertions (RFC 7523) accepted by the reference issuer for a client registered with its public
 * key, and the key-binding members of an answer (RFC 9449 §6.2).
 */
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier, type JsonWebKeyLike } from '../../src/node.js';

let issuer: ReferenceIssuer;
let server: AuthServer;
let privateJwk: JsonWebKeyLike;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'rs-key-1', alg: 'ES256' };
  privateJwk = { ...(await exportJWK(privateKey)), kid: 'rs-key-1' };
  issuer = await startIssuer({
    port: 0,
    clients: [{ clientId: 'orders-api', jwks: { keys: [publicJwk] } }],
  });
  server = issuer.server('default');
});
afterEach(() => issuer.clearFaults());
afterAll(() => issuer.close());

function recordingFetch(forms: URLSearchParams[]): typeof fetch {
  return async (input, init) => {
    if (init?.method === 'POST') forms.push(new URLSearchParams(String(init.body)));
    return fetch(input, init);
  };
}

describe('private_key_jwt (RFC 7523) (IN-1)', () => {
  it('authenticates with a signed assertion whose aud is the issuer (IN-1)', async () => {
    const forms: URLSearchParams[] = [];
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      fetch: recordingFetch(forms),
      introspection: { mode: 'fallback', clientId: 'orders-api', privateKey: privateJwk, maxCacheAge: 0 },
    });
    const token = await server.mintAccessToken({ sub: 'alice' }, { format: 'opaque' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'alice' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'alice' });
    const [first, second] = forms.filter((form) => form.has('client_assertion'));
    expect(first!.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    const assertion = first!.get('client_assertion')!;
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'ES256', kid: 'rs-key-1' });
    const claims = decodeJwt(assertion);
    expect(claims).toMatchObject({ iss: 'orders-api', sub: 'orders-api', aud: server.issuer });
    expect(claims.exp! - claims.iat!).toBe(60);
    // One assertion per request: the issuer burns each jti.
    expect(decodeJwt(second!.get('client_assertion')!).jti).not.toBe(claims.jti);
  });

  it('an assertion signed by a key the server does not know is refused: 503, never 401 (IN-1)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const stranger = { ...(await exportJWK(privateKey)), kid: 'rs-key-1' };
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      introspection: { mode: 'fallback', clientId: 'orders-api', privateKey: stranger },
    });
    const token = await server.mintAccessToken({}, { format: 'opaque' });
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'ERR_INTROSPECTION_FAILED',
      status: 503,
    });
  });

  it('a private key and a secret together, or neither, is ERR_CONFIG', () => {
    const base = { issuer: server.issuer, audience: server.audience };
    expect(() =>
      createAccessTokenVerifier({
        ...base,
        introspection: { mode: 'fallback', clientId: 'x', clientSecret: 's', privateKey: privateJwk },
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    expect(() =>
      createAccessTokenVerifier({ ...base, introspection: { mode: 'fallback', clientId: 'x' } }),
    ).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining('clientSecret') }),
    );
    expect(() =>
      createAccessTokenVerifier({
        ...base,
        introspection: { mode: 'sometimes' as 'always', clientId: 'x', clientSecret: 's' },
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining('mode') }));
  });
});

describe('what an active answer must show (IN-2, DP-3)', () => {
  const verifier = () =>
    createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      introspection: {
        mode: 'fallback',
        clientId: 'test-client',
        clientSecret: 'test-secret',
        maxCacheAge: 0,
      },
    });
  const answer = (members: Record<string, unknown>) =>
    issuer.setFault({
      server: 'default',
      endpoint: 'introspect',
      body: JSON.stringify({
        active: true,
        iss: server.issuer,
        sub: 'alice',
        aud: 'api://default',
        exp: Math.floor(Date.now() / 1000) + 300,
        ...members,
      }),
      contentType: 'application/json',
    });
  const opaque = 'b3BhcXVlLXRva2VuLWZvci1jYW5uZWQtYW5zd2Vycw';

  it('the cnf.jkt of a bound token binds it: sent as a bearer token it is refused (DP-3, DP-5)', async () => {
    answer({ token_type: 'DPoP', cnf: { jkt: 'thumbprint-of-the-proof-key' } });
    await expect(verifier().verify(opaque)).rejects.toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH' });
  });

  it('a bound token described as a Bearer token is refused (DP-3)', async () => {
    answer({ token_type: 'Bearer', cnf: { jkt: 'thumbprint-of-the-proof-key' } });
    await expect(verifier().verify(opaque)).rejects.toMatchObject({ code: 'ERR_TYPE_INVALID' });
  });

  it('a refresh token is not an access token', async () => {
    answer({ token_type: 'refresh_token' });
    await expect(verifier().verify(opaque)).rejects.toMatchObject({ code: 'ERR_TYPE_INVALID' });
  });

  it('an answer naming another issuer, or none, is refused: a server vouches only for its own tokens (IN-2)', async () => {
    answer({ iss: issuer.server('default').issuer.replace('/default', '/payments') });
    await expect(verifier().verify(opaque)).rejects.toMatchObject({ code: 'ERR_ISSUER_MISMATCH' });
    answer({ iss: undefined });
    await expect(verifier().verify(opaque)).rejects.toMatchObject({ code: 'ERR_CLAIM_MISSING' });
  });

  it('an answer without exp, or past it, is refused (IN-4)', async () => {
    answer({ exp: undefined });
    await expect(verifier().verify(opaque)).rejects.toMatchObject({ code: 'ERR_CLAIM_MISSING' });
    answer({ exp: Math.floor(Date.now() / 1000) - 120 });
    await expect(verifier().verify(opaque)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });

  it('a client-credentials answer without sub stands for its client (RFC 9068 section 2.2)', async () => {
    answer({ sub: undefined, client_id: 'batch-job', scope: 'orders:read orders:write' });
    await expect(verifier().verify(opaque)).resolves.toMatchObject({
      subject: 'batch-job',
      clientId: 'batch-job',
      scopes: ['orders:read', 'orders:write'],
    });
  });
});

import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTokenwardError } from '../../src/errors.js';
import { createAccessTokenVerifier as createWebVerifier } from '../../src/index.js';
import { createAccessTokenVerifier } from '../../src/node.js';
import { SERVERS } from './support.js';

let org: ReferenceIssuer;
let def: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: SERVERS });
  def = org.server('default');
});
afterAll(() => org.close());

/** What `action` throws, as the fields tests compare. */
function thrownBy(action: () => unknown): { code: string; status: number; headers: Record<string, string> } {
  try {
    action();
  } catch (error) {
    if (isTokenwardError(error)) return error;
    throw error;
  }
  throw new Error('expected a TokenwardError');
}

describe('verifySync: the verifier without a promise, for warm keys', () => {
  it('refuses with ERR_KEY_NOT_CACHED (503, Retry-After) before the keys are loaded, and never fetches', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken();
    org.resetCounts();
    const error = thrownBy(() => verifier.verifySync(token));
    expect(error).toMatchObject({ code: 'ERR_KEY_NOT_CACHED', status: 503 });
    expect(error.headers['Retry-After']).toBeDefined();
    expect(org.requestCount({ server: 'default', endpoint: 'jwks' })).toBe(0);
    // verify() is the way on: it fetches, after which verifySync answers.
    await verifier.verify(token);
    expect(verifier.verifySync(token).subject).toBe((await verifier.verify(token)).subject);
  });

  it('returns the frozen result once warm, and applies the same checks as verify', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      resultCache: false,
    });
    await verifier.warm();
    const token = await def.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const result = verifier.verifySync(token, { scopes: ['orders:read'] });
    expect(result).toMatchObject({ subject: 'alice', scopes: ['orders:read'], issuer: def.issuer });
    expect(Object.isFrozen(result)).toBe(true);
    expect(thrownBy(() => verifier.verifySync(token, { scopes: ['orders:write'] })).code).toBe(
      'ERR_INSUFFICIENT_SCOPE',
    );
    const expired = await def.mintAccessToken({}, { expiresIn: -120 });
    expect(thrownBy(() => verifier.verifySync(expired)).code).toBe('ERR_TOKEN_EXPIRED');
    expect(thrownBy(() => verifier.verifySync('not-a-jwt')).code).toBe('ERR_TOKEN_MALFORMED');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const tampered = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
    expect(thrownBy(() => verifier.verifySync(tampered)).code).toBe('ERR_SIGNATURE_INVALID');
  });

  it('throws ERR_CONFIG on the default entry, whose WebCrypto check is asynchronous', async () => {
    const verifier = createWebVerifier({ issuer: def.issuer, audience: def.audience });
    await verifier.warm();
    const token = await def.mintAccessToken();
    expect(thrownBy(() => verifier.verifySync(token)).code).toBe('ERR_CONFIG');
    expect((await verifier.verify(token)).issuer).toBe(def.issuer);
  });
});

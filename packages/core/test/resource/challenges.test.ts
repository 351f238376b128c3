import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateRequest, checkAuthRequirements } from '../../src/authenticate-request.js';
import { TokenwardError } from '../../src/errors.js';
import { createAccessTokenVerifier } from '../../src/node.js';
import { validateAuthRequirements } from '../../src/requirements.js';
import type { AccessTokenVerifier } from '../../src/types.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

let org: ReferenceIssuer;
let server: AuthServer;
let verifier: AccessTokenVerifier;

beforeAll(async () => {
  org = await startIssuer({ port: 0 });
  server = org.server('default');
  verifier = createAccessTokenVerifier({ issuer: server.issuer, resource: RESOURCE, realm: 'mcp' });
});
afterAll(() => org.close());

const challengeOf = (error: TokenwardError) => error.headers['WWW-Authenticate'];
async function rejectionOf(promise: Promise<unknown>): Promise<TokenwardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TokenwardError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}
const request = (authorization?: string) => ({
  method: 'POST',
  url: '/mcp',
  headers: authorization === undefined ? {} : { authorization },
});
const tools = validateAuthRequirements({ scopes: ['mcp:tools', 'mcp:read'] }, 'test');

describe('challenges of a protected resource (RFC 9728 section 5.1, RFC 6750 section 3)', () => {
  it('PR-6, PR-7: no token is a 401 without an error, naming the route scopes and the metadata URL', async () => {
    const refusal = await rejectionOf(authenticateRequest(verifier, request(), tools));
    expect(refusal.code).toBe('ERR_TOKEN_MISSING');
    expect(challengeOf(refusal)).toBe(
      `Bearer realm="mcp", scope="mcp:tools mcp:read", resource_metadata="${METADATA}"`,
    );
    expect(refusal.resourceMetadata).toBe(METADATA);
  });

  it('PR-2, PR-6: a token for another resource is 401 invalid_token with the metadata URL', async () => {
    const token = await server.mintAccessToken({ aud: 'https://other.example.com/mcp', scp: ['mcp:tools'] });
    const refusal = await rejectionOf(authenticateRequest(verifier, request(`Bearer ${token}`), tools));
    expect(refusal.code).toBe('ERR_AUDIENCE_MISMATCH');
    expect(challengeOf(refusal)).toMatch(
      new RegExp(
        `^Bearer realm="mcp", error="invalid_token", error_description="[^"]+", scope="mcp:tools mcp:read", resource_metadata="${METADATA}"$`,
      ),
    );
  });

  it('PR-6, PR-7: a missing scope is 403 insufficient_scope with the scope and the metadata URL', async () => {
    const token = await server.mintAccessToken({ aud: RESOURCE, scp: ['mcp:tools'] });
    const refusal = await rejectionOf(authenticateRequest(verifier, request(`Bearer ${token}`), tools));
    expect(refusal.status).toBe(403);
    expect(challengeOf(refusal)).toMatch(
      new RegExp(
        `^Bearer realm="mcp", error="insufficient_scope", error_description="[^"]+", scope="mcp:tools mcp:read", resource_metadata="${METADATA}"$`,
      ),
    );
  });

  it('PR-7: with scopeMatch any, the challenge names every scope that would do', async () => {
    const token = await server.mintAccessToken({ aud: RESOURCE, scp: ['profile'] });
    const either = validateAuthRequirements({ scopes: ['a:read', 'a:write'], scopeMatch: 'any' }, 'test');
    const refusal = await rejectionOf(authenticateRequest(verifier, request(`Bearer ${token}`), either));
    expect(challengeOf(refusal)).toContain('scope="a:read a:write"');
  });

  it('SU-1, PR-6: a step-up refusal keeps acr_values and max_age beside the metadata URL', async () => {
    const token = await server.mintAccessToken({ aud: RESOURCE, acr: 'urn:loa:1', auth_time: 1 });
    const strong = validateAuthRequirements({ acrValues: ['urn:loa:2'], maxAge: 60 }, 'test');
    const refusal = await rejectionOf(authenticateRequest(verifier, request(`Bearer ${token}`), strong));
    expect(challengeOf(refusal)).toMatch(
      new RegExp(
        `error="insufficient_user_authentication", error_description="[^"]+", acr_values="urn:loa:2", max_age="60", resource_metadata="${METADATA}"$`,
      ),
    );
  });

  it('BT-7: a malformed request stays a 400 invalid_request, without scope or metadata', async () => {
    const refusal = await rejectionOf(authenticateRequest(verifier, request('Bearer'), tools));
    expect(refusal.status).toBe(400);
    expect(challengeOf(refusal)).not.toMatch(/scope=|resource_metadata=/);
  });

  it('a verifier without a resource sends no resource_metadata', async () => {
    const plain = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const refusal = await rejectionOf(authenticateRequest(plain, request(), tools));
    expect(challengeOf(refusal)).toBe('Bearer realm="api", scope="mcp:tools mcp:read"');
  });

  it('PR-6, PR-7: route checks after verification answer with the same challenge', async () => {
    const token = await server.mintAccessToken({ aud: RESOURCE, scp: ['profile'] });
    const auth = await verifier.verify(token);
    const challenge = { realm: 'mcp', resource: RESOURCE };
    expect(() => checkAuthRequirements(undefined, tools, challenge)).toThrow(
      expect.objectContaining({
        headers: {
          'WWW-Authenticate': `Bearer realm="mcp", scope="mcp:tools mcp:read", resource_metadata="${METADATA}"`,
        },
      }),
    );
    let refusal: unknown;
    try {
      checkAuthRequirements(auth, tools, challenge);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(TokenwardError);
    expect(challengeOf(refusal as TokenwardError)).toContain(`resource_metadata="${METADATA}"`);
    // The realm alone (the older form of the argument) still works.
    expect(() => checkAuthRequirements(undefined, tools, 'orders')).toThrow(
      expect.objectContaining({
        headers: { 'WWW-Authenticate': 'Bearer realm="orders", scope="mcp:tools mcp:read"' },
      }),
    );
  });
});

describe('challenge size and characters (BT-6)', () => {
  it('BT-6: the route scopes give way when they alone would pass 1 KiB; the metadata URL stays', () => {
    const scopes = Array.from({ length: 120 }, (_, index) => `scope:${index}`);
    const error = new TokenwardError('ERR_INSUFFICIENT_SCOPE', 'x'.repeat(2000), {
      requiredScopes: scopes,
      resourceMetadata: METADATA,
    });
    const challenge = challengeOf(error) ?? '';
    expect(challenge.length).toBeLessThanOrEqual(1024);
    expect(challenge).not.toContain('scope="');
    expect(challenge).toContain(`resource_metadata="${METADATA}"`);
  });

  it('BT-6: a long description is cut so scope and metadata fit, all printable ASCII', () => {
    const error = new TokenwardError('ERR_TOKEN_EXPIRED', `expired \u2014 ${'y'.repeat(1500)}`, {
      requiredScopes: ['mcp:tools'],
      resourceMetadata: METADATA,
    });
    const challenge = challengeOf(error) ?? '';
    expect(challenge.length).toBeLessThanOrEqual(1024);
    expect(challenge).toMatch(/^[\x20-\x7e]+$/);
    expect(challenge).toMatch(new RegExp(`\\.\\.\\.", scope="mcp:tools", resource_metadata="${METADATA}"$`));
  });

  it('503 answers carry neither scope nor metadata: the token may be fine', () => {
    const error = new TokenwardError('ERR_JWKS_FETCH_FAILED', 'down', {
      requiredScopes: ['mcp:tools'],
      resourceMetadata: METADATA,
    });
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="api"', 'Retry-After': '30' });
  });

  it('withRealm keeps the scope and metadata of the challenge', () => {
    const error = new TokenwardError('ERR_TOKEN_MISSING', 'none', {
      requiredScopes: ['mcp:tools'],
      resourceMetadata: METADATA,
    }).withRealm('other');
    expect(challengeOf(error)).toBe(
      `Bearer realm="other", scope="mcp:tools", resource_metadata="${METADATA}"`,
    );
  });
});

import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTokenwardError } from '../../src/errors.js';
import { createAccessTokenVerifier } from '../../src/node.js';
import { protectedResourceMetadata } from '../../src/protected-resource.js';
import { rejectionOf } from './support.js';

let org: ReferenceIssuer;
let server: AuthServer;
const RESOURCE = 'https://mcp.example.com/mcp';

beforeAll(async () => {
  org = await startIssuer({ port: 0 });
  server = org.server('default');
});
afterAll(() => org.close());

const configMessage = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (isTokenwardError(error) && error.code === 'ERR_CONFIG') return error.message;
    throw error;
  }
  throw new Error('no ERR_CONFIG');
};

describe('resource = audience (RFC 8707, RFC 9728)', () => {
  it('accepts a token minted for the resource, given in any spelling of its canonical form', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer,
      resource: 'HTTPS://MCP.example.com:443/mcp',
    });
    expect(verifier.resource).toBe(RESOURCE);
    const token = await server.mintAccessToken({ aud: RESOURCE });
    await expect(verifier.verify(token)).resolves.toMatchObject({ audience: [RESOURCE] });
  });

  it('refuses a token minted for another resource, saying so', async () => {
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, resource: RESOURCE });
    const refusal = await rejectionOf(
      verifier.verify(await server.mintAccessToken({ aud: 'https://other.example.com/mcp' })),
    );
    expect(refusal.code).toBe('ERR_AUDIENCE_MISMATCH');
    expect(refusal.message).toContain('"https://mcp.example.com/mcp"');
    expect(refusal.message).toContain('another resource');
    // A classic api:// audience gets no resource hint.
    const classic = await rejectionOf(
      verifier.verify(await server.mintAccessToken({ aud: 'api://default' })),
    );
    expect(classic.message).not.toContain('another resource');
  });

  it('publishes metadata from the same verifier: resource and its issuer (RFC 9728 section 2)', () => {
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, resource: RESOURCE });
    const { url, document } = protectedResourceMetadata(verifier, { scopesSupported: ['mcp:tools'] });
    expect(url).toBe('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
    expect(document).toMatchObject({ resource: RESOURCE, authorization_servers: [server.issuer] });
  });

  it('an explicit audience must include the resource, so metadata and checks cannot disagree', () => {
    expect(
      configMessage(() =>
        createAccessTokenVerifier({ issuer: server.issuer, resource: RESOURCE, audience: 'api://default' }),
      ),
    ).toMatch(/audience.*must include the `resource`/);
    expect(
      createAccessTokenVerifier({
        issuer: server.issuer,
        resource: RESOURCE,
        audience: [RESOURCE, 'api://default'],
      }).resource,
    ).toBe(RESOURCE);
  });

  it.each([
    ['a fragment', 'https://mcp.example.com/mcp#x'],
    ['plain http off loopback', 'http://mcp.example.com/mcp'],
    ['a relative path', '/mcp'],
  ])('refuses a resource with %s at construction', (_, resource) => {
    expect(configMessage(() => createAccessTokenVerifier({ issuer: server.issuer, resource }))).toContain(
      '`resource`',
    );
  });

  it('still requires an audience when there is no resource', () => {
    expect(configMessage(() => createAccessTokenVerifier({ issuer: server.issuer } as never))).toContain(
      'audience',
    );
  });
});

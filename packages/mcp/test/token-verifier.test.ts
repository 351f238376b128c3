import {
  InsufficientScopeError,
  InvalidTokenError,
  ServerError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { createAccessTokenVerifier } from '@tokenward/core';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpTokenVerifier } from '../src/index.js';

const RESOURCE = 'http://127.0.0.1:9/mcp';
let org: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0 });
  server = org.server('default');
});
afterAll(() => org.close());

const verifier = () =>
  createAccessTokenVerifier({ issuer: server.issuer, resource: RESOURCE, httpTimeout: 1 });

describe('mcpTokenVerifier: the MCP SDK OAuthTokenVerifier shape', () => {
  it('maps a verified token to AuthInfo (token, clientId, scopes, expiresAt in seconds, resource, extra)', async () => {
    const token = await server.mintAccessToken(
      { aud: RESOURCE, sub: 'alice', scp: ['mcp:tools'] },
      { expiresIn: 300 },
    );
    const info = await mcpTokenVerifier(verifier()).verifyAccessToken(token);
    expect(info).toMatchObject({ token, clientId: 'test-client', scopes: ['mcp:tools'] });
    expect(info.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(Number.isInteger(info.expiresAt)).toBe(true);
    expect(info.resource?.href).toBe(RESOURCE);
    expect(info.extra).toMatchObject({
      subject: 'alice',
      issuer: server.issuer,
      server: { kind: 'custom', id: 'default' },
    });
  });

  it('turns a token for another resource into the SDK InvalidTokenError (a 401 in its middleware)', async () => {
    const token = await server.mintAccessToken({ aud: 'http://127.0.0.1:9/other' });
    await expect(mcpTokenVerifier(verifier()).verifyAccessToken(token)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it('turns a missing scope into InsufficientScopeError (a 403)', async () => {
    const token = await server.mintAccessToken({ aud: RESOURCE, scp: ['mcp:read'] });
    await expect(
      mcpTokenVerifier(verifier(), { scopes: ['mcp:tools'] }).verifyAccessToken(token),
    ).rejects.toBeInstanceOf(InsufficientScopeError);
  });

  it('turns an outage into a ServerError whose message names no URL', async () => {
    org.setFault({ server: 'default', endpoint: 'jwks', status: 503 });
    try {
      const token = await server.mintAccessToken({ aud: RESOURCE });
      const error = await mcpTokenVerifier(verifier())
        .verifyAccessToken(token)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ServerError);
      expect((error as Error).message).not.toMatch(/http|127\.0\.0\.1/);
    } finally {
      org.clearFaults();
    }
  });
});

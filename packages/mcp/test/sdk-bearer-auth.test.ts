/**
 * `mcpTokenVerifier` behind the MCP SDK's own `requireBearerAuth`, over real HTTP, built as the
 * README's "With the SDK's own bearer middleware" recipe shows. The SDK writes the refusal's
 * message into `error_description="..."` as it is, so what tokenward puts there decides whether
 * the challenge is well-formed: tokens whose header values the attacker chose must still get a
 * valid RFC 6750 section 3 challenge, never a 500.
 */
import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import { createAccessTokenVerifier, protectedResourceMetadataUrl } from '@tokenward/core';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpTokenVerifier } from '../src/index.js';

// The middleware's declaration file retypes Express's `req.auth` for the whole program, which
// would clash with @tokenward/express's in the repository-wide type check, so it is loaded by a
// specifier the compiler does not follow and given the type of what this test uses.
const BEARER_AUTH = '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
const { requireBearerAuth } = (await import(BEARER_AUTH)) as {
  requireBearerAuth(options: {
    verifier: OAuthTokenVerifier;
    requiredScopes?: string[];
    resourceMetadataUrl?: string;
  }): RequestHandler;
};

// RFC 6750 section 3: error_description's characters are %x20-21 / %x23-5B / %x5D-7E, so no
// quote, backslash, control or non-ASCII character can end the quoted-string or break the line.
const CHALLENGE =
  /^Bearer error="(?:invalid_token|insufficient_scope)", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*", scope="mcp:tools", resource_metadata="[^"]+"$/;

interface Answer {
  readonly status: number;
  readonly challenge: string | undefined;
  readonly body: string;
}

let org: ReferenceIssuer;
let server: AuthServer;
let url: string;
let close: () => void;

beforeAll(async () => {
  org = await startIssuer({ port: 0 });
  server = org.server('default');
  const app = express();
  const listener = app.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/mcp`;
  const verifier = createAccessTokenVerifier({ issuer: server.issuer, resource: url });
  app.use(
    '/mcp',
    requireBearerAuth({
      verifier: mcpTokenVerifier(verifier, { scopes: ['mcp:tools'] }),
      requiredScopes: ['mcp:tools'],
      resourceMetadataUrl: protectedResourceMetadataUrl(url),
    }),
  );
  app.post('/mcp', (_req, res) => {
    res.json({ ok: true });
  });
  close = () => {
    listener.closeAllConnections();
    listener.close();
  };
});
afterAll(async () => {
  close();
  await org.close();
});

function send(token: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', headers: { authorization: `Bearer ${token}` } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            challenge: response.headers['www-authenticate'],
            body,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token whose header the attacker wrote; it is refused before any signature check. */
function forged(header: Record<string, unknown>): string {
  const claims = { iss: server.issuer, aud: url, sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 300 };
  return `${segment(header)}.${segment(claims)}.c2lnbmF0dXJl`;
}

describe("mcpTokenVerifier behind the SDK's requireBearerAuth: well-formed challenges", () => {
  const rows: [string, () => Promise<string>, number][] = [
    ['an alg outside Latin-1', async () => forged({ alg: 'RS\u2028256' }), 401],
    ['an alg with a quote and a backslash', async () => forged({ alg: 'RS"\\256' }), 401],
    ['a kid with non-ASCII letters', async () => forged({ alg: 'RS256', kid: 'k\u0100\u00e9' }), 401],
    ['a token for another resource', () => server.mintAccessToken({ aud: 'http://127.0.0.1:9/other' }), 401],
    ['a token without the scope', () => server.mintAccessToken({ aud: url, scp: ['mcp:read'] }), 403],
  ];
  it.each(rows)('[BT-6] RFC 6750 section 3: %s gets a valid challenge', async (_name, token, status) => {
    const sent = await token();
    const answer = await send(sent);
    expect(answer.status).toBe(status);
    expect(answer.challenge).toMatch(CHALLENGE);
    expect(answer.challenge).not.toContain(sent);
    expect(answer.body).not.toContain(sent);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: status === 403 ? 'insufficient_scope' : 'invalid_token',
    });
  });

  it('lets a valid token through (control)', async () => {
    const answer = await send(await server.mintAccessToken({ aud: url, scp: ['mcp:tools'] }));
    expect(answer).toMatchObject({ status: 200, body: '{"ok":true}' });
  });
});

/**
 * A real MCP client (the SDK's Client over StreamableHTTPClientTransport, with an
 * OAuthClientProvider for the issuer's pre-registered public client) against an MCP server (the
 * SDK's McpServer on Express) protected by tokenward, with the reference issuer as the
 * authorization server, everything on loopback.
 */
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Exchange, recordingFetch, TestClientProvider } from './support/client-provider.js';
import { type McpApi, startMcpApi } from './support/mcp-api.js';

let org: ReferenceIssuer;
let api: McpApi;
let metadataUrl: string;

beforeAll(async () => {
  org = await startIssuer({ port: 0 });
  api = await startMcpApi(org.server('default').issuer);
  metadataUrl = `${new URL(api.url).origin}/.well-known/oauth-protected-resource/mcp`;
});
afterAll(async () => {
  await api?.close();
  await org?.close();
});

/** A client and its transport, every exchange recorded in `log`. */
function mcpClient(provider: TestClientProvider, log: Exchange[]) {
  const transport = new StreamableHTTPClientTransport(new URL(api.url), {
    authProvider: provider,
    fetch: recordingFetch(log),
  });
  return { client: new Client({ name: 'tokenward-test-client', version: '1.0.0' }), transport };
}

/** Connects; when the server asks for authorization, completes it and connects again. */
async function connectAuthorized(provider: TestClientProvider, log: Exchange[]): Promise<Client> {
  const first = mcpClient(provider, log);
  try {
    await first.client.connect(first.transport);
    return first.client;
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    await first.transport.finishAuth(provider.takeCode());
  }
  const second = mcpClient(provider, log);
  await second.client.connect(second.transport);
  return second.client;
}

const textOf = (result: Awaited<ReturnType<Client['callTool']>>): string => {
  const [first] = result.content as { type: string; text: string }[];
  if (first?.type !== 'text') throw new Error('expected a text result');
  return first.text;
};
const formOf = (exchange: Exchange | undefined) => new URLSearchParams(exchange?.body ?? '');

describe('a real MCP client against an MCP server protected by tokenward (MCP authorization)', () => {
  it('PR-3, PR-4, PR-6, PR-7: unauthenticated, it follows resource_metadata to the issuer, signs in with PKCE and resource, and calls a tool', async () => {
    const log: Exchange[] = [];
    const provider = new TestClientProvider();
    const client = await connectAuthorized(provider, log);

    // The first answer: 401 naming the endpoint's scope and the metadata URL (RFC 9728 section 5.1).
    expect(log[0]).toMatchObject({ method: 'POST', status: 401 });
    expect(log[0]?.headers.get('www-authenticate')).toBe(
      `Bearer realm="api", scope="mcp:tools", resource_metadata="${metadataUrl}"`,
    );
    // The client read the metadata from that URL: its resource is the endpoint it called.
    const metadata = log.find((exchange) => exchange.url.href === metadataUrl);
    expect(metadata?.status).toBe(200);
    // From the metadata's authorization server, to its RFC 8414 metadata and authorize endpoint.
    const issuer = org.server('default').issuer;
    expect(
      log.some(
        (exchange) =>
          exchange.status === 200 &&
          exchange.url.href.includes('/.well-known/oauth-authorization-server/oauth2/default'),
      ),
    ).toBe(true);
    const [authorization] = provider.authorizations;
    expect(`${authorization?.origin}${authorization?.pathname}`).toBe(`${issuer}/v1/authorize`);
    expect(Object.fromEntries(authorization?.searchParams ?? [])).toMatchObject({
      client_id: 'spa-client',
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'mcp:tools',
      resource: api.url,
    });
    // The code went to the token endpoint with its verifier and the same resource (RFC 8707).
    const exchangeOfCode = log.find((exchange) => exchange.url.href === `${issuer}/v1/token`);
    expect(exchangeOfCode?.status).toBe(200);
    expect(Object.fromEntries(formOf(exchangeOfCode))).toMatchObject({
      grant_type: 'authorization_code',
      client_id: 'spa-client',
      resource: api.url,
      code_verifier: expect.stringMatching(/^[A-Za-z0-9._~-]{43,128}$/),
    });

    const answer = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} })));
    expect(answer).toEqual({ subject: 'alice@example.com', scopes: ['mcp:tools'] });
    await client.close();
  });

  it('PR-2, PR-6: a token minted for another resource is 401 invalid_token, and the client authorizes again for this one', async () => {
    const foreign = await org
      .server('default')
      .mintAccessToken({ aud: 'http://127.0.0.1:9/other-mcp', scp: ['mcp:tools'] });
    const log: Exchange[] = [];
    const provider = new TestClientProvider({ access_token: foreign, token_type: 'Bearer' });
    const client = await connectAuthorized(provider, log);

    expect(log[0]?.status).toBe(401);
    expect(log[0]?.headers.get('www-authenticate')).toMatch(
      new RegExp(
        `^Bearer realm="api", error="invalid_token", error_description="[^"]+", scope="mcp:tools", resource_metadata="${metadataUrl}"$`,
      ),
    );
    expect(provider.authorizations).toHaveLength(1);
    expect(provider.authorizations[0]?.searchParams.get('resource')).toBe(api.url);
    expect(textOf(await client.callTool({ name: 'whoami', arguments: {} }))).toContain('alice@example.com');
    await client.close();
  });

  it('PR-6, PR-7: a tool that needs a missing scope is 403 insufficient_scope with scope=, and the client asks for it', async () => {
    const log: Exchange[] = [];
    const provider = new TestClientProvider();
    const client = await connectAuthorized(provider, log);
    const before = log.length;

    await expect(
      client.callTool({ name: 'refund_order', arguments: { orderId: 'ord_1001' } }),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    const refusal = log.slice(before).find((exchange) => exchange.status === 403);
    expect(refusal?.headers.get('www-authenticate')).toMatch(
      new RegExp(
        `^Bearer realm="api", error="insufficient_scope", error_description="[^"]+", scope="mcp:tools orders:refund", resource_metadata="${metadataUrl}"$`,
      ),
    );
    // The SDK's scope step-up: a new authorization with the challenge's scopes.
    expect(provider.authorizations.at(-1)?.searchParams.get('scope')).toBe('mcp:tools orders:refund');
    await client.close();

    const upgraded = await connectWithCode(provider, log);
    const refund = await upgraded.callTool({ name: 'refund_order', arguments: { orderId: 'ord_1001' } });
    expect(textOf(refund)).toBe('refunded ord_1001');
    await upgraded.close();
  });
});

/** Completes the authorization the client was last sent to, then connects with the new token. */
async function connectWithCode(provider: TestClientProvider, log: Exchange[]): Promise<Client> {
  const { client, transport } = mcpClient(provider, log);
  await transport.finishAuth(provider.takeCode());
  await client.connect(transport);
  return client;
}

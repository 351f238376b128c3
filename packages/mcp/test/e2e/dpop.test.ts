/**
 * An MCP server whose verifier takes DPoP (RFC 9449) as well as bearer tokens: a tool's refusal
 * from `toolRequirementsCheck` names both schemes, as the endpoint's own refusals do (section
 * 7.1), for a DPoP-bound token sent with its proof and for a bearer token the SDK's client sends.
 */
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Exchange, recordingFetch, TestClientProvider } from './support/client-provider.js';
import { dpopKey } from './support/dpop-key.js';
import { type McpApi, startMcpApi } from './support/mcp-api.js';

let org: ReferenceIssuer;
let api: McpApi;
let metadataUrl: string;

beforeAll(async () => {
  org = await startIssuer({ port: 0 });
  api = await startMcpApi(org.server('default').issuer, 'allowed');
  metadataUrl = `${new URL(api.url).origin}/.well-known/oauth-protected-resource/mcp`;
});
afterAll(async () => {
  await api?.close();
  await org?.close();
});

/** The DPoP challenge of this server's verifier: every algorithm it accepts for proofs. */
const DPOP_CHALLENGE = 'DPoP realm="api", algs="[^"]+"';
const refundCall = {
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'refund_order', arguments: { orderId: 'ord_1001' } },
};

/** POSTs one JSON-RPC message to the MCP endpoint with a DPoP-bound token and a fresh proof. */
async function postWithDpop(scopes: string[], message: unknown): Promise<Response> {
  const key = dpopKey();
  const token = await org
    .server('default')
    .mintAccessToken({ aud: api.url, scp: scopes }, { dpopJkt: key.thumbprint });
  return fetch(api.url, {
    method: 'POST',
    headers: {
      authorization: `DPoP ${token}`,
      dpop: key.proof('POST', api.url, token),
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify(message),
  });
}

describe('a tool refusal on an MCP server that takes DPoP', () => {
  it('DP-4, PR-7: a DPoP-bound token without the tool scope is 403 on the DPoP challenge, with the Bearer one', async () => {
    const refused = await postWithDpop(['mcp:tools'], refundCall);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(
      new RegExp(
        `^${DPOP_CHALLENGE}, error="insufficient_scope", error_description="[^"]+", scope="mcp:tools orders:refund", resource_metadata="${metadataUrl}", Bearer realm="api"`,
      ),
    );
    // With the tool's scopes the same call runs: the DPoP request reaches the tool.
    const granted = await postWithDpop(['mcp:tools', 'orders:refund'], refundCall);
    expect(granted.status).toBe(200);
    expect(await granted.text()).toContain('refunded ord_1001');
  });

  it('DP-4, PR-7: a bearer token without the tool scope is 403 naming DPoP too, and the SDK client still asks for the scope', async () => {
    const token = await org.server('default').mintAccessToken({ aud: api.url, scp: ['mcp:tools'] });
    const provider = new TestClientProvider({ access_token: token, token_type: 'Bearer' });
    const log: Exchange[] = [];
    const transport = new StreamableHTTPClientTransport(new URL(api.url), {
      authProvider: provider,
      fetch: recordingFetch(log),
    });
    const client = new Client({ name: 'tokenward-test-client', version: '1.0.0' });
    await client.connect(transport);
    await expect(
      client.callTool({ name: 'refund_order', arguments: { orderId: 'ord_1001' } }),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    const refusal = log.find((exchange) => exchange.status === 403);
    expect(refusal?.headers.get('www-authenticate')).toMatch(
      new RegExp(
        `^Bearer realm="api", error="insufficient_scope", error_description="[^"]+", scope="mcp:tools orders:refund", resource_metadata="${metadataUrl}", ${DPOP_CHALLENGE}$`,
      ),
    );
    expect(provider.authorizations.at(-1)?.searchParams.get('scope')).toBe('mcp:tools orders:refund');
    await client.close();
  });
});

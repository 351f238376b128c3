/**
 * The README's MCP server answering a body its `express.json()` cannot read, from a client whose
 * token passed: a JSON-RPC error as the SDK's transport answers the bodies it reads itself, not
 * Express's HTML error page with the parser's stack trace.
 */
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpApi, startMcpApi } from './support/mcp-api.js';

let org: ReferenceIssuer;
let api: McpApi;
let token: string;

beforeAll(async () => {
  org = await startIssuer({ port: 0 });
  api = await startMcpApi(org.server('default').issuer);
  token = await org.server('default').mintAccessToken({ aud: api.url, scp: ['mcp:tools'] });
});
afterAll(async () => {
  await api?.close();
  await org?.close();
});

async function post(body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(api.url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': contentType,
      accept: 'application/json, text/event-stream',
    },
    body,
  });
}

/** What every refused body must not carry: the parser's stack, file paths, the request's token. */
async function expectJsonRpcError(response: Response, status: number, code: number, message: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await response.text();
  expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', error: { code, message }, id: null });
  expect(text).not.toContain(token);
  expect(text).not.toMatch(/ at |node_modules/);
}

describe('an MCP request body the endpoint cannot read, after its token passed', () => {
  it('invalid JSON is 400 with the JSON-RPC parse error (-32700), as the SDK transport answers it', async () => {
    await expectJsonRpcError(await post('{"jsonrpc":'), 400, -32700, 'Parse error: Invalid JSON');
  });

  it('a body over the parser limit is 413 with a JSON-RPC error', async () => {
    const call = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'whoami', arguments: { pad: 'x'.repeat(200_000) } },
    };
    await expectJsonRpcError(await post(JSON.stringify(call)), 413, -32000, 'request entity too large');
  });

  it('a charset the parser cannot decode is 415 with a JSON-RPC error', async () => {
    const response = await post('{}', 'application/json; charset=latin1');
    await expectJsonRpcError(response, 415, -32000, 'unsupported charset "LATIN1"');
  });
});

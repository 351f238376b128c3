/**
 * The MCP server of the end-to-end tests, written as packages/mcp/README.md's recipe shows: the
 * SDK's McpServer and StreamableHTTPServerTransport (stateless) on Express, protected by
 * tokenward's own Express middleware: the metadata document, the endpoint's scope, per-tool
 * requirements, and the SDK's AuthInfo in tool handlers.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createAccessTokenVerifier, type DpopMode } from '@tokenward/core';
import { authErrorHandler, requireAuth, resourceMetadataHandler } from '@tokenward/express';
import express from 'express';
import { z } from 'zod';
import { mcpBodyErrorHandler, toolRequirementsCheck, withAuthInfo } from '../../../src/index.js';

export interface McpApi {
  /** The MCP endpoint, which is also the resource: `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  close(): Promise<void>;
}

/** The tools: `whoami` (the endpoint's scope is enough) and `refund_order` (needs `orders:refund` too). */
function ordersServer(): McpServer {
  const server = new McpServer({ name: 'orders', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Who the token speaks for' }, async (extra) => ({
    content: [
      {
        type: 'text',
        text: JSON.stringify({ subject: extra.authInfo?.extra?.subject, scopes: extra.authInfo?.scopes }),
      },
    ],
  }));
  server.registerTool(
    'refund_order',
    { description: 'Refunds an order', inputSchema: { orderId: z.string() } },
    async ({ orderId }) => ({ content: [{ type: 'text', text: `refunded ${orderId}` }] }),
  );
  return server;
}

/** Starts the server; with `dpop`, its verifier takes DPoP-bound tokens in that mode (RFC 9449). */
export async function startMcpApi(issuer: string, dpop?: DpopMode): Promise<McpApi> {
  const app = express();
  const listener = app.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/mcp`;

  const verifier = createAccessTokenVerifier({
    issuer,
    resource: url,
    ...(dpop === undefined ? {} : { dpop: { mode: dpop, origins: [new URL(url).origin] } }),
  });
  app.use(
    resourceMetadataHandler(verifier, {
      scopesSupported: ['mcp:tools', 'orders:refund'],
      resourceName: 'Orders MCP',
    }),
  );
  const mcpAuth = requireAuth(verifier, { scopes: ['mcp:tools'] });
  const checkTools = toolRequirementsCheck(verifier, {
    refund_order: { scopes: ['mcp:tools', 'orders:refund'] },
  });
  app.post('/mcp', mcpAuth, express.json(), async (req, res, next) => {
    try {
      checkTools(req.body, req.auth);
      const server = ordersServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(withAuthInfo(req, verifier.resource), res, req.body);
    } catch (error) {
      next(error);
    }
  });
  // A stateless server offers no stream to GET (MCP Streamable HTTP): 405, after authentication.
  app.get('/mcp', mcpAuth, (_req, res) => {
    res.status(405).set('Allow', 'POST').end();
  });
  app.use(authErrorHandler({ log: false }), mcpBodyErrorHandler());

  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        listener.close((error) => (error ? reject(error) : resolve()));
        listener.closeAllConnections();
      }),
  };
}

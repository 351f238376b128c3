// Hono serving a protected resource known by its URL (an MCP server, say): tokens must name it in
// `aud` (RFC 8707); `resourceMetadata` publishes its RFC 9728 metadata, and every 401/403 names
// that document's URL, so a client finds the authorization server from the challenge alone.
import { createAccessTokenVerifier } from '@tokenward/core';
import { requireAuth, resourceMetadata, type TokenwardEnv } from '@tokenward/hono';
import { Hono } from 'hono';
import { cors } from 'hono/cors';

export function createMcpApp(
  trust: { issuer: string; resource: string },
  browserOrigin: string,
): Hono<TokenwardEnv> {
  const verifier = createAccessTokenVerifier(trust); // `resource` is the expected audience
  const app = new Hono<TokenwardEnv>();
  // On the app itself: the document's URL starts at the origin's root
  // (https://mcp.example.com/.well-known/oauth-protected-resource/mcp for .../mcp).
  app.use(resourceMetadata(verifier, { scopesSupported: ['mcp:tools'], resourceName: 'Orders MCP' }));
  // CORS first, so it answers preflights; a browser client reads the challenge (and a DPoP-Nonce)
  // only when they are exposed.
  app.use(
    '/mcp',
    cors({
      origin: browserOrigin,
      allowHeaders: ['Authorization', 'DPoP', 'Content-Type', 'Mcp-Session-Id'],
      exposeHeaders: ['WWW-Authenticate', 'DPoP-Nonce', 'Retry-After', 'Mcp-Session-Id'],
    }),
  );
  app.post('/mcp', requireAuth(verifier, { scopes: ['mcp:tools'] }), (c) =>
    c.json({ subject: c.get('auth').subject }),
  );
  return app;
}

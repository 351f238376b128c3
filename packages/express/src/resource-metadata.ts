import {
  type AccessTokenVerifier,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadataEndpoint,
} from '@tokenward/core';
import type { RequestHandler } from 'express';

/**
 * Serves the API's protected resource metadata (RFC 9728) at the well-known URL of the
 * verifier's `resource`, built from the verifier itself so the document and the checks cannot
 * disagree: `resource`, `authorization_servers` (its issuers), `bearer_methods_supported`, the
 * DPoP algorithms when it accepts DPoP, and `options` (`scopesSupported`, `resourceName`, ...).
 * Mount it on the application itself (not under a path): the URL starts at the origin's root.
 * A verifier without `resource` throws `ERR_CONFIG` here.
 *
 * @example
 * app.use(resourceMetadataHandler(verifier, { scopesSupported: ['mcp:tools'], resourceName: 'Orders MCP' }));
 * // GET /.well-known/oauth-protected-resource/mcp -> { "resource": "https://mcp.example.com/mcp", ... }
 */
export function resourceMetadataHandler(
  verifier: AccessTokenVerifier,
  options: ProtectedResourceMetadataOptions = {},
): RequestHandler {
  const endpoint = protectedResourceMetadataEndpoint(verifier, options);
  return function tokenwardResourceMetadata(req, res, next) {
    // originalUrl: the full path whatever the mount point; the query plays no part (RFC 9728 section 3.1).
    const answer = pathOf(req.originalUrl) === endpoint.path ? endpoint.answer(req.method) : undefined;
    if (answer === undefined) return next();
    // Node's own writeHead, not `set`/`send`: the bytes and headers core built, no charset or ETag added.
    res.writeHead(answer.status, answer.headers).end(answer.body);
  };
}

function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

import {
  type AccessTokenVerifier,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadataEndpoint,
  resourceMetadataResponse,
} from '@tokenward/core';
import type { MiddlewareHandler } from 'hono';

/**
 * Serves the API's protected resource metadata (RFC 9728) at the well-known URL of the
 * verifier's `resource`, built from the verifier (`resource`, `authorization_servers`,
 * `bearer_methods_supported`, DPoP algorithms) and `options` (`scopesSupported`, `resourceName`,
 * ...); other requests go on. Use it on the app itself: the URL starts at the origin's root.
 * A verifier without `resource` throws `ERR_CONFIG` here.
 *
 * @example app.use(resourceMetadata(verifier, { scopesSupported: ['mcp:tools'] }));
 */
export function resourceMetadata(
  verifier: AccessTokenVerifier,
  options: ProtectedResourceMetadataOptions = {},
): MiddlewareHandler {
  const endpoint = protectedResourceMetadataEndpoint(verifier, options);
  return async function tokenwardResourceMetadata(c, next) {
    const answer = resourceMetadataResponse(endpoint, c.req.raw);
    if (answer !== undefined) return answer;
    await next();
    return undefined;
  };
}

/**
 * tokenward's verified result in the shape the MCP TypeScript SDK hands to tool handlers
 * (`AuthInfo`: token, clientId, scopes, expiresAt in seconds, resource, extra).
 */

import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { type AccessTokenResult, TokenwardError } from '@tokenward/core';

/** What tokenward knows beyond the SDK's fields, under `AuthInfo.extra`. */
export interface TokenwardAuthExtra extends Record<string, unknown> {
  readonly subject: string;
  readonly issuer: string;
  readonly claims: AccessTokenResult['claims'];
  readonly server: AccessTokenResult['server'];
}

/**
 * Maps a verified access token to the SDK's `AuthInfo`. `resource` is the verifier's canonical
 * resource identifier: the token's audience was already checked against it.
 */
export function toAuthInfo(result: AccessTokenResult, resource: string | undefined): AuthInfo {
  const extra: TokenwardAuthExtra = {
    subject: result.subject,
    issuer: result.issuer,
    claims: result.claims,
    server: result.server,
  };
  return {
    token: result.token,
    // A token without a client id (`cid`/`client_id`) still names who it is for; the SDK's field
    // is required, so it is the empty string rather than a guess.
    clientId: result.clientId ?? '',
    scopes: [...result.scopes],
    expiresAt: Math.floor(result.expiresAt.getTime() / 1000),
    ...(resource === undefined ? {} : { resource: new URL(resource) }),
    extra,
  };
}

/**
 * Gives the SDK's `StreamableHTTPServerTransport.handleRequest` the request as it reads it: its
 * `req.auth` becomes the SDK's `AuthInfo` for the token tokenward's middleware verified (tool
 * handlers get it as `extra.authInfo`; tokenward's result stays under `extra`). Call it in the
 * MCP handler, the last middleware. A request that did not pass `requireAuth` throws
 * `ERR_CONFIG`: a server bug, never a 401.
 *
 * @example await transport.handleRequest(withAuthInfo(req, verifier.resource), res, req.body);
 */
export function withAuthInfo<Request extends { auth?: AccessTokenResult | AuthInfo | undefined }>(
  req: Request,
  resource: string | undefined,
): Request & { auth: AuthInfo } {
  const verified = req.auth;
  if (verified === undefined) {
    throw new TokenwardError(
      'ERR_CONFIG',
      'tokenward: withAuthInfo found no verified token on the request: mount requireAuth() before the MCP handler',
    );
  }
  // Already converted (a second call): the SDK's shape has no `subject`.
  if ('subject' in verified) (req as { auth?: unknown }).auth = toAuthInfo(verified, resource);
  return req as Request & { auth: AuthInfo };
}

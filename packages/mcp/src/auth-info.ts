/**
 * tokenward's verified result in the shape the MCP TypeScript SDK hands to tool handlers
 * (`AuthInfo`: token, clientId, scopes, expiresAt in seconds, resource, extra).
 */

import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { AccessTokenResult } from '@tokenward/core';

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

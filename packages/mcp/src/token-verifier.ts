/**
 * The `OAuthTokenVerifier` the MCP SDK's `requireBearerAuth` asks for, backed by a tokenward
 * verifier: issuer boundaries, audience = the server's resource, scopes and claims.
 */

import {
  InsufficientScopeError,
  InvalidTokenError,
  ServerError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  type AccessTokenVerifier,
  type AuthRequirements,
  challengeAttributeText,
  isTokenwardError,
  validateAuthRequirements,
} from '@tokenward/core';
import { toAuthInfo } from './auth-info.js';

/** A tokenward verifier, with the `resource` it was created with when it has one. */
export type McpVerifierSource = AccessTokenVerifier & { readonly resource?: string | undefined };

/**
 * Wraps `verifier` for the SDK. Refusals become the SDK's own errors so its middleware answers
 * with the right status: 401 `InvalidTokenError`, 403 `InsufficientScopeError`; an outage
 * (tokenward's 503) becomes `ServerError` with a message that carries no internals.
 * `requirements` are checked here: a bad one throws `ERR_CONFIG` from this call, not per token.
 *
 * @example
 * app.use('/mcp', requireBearerAuth({ verifier: mcpTokenVerifier(verifier), resourceMetadataUrl }));
 */
export function mcpTokenVerifier(
  verifier: McpVerifierSource,
  requirements?: AuthRequirements,
): OAuthTokenVerifier {
  const checked = validateAuthRequirements(requirements ?? {}, 'mcpTokenVerifier');
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      try {
        return toAuthInfo(await verifier.verify(token, checked), verifier.resource);
      } catch (error) {
        throw toSdkError(error);
      }
    },
  };
}

/**
 * The SDK's middleware writes the message into `error_description="..."` as it is. tokenward's
 * messages quote token values (`alg`, `kid`, `aud`) in JSON syntax, so a quote would end the
 * quoted-string early and a character outside Latin-1 would make Node refuse the header (a 500
 * with a stack trace for a token anyone can write): the message goes through core's replacement.
 */
function toSdkError(error: unknown): Error {
  if (!isTokenwardError(error)) return new ServerError('the token could not be verified');
  const description = challengeAttributeText(error.message);
  if (error.status === 403) return new InsufficientScopeError(description);
  if (error.status === 401 || error.status === 400) {
    return new InvalidTokenError(description);
  }
  // 503 and friends: the message may name URLs or network errors, which clients must not see.
  return new ServerError('the token cannot be verified right now; try again later');
}

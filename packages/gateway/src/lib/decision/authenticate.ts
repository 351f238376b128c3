/**
 * The one place the gateway asks core about a request's credentials, so every decision takes
 * the same path the Express and Fastify adapters take.
 */
import {
  type AccessTokenResult,
  type AccessTokenVerifier,
  extractBearerToken,
  TokenwardError,
  type VerifyAccessTokenOptions,
} from '@tokenward/core';
import type { OriginalRequest } from '../request/original-request.js';

/** Verifies the original request's credentials against `requirements`; rejects with a `TokenwardError`. */
export async function authenticate(
  verifier: AccessTokenVerifier,
  request: OriginalRequest,
  requirements: VerifyAccessTokenOptions,
): Promise<AccessTokenResult> {
  const token = extractBearerToken({
    method: request.method,
    headers: request.headers,
    ...(request.rawHeaders === undefined ? {} : { rawHeaders: request.rawHeaders }),
  });
  if (token === undefined) {
    throw new TokenwardError('ERR_TOKEN_MISSING', 'the request carries no bearer token', {
      realm: verifier.realm,
    });
  }
  return verifier.verify(token, requirements);
}

/**
 * The one place the gateway asks core about a request, through core's request step, so every
 * decision takes the path the Express, Fastify and Fetch adapters take: the same credential
 * rules, the same missing-token answer, the same refusals.
 */
import {
  type AccessTokenVerifier,
  type AuthRequirements,
  authenticateRequest,
  type RequestAuthentication,
} from '@tokenward/core';
import type { OriginalRequest } from '../request/original-request.js';

/**
 * Authenticates the original request against `requirements`: a verified token, or a CORS
 * preflight (which the upstream answers). Rejects with the `TokenwardError` to answer with.
 */
export function authenticate(
  verifier: AccessTokenVerifier,
  request: OriginalRequest,
  requirements: AuthRequirements,
): Promise<RequestAuthentication> {
  const { method, target: url, headers, rawHeaders } = request;
  return authenticateRequest(
    verifier,
    rawHeaders === undefined ? { method, url, headers } : { method, url, headers, rawHeaders },
    requirements,
  );
}

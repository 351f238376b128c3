/**
 * The one place the gateway asks core about a request, through core's request step, so every
 * decision takes the path the Express, Fastify and Fetch adapters take: the same credential
 * rules, the same missing-token answer, the same refusals.
 */
import {
  type AccessTokenVerifier,
  type AuthRequirements,
  authenticateRequestNow,
  type RequestAuthentication,
} from '@tokenward/core';
import type { OriginalRequest } from '../request/original-request.js';

/**
 * Authenticates the original request against `requirements`: a verified token, or a CORS
 * preflight (which the upstream answers). Answered at once when core needs nothing from outside
 * (a promise only when it must wait, for keys, introspection or the replay store); throws or
 * rejects with the `TokenwardError` to answer with.
 */
export function authenticate(
  verifier: AccessTokenVerifier,
  request: OriginalRequest,
  requirements: AuthRequirements,
): RequestAuthentication | Promise<RequestAuthentication> {
  const { method, target: url, headers, rawHeaders } = request;
  return authenticateRequestNow(
    verifier,
    rawHeaders === undefined ? { method, url, headers } : { method, url, headers, rawHeaders },
    requirements,
  );
}

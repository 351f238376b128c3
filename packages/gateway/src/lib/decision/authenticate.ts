/**
 * The one place the gateway asks core about a request, through core's request step, so every
 * decision takes the path the Express, Fastify and Fetch adapters take: the same credential
 * rules, the same missing-token answer, the same refusals.
 */
import {
  type AccessTokenVerifier,
  type AuthRequirements,
  authenticateRequestNow,
  type HeaderGetter,
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
  const { method, target: url, rawHeaders } = request;
  const headers = describedHeaders(request);
  return authenticateRequestNow(
    verifier,
    rawHeaders === undefined ? { method, url, headers } : { method, url, headers, rawHeaders },
    requirements,
  );
}

/**
 * The original request's headers as core reads them, with `X-Forwarded-Proto` and
 * `X-Forwarded-Host` standing for the scheme and host the proxy described. Core reads those two
 * only for the origin of a DPoP proof under `dpop.trustForwardedHeaders` (RFC 9449 section 4.3
 * check 9), and the call to `/auth` carries them as each proxy's convention has it: NGINX names
 * the host in `Host` and sends no `X-Forwarded-Host`, Envoy names it in `Host` too. So the proof is
 * checked against the host the request was routed on, under every convention.
 */
function describedHeaders({ headers, scheme, authority }: OriginalRequest): HeaderGetter {
  return {
    get(name) {
      const lowerCaseName = name.toLowerCase();
      if (lowerCaseName === 'x-forwarded-proto') return scheme;
      if (lowerCaseName === 'x-forwarded-host') return authority ?? null;
      const value = headers[lowerCaseName];
      return value === undefined ? null : typeof value === 'string' ? value : value.join(', ');
    },
  };
}

/**
 * Core's request step for a Fetch `Request`, for the Fetch adapter and every Fetch-style framework
 * (Hono): the form body it must see is read from a clone, capped, so the handler after it still
 * reads the very bytes the client sent, by any means.
 */
import { authenticateRequest, type RequestAuthentication } from './authenticate-request.js';
import { TokenwardError } from './errors.js';
import { needsFormBody } from './lib/request/credentials.js';
import { inChallenge, routeChallenge } from './lib/request/route-challenge.js';
import type { AuthenticateRequestOptions } from './request-options.js';
import type { AccessTokenVerifier, AuthRequirements } from './types.js';

/** A form body read for its `access_token` is read up to here (a token is at most 8 KiB by default). */
const MAX_FORM_BYTES = 64 * 1024;

const NO_OPTIONS: AuthenticateRequestOptions = Object.freeze({});

/**
 * {@link authenticateRequest} for a Fetch `Request`: reads its form body (from a clone, at most
 * 64 KiB) when `needsFormBody` says so, leaving the body whole for the handler. Every refusal
 * carries the route's challenge (`realm`, `scope`, `resource_metadata`, the DPoP scheme), a form
 * over the cap's too.
 *
 * @example
 * const outcome = await authenticateFetchRequest(verifier, request, requirements, { allowBody: true });
 * if (outcome.kind === 'authenticated') use(outcome.auth.subject);
 */
export function authenticateFetchRequest(
  verifier: AccessTokenVerifier,
  request: Request,
  requirements?: AuthRequirements,
  options: AuthenticateRequestOptions = NO_OPTIONS,
): Promise<RequestAuthentication> {
  const { method, url, headers } = request;
  if (!needsFormBody(request, options)) {
    return authenticateRequest(verifier, { method, url, headers }, requirements, options);
  }
  const realm = options.realm ?? verifier.realm;
  return readFormBody(request, { realm, allowBody: options.allowBody }).then(
    (form) => authenticateRequest(verifier, { method, url, headers, form }, requirements, options),
    // Refused before the request step runs, but one of its refusals: in the route's whole challenge.
    (error: unknown) => Promise.reject(inChallenge(error, routeChallenge(verifier, requirements, options))),
  );
}

/**
 * The body of a form-encoded POST (RFC 6750 section 2.2) for core's request step, read from a
 * clone so that the handler still has it: for the token of a route with `allowBody`, else for an
 * `access_token` field beside the `Authorization` header, which the step refuses. Call it only
 * when `needsFormBody` says so. A body over 64 KiB is refused (`ERR_INVALID_REQUEST`, 400 in
 * `realm`) rather than read whole; {@link authenticateFetchRequest} reads it for you and refuses
 * such a body in the route's whole challenge.
 *
 * @example
 * const form = needsFormBody(request, options) ? await readFormBody(request, { realm, ...options }) : undefined;
 */
export async function readFormBody(
  request: Request,
  options: { readonly realm: string; readonly allowBody?: boolean | undefined },
): Promise<string | undefined> {
  if (request.body === null) return undefined;
  const reader = request.clone().body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > MAX_FORM_BYTES) {
      // Not awaited: cancelling one branch of a teed body settles only when the other is cancelled too.
      reader.cancel().catch(() => undefined);
      // A body token can move to the header; beside a header token, only the form can change.
      const advice =
        options.allowBody && !request.headers.has('authorization')
          ? 'send the token in the Authorization header'
          : 'with the token in the Authorization header, send a larger form as multipart/form-data';
      throw new TokenwardError(
        'ERR_INVALID_REQUEST',
        `expected a form body of at most ${MAX_FORM_BYTES} bytes to read access_token from; found more (${advice})`,
        { realm: options.realm },
      );
    }
    chunks.push(read.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

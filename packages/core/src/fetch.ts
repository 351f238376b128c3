/**
 * The Fetch adapter: core's request step for `(request) => Response` code (Cloudflare Workers,
 * Next.js route handlers, `Deno.serve`, `Bun.serve`, Vercel's edge runtime), with the same
 * status, `WWW-Authenticate`, `Retry-After` and JSON error body as every other adapter.
 */
import { isTokenwardError, type TokenwardError } from './errors.js';
import { authenticateFetchRequest } from './fetch-request.js';
import { configError, found } from './lib/options/option-checks.js';
import type { ProtectedResourceMetadataEndpoint } from './protected-resource.js';
import { type AuthenticateRequestOptions, validateRequestOptions } from './request-options.js';
import { validateAuthRequirements } from './requirements.js';
import type { AccessTokenResult, AccessTokenVerifier, AuthRequirements } from './types.js';

/**
 * Options of the Fetch adapter: how the request step runs (`realm`, `allowQuery`, `allowBody`).
 * A CORS preflight is always answered 204: a Fetch handler has no next middleware to pass it to,
 * so answer CORS before the adapter (and add your CORS headers to its answers).
 */
export type FetchAuthOptions = Pick<AuthenticateRequestOptions, 'realm' | 'allowQuery' | 'allowBody'>;

/**
 * Options of {@link authenticate}: the adapter's options and `credentials`: `'required'`
 * (default) or `'optional'`, with which a request that sends no credentials resolves to
 * `undefined` (a token that is sent must still be valid).
 */
export interface AuthenticateOptions extends FetchAuthOptions {
  readonly credentials?: 'required' | 'optional';
}

/** A `(request, ...rest) => Response` handler that runs for authenticated requests only. */
export type AuthenticatedHandler<Rest extends unknown[]> = (
  request: Request,
  auth: AccessTokenResult,
  ...rest: Rest
) => Response | Promise<Response>;

/** A handler of {@link withOptionalAuth}: `auth` is `undefined` for a request without credentials. */
export type OptionallyAuthenticatedHandler<Rest extends unknown[]> = (
  request: Request,
  auth: AccessTokenResult | undefined,
  ...rest: Rest
) => Response | Promise<Response>;

/**
 * Authenticates a Fetch `Request`: resolves to the verified, frozen result, or to the `Response`
 * to answer with instead: `204` for a CORS preflight, `400`/`401`/`403`/`503` with the challenge
 * and the JSON body `{ error, error_description, code }` for a refusal. `requirements` are the
 * route's `{ scopes, scopeMatch, claims, acrValues, maxAge }`. With `credentials: 'optional'`, a
 * request without credentials resolves to `undefined`. What is not an answer (`ERR_CONFIG`, an
 * exception thrown by a claim predicate) rejects.
 *
 * @example
 * const auth = await authenticate(verifier, request, { scopes: ['orders:read'] });
 * if (auth instanceof Response) return auth;
 * return Response.json({ subject: auth.subject });
 */
export function authenticate(
  verifier: AccessTokenVerifier,
  request: Request,
  requirements?: AuthRequirements,
  options?: AuthenticateOptions & { readonly credentials?: 'required' },
): Promise<AccessTokenResult | Response>;
export function authenticate(
  verifier: AccessTokenVerifier,
  request: Request,
  requirements: AuthRequirements | undefined,
  options: AuthenticateOptions,
): Promise<AccessTokenResult | Response | undefined>;
export function authenticate(
  verifier: AccessTokenVerifier,
  request: Request,
  requirements?: AuthRequirements,
  options: AuthenticateOptions = {},
): Promise<AccessTokenResult | Response | undefined> {
  try {
    return authenticateFetch(verifier, request, requirements, fetchOptions(options, 'authenticate')).then(
      (outcome) => (outcome instanceof Response ? outcome : outcome.auth),
    );
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Wraps a `(request, ...rest) => Response` handler so that it runs only for an authenticated
 * request, as `handler(request, auth, ...rest)`; every other request gets {@link authenticate}'s
 * answer. The extra arguments (Workers' `env` and `ctx`, a Next.js route's context) pass through.
 * The verifier, the handler, requirements and options are checked now: a bad one throws
 * `ERR_CONFIG` here, not per request.
 *
 * @example
 * export default {
 *   fetch: withAuth(verifier, (request, auth) => Response.json({ subject: auth.subject }), {
 *     scopes: ['orders:read'],
 *   }),
 * };
 */
export function withAuth<Rest extends unknown[]>(
  verifier: AccessTokenVerifier,
  handler: AuthenticatedHandler<Rest>,
  requirements?: AuthRequirements,
  options: FetchAuthOptions = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  // With credentials required, `auth` is never undefined: the handler gets what its type says.
  return wrap(verifier, handler as OptionallyAuthenticatedHandler<Rest>, requirements, options, 'required');
}

/**
 * Like {@link withAuth}, but a request without credentials runs the handler too, with `auth`
 * `undefined`; a token that is sent must still be valid (401), and a malformed request still
 * gets 400. For routes that answer everyone and say more to a signed-in caller.
 *
 * @example
 * export const GET = withOptionalAuth(verifier, (_request, auth) =>
 *   Response.json({ greeting: auth === undefined ? 'hello' : `hello ${auth.subject}` }),
 * );
 */
export function withOptionalAuth<Rest extends unknown[]>(
  verifier: AccessTokenVerifier,
  handler: OptionallyAuthenticatedHandler<Rest>,
  requirements?: AuthRequirements,
  options: FetchAuthOptions = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  return wrap(verifier, handler, requirements, options, 'optional');
}

function wrap<Rest extends unknown[]>(
  verifier: AccessTokenVerifier,
  handler: OptionallyAuthenticatedHandler<Rest>,
  requirements: AuthRequirements | undefined,
  options: FetchAuthOptions,
  credentials: 'required' | 'optional',
): (request: Request, ...rest: Rest) => Promise<Response> {
  const where = credentials === 'optional' ? 'withOptionalAuth' : 'withAuth';
  // Checked now, or a wrong argument would surface as a 500 on the first request instead.
  if (typeof (verifier as Partial<AccessTokenVerifier> | null)?.verify !== 'function') {
    throw configError(
      `${where}: expected a verifier (createAccessTokenVerifier) first; found ${found(verifier)}`,
    );
  }
  if (typeof handler !== 'function') {
    throw configError(`${where}: expected the handler second, a function; found ${found(handler)}`);
  }
  const given = fetchOptions(options, where);
  if (given.credentials !== undefined) {
    throw configError(
      `${where}: \`credentials\` is not an option here (withAuth requires credentials, withOptionalAuth does not)`,
    );
  }
  const checkedOptions: AuthenticateRequestOptions = Object.freeze({ ...given, credentials });
  const checkedRequirements = validateAuthRequirements(requirements ?? {}, where);
  return async (request, ...rest) => {
    const outcome = await authenticateFetch(verifier, request, checkedRequirements, checkedOptions);
    if (outcome instanceof Response) return outcome;
    const response = await handler(request, outcome.auth, ...rest);
    const entries = Object.entries(outcome.responseHeaders);
    if (entries.length === 0) return response;
    // A fresh DPoP-Nonce rides on the handler's answer (RFC 9449 section 8.2), on a copy whose
    // headers can change; a header the handler set itself wins, as it does in Express and Fastify.
    const answer = new Response(response.body, response);
    for (const [name, value] of entries) if (!answer.headers.has(name)) answer.headers.set(name, value);
    return answer;
  };
}

/**
 * The request options checked as every adapter checks them, but `corsPreflight`: with no next
 * middleware to pass a preflight on to, a Fetch entry cannot honour it, so it is refused, not ignored.
 */
function fetchOptions(options: unknown, where: string): AuthenticateRequestOptions {
  const checked = validateRequestOptions(options, where);
  if (checked.corsPreflight !== undefined) {
    throw configError(
      `${where}: \`corsPreflight\` is not an option here (a CORS preflight is answered 204; answer CORS before this handler)`,
    );
  }
  return checked;
}

/**
 * The answer to a refusal: its status, `WWW-Authenticate` (and `Retry-After` for a 503) and
 * core's JSON body `{ error, error_description, code }`.
 * @example if (isTokenwardError(error) && error.code !== 'ERR_CONFIG') return errorResponse(error);
 */
export function errorResponse(error: TokenwardError): Response {
  return new Response(JSON.stringify(error.body), {
    status: error.status,
    headers: { ...error.headers, 'content-type': 'application/json; charset=utf-8' },
  });
}

/** What goes on to the handler: the result (none for a request without credentials) and the headers to add. */
interface Admitted {
  readonly auth: AccessTokenResult | undefined;
  readonly responseHeaders: Readonly<Record<string, string>>;
}

const ANONYMOUS: Admitted = Object.freeze({ auth: undefined, responseHeaders: Object.freeze({}) });

async function authenticateFetch(
  verifier: AccessTokenVerifier,
  request: Request,
  requirements: AuthRequirements | undefined,
  options: AuthenticateRequestOptions,
): Promise<Admitted | Response> {
  try {
    const outcome = await authenticateFetchRequest(verifier, request, requirements, options);
    if (outcome.kind === 'preflight') return new Response(null, { status: 204 });
    return outcome.kind === 'authenticated' ? outcome : ANONYMOUS;
  } catch (error) {
    if (!isTokenwardError(error) || error.code === 'ERR_CONFIG') throw error;
    return errorResponse(error);
  }
}

/**
 * The answer to a request for the API's protected resource metadata (RFC 9728): the document for
 * `GET` (its headers for `HEAD`), `204` for a CORS preflight; `undefined` for any other request,
 * which goes on to the API.
 *
 * @example
 * const metadata = protectedResourceMetadataEndpoint(verifier, { scopesSupported: ['mcp:tools'] });
 * export default { fetch: (request) => resourceMetadataResponse(metadata, request) ?? api(request) };
 */
export function resourceMetadataResponse(
  endpoint: ProtectedResourceMetadataEndpoint,
  request: Request,
): Response | undefined {
  if (new URL(request.url).pathname !== endpoint.path) return undefined;
  const answer = endpoint.answer(request.method);
  if (answer === undefined) return undefined;
  return new Response(answer.body ?? null, { status: answer.status, headers: answer.headers });
}

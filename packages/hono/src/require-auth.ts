import {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AdapterAuthOptions,
  authenticateFetchRequest,
  authenticateRequest,
  createAccessTokenVerifier,
  needsFormBody,
  type RequestAuthentication,
  type RouteChallenge,
  setUpAdapterAuth,
} from '@tokenward/core';
import type { MiddlewareHandler } from 'hono';
import { answerError, type ErrorMode, validateErrorMode } from './errors.js';
import type { OptionalAuthEnv, TokenwardAuth, TokenwardEnv } from './types.js';

/**
 * Options of the Hono middleware beside the verifier's: `realm`, `allowQuery`, `allowBody`,
 * `corsPreflight`, the route's requirements (`scopes`, `scopeMatch`, `claims`, `acrValues`,
 * `maxAge`) and `errors`.
 */
export interface HonoAuthOptions extends AdapterAuthOptions {
  /**
   * How a refusal leaves the middleware: `'response'` (default) answers with core's status,
   * `WWW-Authenticate`, `Retry-After` and JSON body; `'throw'` throws Hono's `HTTPException`
   * carrying that same response (`getResponse()`) and the `TokenwardError` as `cause`, for an
   * `app.onError` of your own.
   */
  readonly errors?: ErrorMode;
}

/** Everything `requireAuth(options)` takes: the verifier's options plus the middleware's. */
export type RequireAuthOptions = AccessTokenVerifierOptions & HonoAuthOptions;

/**
 * What the middleware decided, for `requireScopes`/`requireClaims` after it; keyed by the Fetch
 * `Request`, so no other middleware setting `auth` can make a route check believe it ran.
 */
export const authStates = new WeakMap<
  Request,
  { challenge: RouteChallenge; errors: ErrorMode; result: TokenwardAuth | undefined; preflight: boolean }
>();

/**
 * Middleware that lets a request through only with a valid bearer token, setting `c.get('auth')`
 * to the frozen verification result. Give it verifier options (the verifier is built here, once)
 * or a verifier you share between routes; bad options throw `ERR_CONFIG` from this call. A CORS
 * preflight is answered 204 unless `corsPreflight: 'pass'` (mount CORS middleware before it).
 *
 * @example
 * const app = new Hono<TokenwardEnv>();
 * app.use('/api/*', requireAuth({ issuer, audience: 'api://default' }));
 * app.get('/api/orders', requireScopes(['orders:read']), (c) => c.json({ subject: c.get('auth').subject }));
 */
export function requireAuth(
  optionsOrVerifier: RequireAuthOptions | AccessTokenVerifier,
  options?: HonoAuthOptions,
): MiddlewareHandler<TokenwardEnv> {
  return authMiddleware(optionsOrVerifier, options, 'required');
}

/**
 * Like {@link requireAuth}, but a request without any bearer credentials passes with `auth`
 * unset. A token that is sent must still be valid (401), and a malformed request still gets 400.
 */
export function optionalAuth(
  optionsOrVerifier: RequireAuthOptions | AccessTokenVerifier,
  options?: HonoAuthOptions,
): MiddlewareHandler<OptionalAuthEnv> {
  return authMiddleware(optionsOrVerifier, options, 'optional');
}

function authMiddleware(
  given: RequireAuthOptions | AccessTokenVerifier,
  extraOptions: HonoAuthOptions | undefined,
  credentials: 'required' | 'optional',
): MiddlewareHandler {
  const where = credentials === 'optional' ? 'optionalAuth' : 'requireAuth';
  // `errors` is Hono's own; core checks the rest as in every adapter (the second argument wins).
  const [givenErrors, source] = withoutErrors(given);
  const [extraErrors, adapterOptions] = withoutErrors(extraOptions);
  const errors = validateErrorMode(extraErrors ?? givenErrors, where);
  const setup = setUpAdapterAuth(source, adapterOptions, where, credentials, createAccessTokenVerifier);
  const { verifier, options, requirements, challenge } = setup;

  return async function tokenwardAuth(c, next) {
    let outcome: RequestAuthentication;
    try {
      // A form body (a body token, or an access_token field beside the header's to refuse, RFC 6750
      // section 2) is read by core from a clone of the raw request, not through Hono's body cache:
      // `c.req.raw` keeps its stream, so every way of reading the body after this gets the bytes sent.
      // Only a body a middleware before this one already read through Hono is taken from the cache.
      const raw = c.req.raw;
      outcome =
        raw.bodyUsed && needsFormBody(raw, options)
          ? await authenticateRequest(
              verifier,
              {
                method: raw.method,
                url: raw.url,
                headers: raw.headers,
                form: await c.req.parseBody({ all: true }),
              },
              requirements,
              options,
            )
          : await authenticateFetchRequest(verifier, raw, requirements, options);
    } catch (error) {
      return answerError(error, errors);
    }
    // Past the try: an exception from a later handler is never taken for an auth failure.
    if (outcome.kind === 'preflight' && options.corsPreflight !== 'pass') return c.body(null, 204);
    const result = outcome.kind === 'authenticated' ? (outcome.auth as TokenwardAuth) : undefined;
    authStates.set(c.req.raw, { challenge, errors, result, preflight: outcome.kind === 'preflight' });
    if (result !== undefined) c.set('auth', result);
    if (outcome.kind === 'authenticated')
      for (const [name, value] of Object.entries(outcome.responseHeaders)) c.header(name, value);
    await next();
  };
}

/**
 * `errors` taken out of verifier or adapter options; anything else (a verifier, nothing, a wrong
 * type for core to refuse) is handed on as it is.
 */
function withoutErrors<Given>(given: Given): [unknown, Given] {
  if (typeof given !== 'object' || given === null || !Object.hasOwn(given, 'errors'))
    return [undefined, given];
  const { errors, ...rest } = given as Given & { errors?: unknown };
  return [errors, rest as Given];
}

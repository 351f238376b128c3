/**
 * The one request step every adapter maps onto (Express, Fastify, Fetch/Hono, the gateway):
 * CORS preflight, credential extraction, the missing-token answer, verification, the route's
 * requirements and the realm, so adapters differ only in how they read a request, attach `auth`
 * and send an error.
 */
import type { DpopSettings } from './dpop.js';
import { type ChallengeChange, DEFAULT_REALM, TokenwardError } from './errors.js';
import { applyCallChecks, readCallChecks } from './lib/checks/call-checks.js';
import { quote } from './lib/quote.js';
import { type CredentialScheme, type Credentials, findCredentials } from './lib/request/credentials.js';
import { dpopRequestOf } from './lib/request/dpop-request.js';
import type { HeaderGetter, HeaderRecord } from './lib/request/headers.js';
import { isPreflight } from './lib/request/preflight.js';
import { challengeFor, inChallenge, routeChallenge } from './lib/request/route-challenge.js';
import { twinOf, verifyNow } from './lib/request/verify-now.js';
import type { AuthenticateRequestOptions } from './request-options.js';
import type { AccessTokenResult, AccessTokenVerifier, AuthRequirements } from './types.js';

export type { CredentialScheme, CredentialSource, Credentials } from './lib/request/credentials.js';
export type { HeaderGetter, HeaderRecord } from './lib/request/headers.js';

/** The request parts the request step reads, as any framework has them. */
export type AuthRequest = {
  /** Request method, e.g. `'GET'`. */
  readonly method: string;
  /** Request target as received: `/orders?page=2`, or an absolute URL (Fetch `request.url`). */
  readonly url: string;
  /** Parsed query (`req.query`), when the framework has one; else the query of `url` is read. */
  readonly query?: unknown;
  /**
   * Parsed `application/x-www-form-urlencoded` body (`{ access_token }`), a `URLSearchParams` or
   * the raw body string; only read with `allowBody` on a POST.
   */
  readonly form?: unknown;
  /**
   * The peer address of the connection (Node's `socket.remoteAddress`), read only for DPoP with
   * `dpop.trustForwardedHeaders` given as a list of proxy addresses.
   */
  readonly remoteAddress?: string | undefined;
} & (
  | {
      /** Node's header record (names any case) or a Fetch `Headers`. */
      readonly headers: HeaderRecord | HeaderGetter;
      /**
       * Node's raw header lines (name, value, …) beside `headers`: Node keeps only the first of
       * repeated `Authorization` lines in its record, so with the raw lines a repeat is refused.
       */
      readonly rawHeaders?: readonly string[];
    }
  | { readonly headers?: undefined; readonly rawHeaders: readonly string[] }
);

/** What the request step decided. */
export type RequestAuthentication =
  | {
      readonly kind: 'authenticated';
      /** The verified token, frozen. */
      readonly auth: AccessTokenResult;
      /** How the token came (scheme and where it was found). */
      readonly credentials: Credentials;
      /**
       * Headers the adapter adds to the response it sends, unless the route sets them itself: a
       * fresh `DPoP-Nonce` when the client's server nonce is about to stop being accepted, with
       * `Cache-Control: no-store` so no cache hands the nonce out again (RFC 9449 section 8.2);
       * usually none.
       */
      readonly responseHeaders: Readonly<Record<string, string>>;
    }
  /** No credentials, and `credentials: 'optional'`: go on without `auth`. */
  | { readonly kind: 'anonymous' }
  /** A CORS preflight: answer 204 (or pass it on when `corsPreflight: 'pass'`); never run a protected handler for it. */
  | { readonly kind: 'preflight' };

const PREFLIGHT: RequestAuthentication = Object.freeze({ kind: 'preflight' });
const ANONYMOUS: RequestAuthentication = Object.freeze({ kind: 'anonymous' });
const NO_OPTIONS: AuthenticateRequestOptions = Object.freeze({});
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Authenticates one HTTP request: answers a CORS preflight, finds the credentials (RFC 6750
 * section 2), verifies the token against the verifier's issuers and the route's `requirements`,
 * and puts every failure in `realm`. A failure's 401 or 403 challenge names the route's scopes
 * (`scope`) and, for a verifier with a `resource`, its metadata URL (`resource_metadata`, RFC 9728
 * section 5.1), so a client can find where to get a better token.
 *
 * @param requirements - the route's `{ scopes, scopeMatch, claims, acrValues, maxAge }`; pass the frozen copy
 * `validateAuthRequirements` returned at route registration, which is then not checked again.
 * @returns a promise of the {@link RequestAuthentication}, rejected with a `TokenwardError` that
 * carries the answer: `status`, `headers` (`WWW-Authenticate`, `Retry-After`) and `body`
 * (`{ error, error_description, code }`). No credentials is 401 `ERR_TOKEN_MISSING` with a bare
 * challenge (RFC 6750 section 3.1).
 *
 * @example
 * const outcome = await authenticateRequest(verifier, { method, url, headers }, requirements);
 * if (outcome.kind === 'authenticated') use(outcome.auth.subject);
 */
export function authenticateRequest(
  verifier: AccessTokenVerifier,
  request: AuthRequest,
  requirements?: AuthRequirements,
  options: AuthenticateRequestOptions = NO_OPTIONS,
): Promise<RequestAuthentication> {
  try {
    const outcome = authenticateRequestNow(verifier, request, requirements, options);
    return isPromise(outcome) ? outcome : Promise.resolve(outcome);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * {@link authenticateRequest} for adapters on a hot path: the same decision, but answered without
 * a promise whenever nothing has to wait (the verifier's keys loaded, a synchronous signature
 * check, nothing to fetch or ask): the outcome is returned, or the `TokenwardError` thrown. When
 * something has to wait, it returns the promise `authenticateRequest` would, a native `Promise`.
 *
 * @example
 * const outcome = authenticateRequestNow(verifier, { method, url, headers }, requirements);
 * if (outcome instanceof Promise) outcome.then(proceed, fail);
 * else proceed(outcome);
 */
export function authenticateRequestNow(
  verifier: AccessTokenVerifier,
  request: AuthRequest,
  requirements?: AuthRequirements,
  options: AuthenticateRequestOptions = NO_OPTIONS,
): RequestAuthentication | Promise<RequestAuthentication> {
  let scheme: CredentialScheme | undefined;
  try {
    if (isPreflight(request)) return PREFLIGHT;
    const twin = twinOf(verifier);
    const search = findCredentials(request, options, verifier.dpop !== undefined, twin?.verifiedBefore);
    const credentials = search.found;
    if (credentials === undefined) {
      if (options.credentials === 'optional') return ANONYMOUS;
      throw tokenMissing(routeChallenge(verifier, requirements, options), verifier.dpop, search.otherScheme);
    }
    scheme = credentials.scheme;
    // RFC 9449 section 7.1: a DPoP-bound token comes with the DPoP scheme and one proof of
    // possession, checked against this request's method and target.
    const verifyOptions =
      credentials.scheme === 'DPoP' ? { ...requirements, dpop: dpopRequestOf(request) } : requirements;
    const verified = verifyNow(verifier, twin, credentials.token, verifyOptions);
    if (!isPromise(verified)) return authenticated(verified, credentials);
    // A native promise whatever `verify` answered (the same one when it is native already).
    return Promise.resolve(verified).then(
      (auth) => authenticated(auth, credentials),
      (error: unknown) =>
        Promise.reject(
          inChallenge(error, routeChallenge(verifier, requirements, options, credentials.scheme)),
        ),
    );
  } catch (error) {
    // Built only for a failure: the success path stays free of it.
    throw inChallenge(error, routeChallenge(verifier, requirements, options, scheme));
  }
}

function authenticated(auth: AccessTokenResult, credentials: Credentials): RequestAuthentication {
  return {
    kind: 'authenticated',
    auth,
    credentials,
    responseHeaders: auth.dpop?.nonce === undefined ? NO_HEADERS : nonceHeaders(auth.dpop.nonce),
  };
}

function isPromise<Value>(value: Value | Promise<Value>): value is Promise<Value> {
  return typeof (value as Partial<Promise<Value>>).then === 'function';
}

function nonceHeaders(nonce: string): Readonly<Record<string, string>> {
  return Object.freeze({ 'DPoP-Nonce': nonce, 'Cache-Control': 'no-store' });
}

/** Where a route check's challenge comes from: the realm, or the API's realm and resource. */
export interface RouteChallenge {
  /** `realm` of the challenge. Default `DEFAULT_REALM`. */
  readonly realm?: string;
  /** The verifier's canonical `resource`: its metadata URL goes into the challenge. */
  readonly resource?: string | undefined;
  /** The verifier's `dpop`, when it takes DPoP: the challenges name both schemes. */
  readonly dpop?: DpopSettings | undefined;
}

/**
 * Checks an already verified result against further requirements (e.g. a route's scopes after a
 * global hook verified the token), throwing what `authenticateRequest` would, in `realm` (and
 * with `resource`, naming its metadata URL): no result (an anonymous request) is
 * `ERR_TOKEN_MISSING`. Requirements that `validateAuthRequirements` returned are not checked again.
 * @example checkAuthRequirements(request.auth, routeRequirements, verifierChallenge(verifier))
 */
export function checkAuthRequirements(
  result: AccessTokenResult | undefined,
  requirements: AuthRequirements,
  realmOrChallenge: string | RouteChallenge = DEFAULT_REALM,
): void {
  const {
    realm = DEFAULT_REALM,
    resource,
    dpop,
  } = typeof realmOrChallenge === 'string' ? { realm: realmOrChallenge } : realmOrChallenge;
  const used = result?.dpop === undefined ? undefined : 'DPoP';
  if (result === undefined) throw tokenMissing(challengeFor(realm, resource, requirements, dpop), dpop);
  try {
    applyCallChecks(result, readCallChecks(requirements).checks);
  } catch (error) {
    throw inChallenge(error, challengeFor(realm, resource, requirements, dpop, used));
  }
}

/**
 * RFC 6750 section 3.1: a request with no credentials gets a challenge without an error
 * attribute; credentials of another scheme (`Basic`, ...) are none for this API, and the message
 * names the scheme that came.
 */
function tokenMissing(
  challenge: ChallengeChange,
  dpop: DpopSettings | undefined,
  otherScheme?: string,
): TokenwardError {
  const expected = dpop === undefined ? 'Bearer' : dpop.mode === 'required' ? 'DPoP' : 'Bearer or DPoP';
  const message =
    otherScheme !== undefined
      ? `Expected the ${expected} scheme in the Authorization header; found the ${quote(otherScheme)} scheme`
      : dpop === undefined
        ? 'Expected a bearer token in the Authorization header; the request carried none'
        : `Expected an access token with the ${expected} scheme in the Authorization header; the request carried none`;
  return new TokenwardError('ERR_TOKEN_MISSING', message, challenge);
}

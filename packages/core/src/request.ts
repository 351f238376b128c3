/**
 * Token extraction on its own, for callers that run the rest of the request sequence themselves.
 * Adapters use `authenticateRequest`, which does extraction, preflight, verification and errors.
 */
import { extractCredentials, needsFormBody as needsForm } from './lib/request/credentials.js';
import type { HeaderGetter, HeaderRecord } from './lib/request/headers.js';
import { isPreflight } from './lib/request/preflight.js';

/**
 * The parts of an HTTP request token extraction reads, in a shape any framework can fill:
 * Node's `IncomingHttpHeaders`, Express's `req.query`/`req.body`, Fastify's likewise.
 */
export interface BearerRequest {
  /** Request method, e.g. `'POST'`. */
  readonly method?: string;
  /** Header name → value(s). Names are matched case-insensitively. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * Node's `rawHeaders` (name, value, name, value, …). Node keeps only the first of repeated
   * `Authorization` lines in `headers`; with the raw lines a repeat is still refused.
   */
  readonly rawHeaders?: readonly string[];
  /** Parsed query (`{ access_token: ... }`), a `URLSearchParams`, or the raw query string. */
  readonly query?: unknown;
  /** Parsed form body (`{ access_token: ... }`), a `URLSearchParams`, or the raw body string. */
  readonly body?: unknown;
  /** `Content-Type` of the body, when not in `headers`. */
  readonly contentType?: string;
}

/** Which RFC 6750 section 2 methods besides the `Authorization` header are accepted. */
export interface ExtractBearerOptions {
  /**
   * Accept `access_token` in the query (RFC 6750 section 2.3). Tokens in URLs end up in logs and
   * history (RFC 9700 section 4.3.2), so only for clients that cannot send a header. Default `false`.
   */
  readonly allowQuery?: boolean;
  /**
   * Accept `access_token` in a form-encoded POST body (RFC 6750 section 2.2). Requires the body to
   * be parsed by the framework. Default `false`.
   */
  readonly allowBody?: boolean;
}

/**
 * Finds the bearer token of a request (RFC 6750 section 2): the `Authorization: Bearer` header,
 * and, when allowed, the `access_token` query parameter or form-body field.
 *
 * @returns the token, or `undefined` when the request carries no bearer credentials (none at
 * all, or another scheme such as `Basic`): callers answer that with `ERR_TOKEN_MISSING`.
 * @throws TokenwardError `ERR_INVALID_REQUEST` (400) for a malformed `Authorization` header, more
 * than one `Authorization` header, `Bearer` without a token, a repeated `access_token`, or a
 * token sent in more than one way (RFC 6750 sections 2 and 3.1).
 */
export function extractBearerToken(
  request: BearerRequest,
  options: ExtractBearerOptions = {},
): string | undefined {
  const { method, headers, rawHeaders, query, body, contentType } = request;
  return extractCredentials({ method, headers, rawHeaders, query, form: body, contentType }, options)?.token;
}

/**
 * Whether the request step must be given this request's form body (`form`): a form-encoded `POST`
 * on a route with `allowBody`, or beside an `Authorization` header, where an `access_token` field
 * is a second credential, refused with `ERR_INVALID_REQUEST` (RFC 6750 section 2). For adapters
 * that see the body late or must read it themselves: they read it only when this is true. A
 * request of another method costs one comparison; the body is never read here.
 *
 * @example
 * const form = needsFormBody(request, options) ? await request.clone().text() : undefined;
 */
export function needsFormBody(
  request: { readonly method?: string; readonly headers: HeaderRecord | HeaderGetter },
  options: ExtractBearerOptions = {},
): boolean {
  return needsForm(request, options);
}

/** A CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) carries no credentials. */
export function isCorsPreflight(request: Pick<BearerRequest, 'method' | 'headers'>): boolean {
  return isPreflight(request);
}

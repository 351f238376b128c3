/**
 * Finding the credentials a request carries (RFC 6750 section 2): the `Authorization` header and,
 * where a route allows them, the `access_token` query parameter or form field. Every way of
 * sending more than one credential is a malformed request (400 `invalid_request`).
 */
import { TokenwardError } from '../../errors.js';
import { countRawLines, type HeaderSource, headerField, headerValue, isMethod } from './headers.js';

/** The authentication scheme credentials came with: `Bearer` (RFC 6750), or `DPoP` (RFC 9449 section 7.1). */
export type CredentialScheme = 'Bearer' | 'DPoP';

/** Where the credentials were found. */
export type CredentialSource = 'header' | 'query' | 'form';

/** Credentials found on a request. */
export interface Credentials {
  readonly scheme: CredentialScheme;
  /** The token exactly as sent, without the scheme. */
  readonly token: string;
  readonly source: CredentialSource;
}

/** The request parts extraction reads. */
export interface CredentialRequest extends HeaderSource {
  readonly method?: string | undefined;
  /** Request target (`/path?query` or absolute); its query is read when `query` is absent. */
  readonly url?: string | undefined;
  /** Parsed query (`{ access_token }`), a `URLSearchParams` or the raw query string. */
  readonly query?: unknown;
  /** Parsed form body (`{ access_token }`), a `URLSearchParams` or the raw body string. */
  readonly form?: unknown;
  /** `Content-Type` of the form body, when not in the headers. */
  readonly contentType?: string | undefined;
}

/** Which RFC 6750 section 2 methods besides the header are accepted. */
export interface CredentialPolicy {
  readonly allowQuery?: boolean | undefined;
  readonly allowBody?: boolean | undefined;
}

// RFC 6750 section 2.1 b64token (RFC 9110 token68).
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// RFC 9110 section 5.6.2 token, the auth-scheme.
const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// A second `Bearer` or `DPoP` credential after a comma: duplicate header lines joined into one.
const JOINED_CREDENTIALS = /,[ \t]*(?:bearer|dpop)(?:[ \t]|$)/i;
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded[ \t]*(?:;|$)/i;
const NO_VALUES: readonly unknown[] = Object.freeze([]);

/** What the search for credentials found. */
export type CredentialSearch =
  | { readonly found: Credentials }
  /**
   * No credentials for this API. `otherScheme` names the scheme of an `Authorization` header
   * this API does not take (`Basic`, ...), so the answer can say what it found.
   */
  | { readonly found: undefined; readonly otherScheme: string | undefined };

/**
 * The request's credentials, or none for us (none at all, or another scheme such as `Basic`).
 * Throws `ERR_INVALID_REQUEST` for a malformed or repeated `Authorization` header, a scheme
 * without a token, a repeated `access_token`, or a token sent in more than one way (RFC 6750
 * sections 2 and 3.1) — also when the other way is one the route does not accept: an
 * `access_token` beside the token the route reads (header, query or form) is refused, not
 * ignored. With `acceptDpop` (the verifier has a
 * `dpop` option), `Authorization: DPoP <token>` counts too (RFC 9449 section 7.1).
 * `verifiedBefore` answers for a header token whether the verifier passed it before, which spares
 * scanning it for the b64token syntax.
 */
export function findCredentials(
  request: CredentialRequest,
  policy: CredentialPolicy,
  acceptDpop = false,
  verifiedBefore?: (token: string) => boolean,
): CredentialSearch {
  const header = fromAuthorization(request, acceptDpop, verifiedBefore);
  // Both other places are read whenever a token may be found, each one also where the route does
  // not take tokens from it: a token there beside one the route reads is refused, not ignored.
  const anyWay = header.found !== undefined || policy.allowQuery === true || policy.allowBody === true;
  const inQuery = anyWay ? parameterValues(queryOf(request)) : NO_VALUES;
  const inForm = anyWay && carriesForm(request) ? parameterValues(request.form) : NO_VALUES;
  // RFC 6750 section 2: a client MUST NOT use more than one method to send the token.
  if (header.found !== undefined && inQuery.length + inForm.length > 0) throw severalWays();
  const query = policy.allowQuery === true ? accessTokenParameter(inQuery, 'query') : undefined;
  const form = policy.allowBody === true ? accessTokenParameter(inForm, 'form body') : undefined;
  if ((query !== undefined && inForm.length > 0) || (form !== undefined && inQuery.length > 0)) {
    throw severalWays();
  }
  if (query !== undefined) return { found: { scheme: 'Bearer', token: query, source: 'query' } };
  if (form !== undefined) return { found: { scheme: 'Bearer', token: form, source: 'form' } };
  return header;
}

/** The credentials of {@link findCredentials}, or `undefined` when there are none for this API. */
export function extractCredentials(
  request: CredentialRequest,
  policy: CredentialPolicy,
): Credentials | undefined {
  return findCredentials(request, policy).found;
}

const NO_HEADER: CredentialSearch = Object.freeze({ found: undefined, otherScheme: undefined });

function fromAuthorization(
  request: CredentialRequest,
  acceptDpop: boolean,
  verifiedBefore: ((token: string) => boolean) | undefined,
): CredentialSearch {
  const field = headerField(request, 'authorization');
  const count = typeof field === 'string' ? 1 : (field?.length ?? 0);
  if (count === 0) return NO_HEADER;
  const lines =
    request.rawHeaders === undefined || request.headers === undefined
      ? count
      : countRawLines(request.rawHeaders, 'authorization');
  // RFC 9110 section 5.3: Authorization is not a list field, so it may appear only once.
  if (count > 1 || lines > 1) throw severalCredentials();
  // Field values exclude leading and trailing whitespace (RFC 9110 section 5.5).
  const value = trimOuterWhitespace(typeof field === 'string' ? field : field![0]!);
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (!SCHEME.test(scheme)) {
    throw invalidRequest('Authorization header is not "<scheme> <credentials>" (RFC 9110 section 11.6.2)');
  }
  // Schemes are case-insensitive (RFC 9110 section 11.1); the usual spelling costs no lower-cased copy.
  const lowerScheme = scheme === 'Bearer' ? 'bearer' : scheme.toLowerCase();
  const accepted: CredentialScheme | undefined =
    lowerScheme === 'bearer' ? 'Bearer' : acceptDpop && lowerScheme === 'dpop' ? 'DPoP' : undefined;
  if (accepted === undefined) {
    if (JOINED_CREDENTIALS.test(value)) throw severalCredentials();
    // Another scheme (Basic, ...) is not credentials for this API: the request has none for us.
    return { found: undefined, otherScheme: scheme };
  }
  const token = space === -1 ? '' : value.slice(skipSpaces(value, space));
  if (token === '') throw invalidRequest(`Authorization header has the ${accepted} scheme but no token`);
  // The scan costs about half of a repeated token's request step; a token the verifier passed
  // before is a b64token (a JWS's three base64url segments), so only the others are scanned.
  if (verifiedBefore?.(token) !== true && !B64TOKEN.test(token)) {
    // A comma is no b64token character: only a refused token is scanned for one.
    if (token.includes(',')) throw severalCredentials();
    throw invalidRequest(`${accepted} credentials must be a single b64token (RFC 6750 section 2.1)`);
  }
  return { found: { scheme: accepted, token, source: 'header' } };
}

/** RFC 9110 section 5.5 OWS around a field value; the usual value has none and is returned as it is. */
function trimOuterWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isSpaceOrTab(value.charCodeAt(start))) start += 1;
  while (end > start && isSpaceOrTab(value.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function isSpaceOrTab(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** The index of the first character at or after `from` that is not a space (RFC 9110 section 11.4: 1*SP). */
function skipSpaces(value: string, from: number): number {
  let index = from;
  while (value.charCodeAt(index) === 0x20) index += 1;
  return index;
}

function severalWays(): TokenwardError {
  return invalidRequest(
    'the access token was sent in more than one way; use exactly one (RFC 6750 section 2)',
  );
}

/**
 * One wording for every way of sending several credentials: Fetch's `Headers` (and proxies) join
 * repeated lines with ", ", so separate lines and a joined value cannot be told apart everywhere,
 * and every adapter must give the same answer.
 */
function severalCredentials(): TokenwardError {
  return invalidRequest(
    'expected one Authorization header with one credential; found more than one (as repeated header lines or a comma-separated list)',
  );
}

/** The parsed query when the framework has one, else the query string of the request target. */
function queryOf(request: CredentialRequest): unknown {
  if (request.query !== undefined) return request.query;
  const url = request.url;
  const start = url === undefined ? -1 : url.indexOf('?');
  return start === -1 ? undefined : url!.slice(start + 1);
}

/**
 * Whether the request step must see the form body: a form-encoded POST on a route that takes body
 * tokens, or beside an `Authorization` header, where an `access_token` field would be a second
 * credential to refuse (RFC 6750 section 2). A request of another method costs one comparison.
 */
export function needsFormBody(request: CredentialRequest, policy: CredentialPolicy): boolean {
  if (!carriesForm(request)) return false;
  return policy.allowBody === true || headerField(request, 'authorization') !== undefined;
}

/** RFC 6750 section 2.2: a form body only with a method that has body semantics ("GET MUST NOT be used"). */
function carriesForm(request: CredentialRequest): boolean {
  if (!isMethod(request.method, 'POST')) return false;
  const contentType = request.contentType ?? headerValue(request, 'content-type');
  return contentType !== undefined && FORM_CONTENT_TYPE.test(contentType);
}

function accessTokenParameter(values: readonly unknown[], where: string): string | undefined {
  if (values.length === 0) return undefined;
  if (values.length > 1) throw invalidRequest(`access_token appears ${values.length} times in the ${where}`);
  const [token] = values;
  if (typeof token !== 'string' || token === '') {
    throw invalidRequest(`access_token in the ${where} must be a non-empty string`);
  }
  return token;
}

function parameterValues(source: unknown): readonly unknown[] {
  if (typeof source === 'string') {
    return new URLSearchParams(source.startsWith('?') ? source.slice(1) : source).getAll('access_token');
  }
  if (source instanceof URLSearchParams) return source.getAll('access_token');
  if (typeof source !== 'object' || source === null || !Object.hasOwn(source, 'access_token')) {
    return NO_VALUES;
  }
  const value = (source as Record<string, unknown>).access_token;
  if (value === undefined) return NO_VALUES;
  return Array.isArray(value) ? value : [value];
}

function invalidRequest(message: string): TokenwardError {
  return new TokenwardError('ERR_INVALID_REQUEST', message);
}

import { TokenwardError } from './errors.js';

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
   * `Authorization` lines in `headers`; with the raw lines a repeat is still refused (RFC 9110 §5.3).
   */
  readonly rawHeaders?: readonly string[];
  /** Parsed query (`{ access_token: ... }`), a `URLSearchParams`, or the raw query string. */
  readonly query?: unknown;
  /** Parsed form body (`{ access_token: ... }`), a `URLSearchParams`, or the raw body string. */
  readonly body?: unknown;
  /** `Content-Type` of the body, when not in `headers`. */
  readonly contentType?: string;
}

/** Which RFC 6750 §2 methods besides the `Authorization` header are accepted. */
export interface ExtractBearerOptions {
  /**
   * Accept `access_token` in the query (RFC 6750 §2.3). Tokens in URLs end up in logs and
   * history (RFC 9700 §4.3.2), so only for clients that cannot send a header. Default `false`.
   */
  readonly allowQuery?: boolean;
  /**
   * Accept `access_token` in a form-encoded POST body (RFC 6750 §2.2). Requires the body to be
   * parsed by the framework. Default `false`.
   */
  readonly allowBody?: boolean;
}

// RFC 6750 §2.1 b64token (RFC 9110 token68).
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// RFC 9110 §5.6.2 token, the auth-scheme.
const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// A second `Bearer` credential after a comma: duplicate header lines joined into one (BT-9).
const JOINED_BEARER = /,[ \t]*bearer(?:[ \t]|$)/i;
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded[ \t]*(?:;|$)/i;

/**
 * Finds the bearer token of a request (RFC 6750 §2): the `Authorization: Bearer` header, and,
 * when allowed, the `access_token` query parameter or form-body field.
 *
 * @returns the token, or `undefined` when the request carries no bearer credentials (none at
 * all, or another scheme such as `Basic`): callers answer that with `ERR_TOKEN_MISSING`.
 * @throws TokenwardError `ERR_INVALID_REQUEST` (400) for a malformed `Authorization` header, more
 * than one `Authorization` header, `Bearer` without a token, a repeated `access_token`, or a
 * token sent in more than one way (RFC 6750 §2, §3.1).
 */
export function extractBearerToken(
  request: BearerRequest,
  options: ExtractBearerOptions = {},
): string | undefined {
  const found: string[] = [];
  const fromHeader = tokenFromAuthorization(request);
  if (fromHeader !== undefined) found.push(fromHeader);
  if (options.allowQuery === true) {
    const fromQuery = readAccessTokenParameter(request.query, 'query');
    if (fromQuery !== undefined) found.push(fromQuery);
  }
  if (options.allowBody === true && carriesFormBody(request)) {
    const fromBody = readAccessTokenParameter(request.body, 'form body');
    if (fromBody !== undefined) found.push(fromBody);
  }
  if (found.length > 1) {
    throw invalidRequest(
      'the access token was sent in more than one way; use exactly one (RFC 6750 section 2)',
    );
  }
  return found[0];
}

/** A CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) carries no credentials. */
export function isCorsPreflight(request: Pick<BearerRequest, 'method' | 'headers'>): boolean {
  return (
    request.method?.toUpperCase() === 'OPTIONS' &&
    headerValues(request.headers, 'origin').length > 0 &&
    headerValues(request.headers, 'access-control-request-method').length > 0
  );
}

function tokenFromAuthorization(request: BearerRequest): string | undefined {
  const values = headerValues(request.headers, 'authorization');
  if (values.length === 0) return undefined;
  const lines = request.rawHeaders === undefined ? values.length : authorizationLines(request.rawHeaders);
  const count = Math.max(values.length, lines);
  if (count > 1) {
    // RFC 9110 §5.3: Authorization is not a list field, so it may appear only once.
    throw invalidRequest(`expected one Authorization header; found ${count}`);
  }
  // Field values exclude leading and trailing whitespace (RFC 9110 §5.5).
  const value = trimOuterWhitespace(values[0]!);
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (!SCHEME.test(scheme)) {
    throw invalidRequest('Authorization header is not "<scheme> <credentials>" (RFC 9110 section 11.6.2)');
  }
  if (scheme.toLowerCase() !== 'bearer') {
    if (JOINED_BEARER.test(value)) throw severalCredentials();
    // Another scheme (Basic, DPoP, ...) is not bearer credentials: the request has none for us.
    return undefined;
  }
  const credentials = space === -1 ? '' : value.slice(skipSpaces(value, space));
  if (credentials === '') throw invalidRequest('Authorization header has the Bearer scheme but no token');
  if (credentials.includes(',')) throw severalCredentials();
  if (!B64TOKEN.test(credentials)) {
    throw invalidRequest('Bearer credentials must be a single b64token (RFC 6750 section 2.1)');
  }
  return credentials;
}

/** How many `Authorization` lines raw headers hold; a pass that allocates nothing, as it runs per request. */
function authorizationLines(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    // Field names are case-insensitive (RFC 9110 §5.1); the length test spares lower-casing the rest.
    if (name.length === 13 && name.toLowerCase() === 'authorization') count += 1;
  }
  return count;
}

/** RFC 9110 §5.5 OWS around a field value; the usual value has none and is returned as it is. */
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

/** The index of the first character at or after `from` that is not a space (RFC 9110 §11.4: 1*SP). */
function skipSpaces(value: string, from: number): number {
  let index = from;
  while (value.charCodeAt(index) === 0x20) index += 1;
  return index;
}

function severalCredentials(): TokenwardError {
  return invalidRequest(
    'Authorization header holds more than one credential (repeated header lines joined?)',
  );
}

/** All values of a header, whatever the case of its name in `headers`. */
function headerValues(headers: BearerRequest['headers'], lowerCaseName: string): string[] {
  const values: string[] = [];
  for (const name in headers) {
    if (name.toLowerCase() !== lowerCaseName) continue;
    const value = headers[name];
    if (typeof value === 'string') values.push(value);
    else if (value !== undefined) values.push(...value);
  }
  return values;
}

/** RFC 6750 §2.2: a form body only with a method that has body semantics ("GET MUST NOT be used"). */
function carriesFormBody(request: BearerRequest): boolean {
  if (request.method?.toUpperCase() !== 'POST') return false;
  const contentType = request.contentType ?? headerValues(request.headers, 'content-type')[0];
  return contentType !== undefined && FORM_CONTENT_TYPE.test(contentType);
}

function readAccessTokenParameter(source: unknown, where: string): string | undefined {
  const values = parameterValues(source);
  if (values.length === 0) return undefined;
  if (values.length > 1) throw invalidRequest(`access_token appears ${values.length} times in the ${where}`);
  const [token] = values;
  if (typeof token !== 'string' || token === '') {
    throw invalidRequest(`access_token in the ${where} must be a non-empty string`);
  }
  return token;
}

function parameterValues(source: unknown): unknown[] {
  if (typeof source === 'string') {
    return new URLSearchParams(source.startsWith('?') ? source.slice(1) : source).getAll('access_token');
  }
  if (source instanceof URLSearchParams) return source.getAll('access_token');
  if (typeof source !== 'object' || source === null || !Object.hasOwn(source, 'access_token')) return [];
  const value = (source as Record<string, unknown>).access_token;
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function invalidRequest(message: string): TokenwardError {
  return new TokenwardError('ERR_INVALID_REQUEST', message);
}

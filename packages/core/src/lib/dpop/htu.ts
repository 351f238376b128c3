/**
 * A proof's `htu`, and the request's own target, read as RFC 3986 reads a URI, then normalised as
 * its section 6.2.2 (syntax-based) and section 6.2.3 (scheme-based) say, which RFC 9449 section 4.3
 * asks for before comparing the two. WHATWG URL parsing is not used: for http(s) it reads "\" as
 * "/", drops tabs and newlines anywhere, trims control characters and spaces at both ends, supplies
 * missing slashes after the scheme, reads "//host/path" after a base as another host, reads hosts
 * such as "2130706433" as IPv4 addresses and maps Unicode hosts to ASCII. Each repair accepts a
 * proof for a URI its signer never wrote, or for a request its signer never sent, so a URI that
 * needs one is refused instead.
 */
import { quote } from '../quote.js';
import { invalidProof } from './proof-key.js';

/** A URI reduced to what `htu` is compared on. */
export interface ComparableUri {
  /** `scheme://host[:port]`, lower case, without a default port. */
  readonly origin: string;
  /** The path, dot segments removed and percent-encodings normalised; `/` when empty. */
  readonly path: string;
}

/** The first character no URI holds (RFC 3986 section 2), or a "%" that starts no percent-encoding. */
const NOT_URI_TEXT = /[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]|%(?![0-9A-Fa-f]{2})/;
/**
 * RFC 3986 appendix B with the "//" of an authority required, since http(s) URIs have a host
 * (RFC 9110 section 4.2): scheme, authority, path, query, fragment. It matches whatever follows
 * the authority, so it never backtracks over a long input.
 */
const HIERARCHICAL_URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/;
/** RFC 3986 section 3.2: a host (an IP literal, or a non-empty reg-name, no user information) and a port. */
const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::([0-9]*))?$/;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/** `htu` as origin and path, or `ERR_DPOP_PROOF_INVALID` when it is no absolute http(s) URI. */
export function readHtu(htu: string): ComparableUri {
  const stray = textProblem(htu);
  if (stray !== undefined) {
    throw invalidProof(`"htu" is not an absolute URI (RFC 3986 section 4.3): ${stray}; found ${quote(htu)}`);
  }
  const uri = splitHttpUri(htu);
  if (uri === undefined) {
    throw invalidProof(
      `"htu" must be an http(s) URI with a host and no user information, like "https://api.example.com/path"; found ${quote(htu)}`,
    );
  }
  const { scheme, host, port, path } = uri;
  const portSuffix = port === '' || port === DEFAULT_PORTS[scheme] ? '' : `:${port}`;
  return { origin: `${scheme}://${normaliseHost(host)}${portSuffix}`, path: normalisePath(path) };
}

/** The normalised path of a request target, or why RFC 3986 reads no path in it. */
export type TargetPath = { readonly path: string } | { readonly problem: string };

/**
 * The path of a request target as received (RFC 9112 section 3.2: origin-form "/a/b?q", or
 * absolute-form, whose origin is not used here), read and normalised as `htu`'s path is, so the
 * two are equal exactly when RFC 3986 says they name the same path. Only what precedes the query
 * is read: the query and fragment are left out of the comparison (RFC 9449 section 4.3 check 9),
 * and WHATWG clients send characters such as "[" or "|" unencoded there.
 */
export function readTargetPath(target: string): TargetPath {
  const end = target.search(/[?#]/);
  const beforeQuery = end === -1 ? target : target.slice(0, end);
  const stray = textProblem(beforeQuery);
  if (stray !== undefined) return { problem: stray };
  // RFC 9112 section 3.2.1: an origin-form target is a path, so "//a/b" has an empty first segment.
  const path = beforeQuery.startsWith('/') ? beforeQuery : splitHttpUri(beforeQuery)?.path;
  if (path === undefined) return { problem: 'it is neither a path nor an absolute http(s) URI' };
  if (/[[\]]/.test(path)) return { problem: '"[" or "]" outside an IP literal' };
  return { path: normalisePath(path) };
}

/** Why `text` is no URI text (RFC 3986 section 2), naming the first character that is none, or `undefined`. */
function textProblem(text: string): string | undefined {
  const stray = NOT_URI_TEXT.exec(text);
  if (stray === null) return undefined;
  return stray[0] === '%'
    ? `"%" at index ${stray.index} starts no percent-encoding`
    : `${codePoint(text, stray.index)} at index ${stray.index} is not a URI character`;
}

/** The parts of an http(s) URI with a host and no user information, the scheme in lower case, or `undefined`. */
function splitHttpUri(
  text: string,
): { scheme: string; host: string; port: string; path: string } | undefined {
  const [, scheme = '', authority = '', path = '', query = '', fragment = ''] =
    HIERARCHICAL_URI.exec(text) ?? [];
  const lowerScheme = scheme.toLowerCase();
  const host = AUTHORITY.exec(authority);
  // "[" and "]" only enclose an IP literal, and "#" only starts the fragment (RFC 3986 section 3).
  const misplaced = /[[\]]/.test(path + query + fragment) || fragment.includes('#', 1);
  if ((lowerScheme !== 'https' && lowerScheme !== 'http') || host === null || misplaced) return undefined;
  return { scheme: lowerScheme, host: host[1]!, port: host[2] ?? '', path };
}

/** A path with its percent-encodings normalised, then its dot segments removed (RFC 3986 section 6.2.2). */
function normalisePath(path: string): string {
  return removeDotSegments(normalisePercentEncoding(path));
}

/** RFC 3986 section 6.2.2.1 and section 6.2.2.2: percent-encodings in upper case, unreserved characters decoded. */
function normalisePercentEncoding(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : `%${hex.toUpperCase()}`;
  });
}

/** A host in lower case (RFC 3986 section 3.2.2), its percent-encodings normalised. */
function normaliseHost(host: string): string {
  if (!/[A-Z%]/.test(host)) return host;
  return normalisePercentEncoding(host).replace(/%[0-9A-F]{2}|[A-Z]+/g, (part) =>
    part.startsWith('%') ? part : part.toLowerCase(),
  );
}

/**
 * RFC 3986 section 5.2.4 for a path-abempty, with the empty path written "/" (section 6.2.3): "."
 * segments go, ".." segments take the one before them along.
 */
function removeDotSegments(path: string): string {
  if (!DOT_SEGMENT.test(path)) return path === '' ? '/' : path;
  const segments = path.split('/').slice(1);
  const kept: string[] = [];
  segments.forEach((segment, index) => {
    if (segment === '..') kept.pop();
    if (segment !== '.' && segment !== '..') kept.push(segment);
    // A dot segment at the end leaves the path ending in "/": "/a/b/.." is "/a/".
    else if (index === segments.length - 1) kept.push('');
  });
  return `/${kept.join('/')}`;
}

function codePoint(text: string, index: number): string {
  return `U+${text.codePointAt(index)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

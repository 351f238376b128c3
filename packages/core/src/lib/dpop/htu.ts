/**
 * A proof's `htu` read as RFC 3986 reads a URI, then normalised as its section 6.2.2
 * (syntax-based) and section 6.2.3 (scheme-based) say, which RFC 9449 section 4.3 asks for before
 * comparing it with the request. WHATWG URL parsing is not used: for http(s) it reads "\" as "/",
 * drops tabs and newlines anywhere, trims control characters and spaces at both ends, supplies
 * missing slashes after the scheme, reads hosts such as "2130706433" as IPv4 addresses and maps
 * Unicode hosts to ASCII. Each repair accepts a proof for a URI its signer never wrote, so an
 * `htu` that needs one is refused instead.
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
  const stray = NOT_URI_TEXT.exec(htu);
  if (stray !== null) {
    const what =
      stray[0] === '%'
        ? `"%" at index ${stray.index} starts no percent-encoding`
        : `${codePoint(htu, stray.index)} at index ${stray.index} is not a URI character`;
    throw invalidProof(`"htu" is not an absolute URI (RFC 3986 section 4.3): ${what}; found ${quote(htu)}`);
  }
  const [, scheme = '', authority = '', path = '', query = '', fragment = ''] =
    HIERARCHICAL_URI.exec(htu) ?? [];
  const lowerScheme = scheme.toLowerCase();
  const host = AUTHORITY.exec(authority);
  // "[" and "]" only enclose an IP literal, and "#" only starts the fragment (RFC 3986 section 3).
  const misplaced = /[[\]]/.test(path + query + fragment) || fragment.includes('#', 1);
  if ((lowerScheme !== 'https' && lowerScheme !== 'http') || host === null || misplaced) {
    throw invalidProof(
      `"htu" must be an http(s) URI with a host and no user information, like "https://api.example.com/path"; found ${quote(htu)}`,
    );
  }
  const port = host[2] ?? '';
  const portSuffix = port === '' || port === DEFAULT_PORTS[lowerScheme] ? '' : `:${port}`;
  return {
    origin: `${lowerScheme}://${normaliseHost(host[1]!)}${portSuffix}`,
    path: removeDotSegments(normalisePercentEncoding(path)),
  };
}

/** RFC 3986 section 6.2.2.1 and section 6.2.2.2: percent-encodings in upper case, unreserved characters decoded. */
export function normalisePercentEncoding(text: string): string {
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

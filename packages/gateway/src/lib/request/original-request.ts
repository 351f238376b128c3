/**
 * The request a proxy asks about, read from what each proxy sends:
 * - forward-auth (`/auth`): Caddy and Traefik send `X-Forwarded-Method`, `-Proto`, `-Host`,
 *   `-Uri`; the NGINX recipe sends `X-Original-Method` and `X-Original-URI` with `Host`;
 * - Envoy's HTTP `ext_authz` (`/envoy/<path>`): the original method, `Host` and path after the
 *   configured `path_prefix`;
 * - Envoy's gRPC `Check`: the `AttributeContext` fields (see the gRPC server).
 * Credentials (`Authorization`, `DPoP`) are the original request's headers, passed through as sent.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { TokenwardError } from '@tokenward/core';

/** The original request, as the proxy described it. */
export interface OriginalRequest {
  /** As sent (methods are case-sensitive, RFC 9110 §9.1). */
  readonly method: string;
  readonly scheme: string;
  /** `host[:port]`, when the proxy said. */
  readonly authority: string | undefined;
  /** The request target as on the wire: path and query, not decoded. */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  /** Node's raw header lines, when there are some (repeated `Authorization` lines are refused). */
  readonly rawHeaders?: readonly string[];
}

// RFC 9110 §9.1: a method is a token.
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The original request of a forward-auth call, or the error to answer with. */
export function fromForwardAuth(
  headers: IncomingHttpHeaders,
  rawHeaders: readonly string[],
): OriginalRequest {
  const method = single(rawHeaders, 'x-forwarded-method') ?? single(rawHeaders, 'x-original-method');
  const target = single(rawHeaders, 'x-forwarded-uri') ?? single(rawHeaders, 'x-original-uri');
  if (method === undefined || target === undefined) {
    // The proxy is misconfigured: not the client's fault, and no token would help.
    throw new TokenwardError(
      'ERR_CONFIG',
      'the proxy did not say which request to authorize: send X-Forwarded-Method and X-Forwarded-Uri, ' +
        'or X-Original-Method and X-Original-URI',
    );
  }
  const authority = single(rawHeaders, 'x-forwarded-host') ?? single(rawHeaders, 'host');
  const scheme = single(rawHeaders, 'x-forwarded-proto') ?? 'http';
  return checked({ method, scheme, authority, target, headers, rawHeaders });
}

/** The original request of an Envoy HTTP `ext_authz` call whose path starts with `prefix`. */
export function fromEnvoyHttp(
  method: string,
  url: string,
  prefix: string,
  headers: IncomingHttpHeaders,
  rawHeaders: readonly string[],
): OriginalRequest {
  const target = url.slice(prefix.length);
  const authority = single(rawHeaders, 'host');
  const scheme = single(rawHeaders, 'x-forwarded-proto') ?? 'http';
  return checked({ method, scheme, authority, target, headers, rawHeaders });
}

/** Refuses a description no request could have (400): the decision would be a guess. */
export function checked(request: OriginalRequest): OriginalRequest {
  if (!METHOD.test(request.method)) throw invalid('the original method is not an HTTP method token');
  if (request.scheme !== 'http' && request.scheme !== 'https') {
    throw invalid('the original scheme is neither http nor https');
  }
  return request;
}

/**
 * The one value of a header among raw lines. Node joins repeated `X-Forwarded-*` lines with
 * commas, which would make two descriptions of the request look like one: a repeat is refused.
 */
function single(rawHeaders: readonly string[], lowerCaseName: string): string | undefined {
  let value: string | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]!.toLowerCase() !== lowerCaseName) continue;
    if (value !== undefined) throw invalid(`${lowerCaseName} appears more than once`);
    value = rawHeaders[index + 1]!.trim();
  }
  return value;
}

function invalid(message: string): TokenwardError {
  return new TokenwardError('ERR_INVALID_REQUEST', message);
}

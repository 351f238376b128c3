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
import { hostOfAuthority } from '../routing/host.js';

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

/**
 * The original request of a forward-auth call, or the error to answer with.
 *
 * Each proxy describes the request one way, and passes the client's other headers along with it:
 * NGINX's auth_request subrequest carries every header the client sent, so a client's own
 * `X-Forwarded-Uri: /health` rides beside the recipe's `X-Original-URI`, and Caddy and Traefik pass
 * a client's `X-Original-URI` beside their own `X-Forwarded-Uri`. A call describing the request both
 * ways is refused: one of the two descriptions came from the client, and nothing says which.
 * NGINX routes on `Host` (the recipe sends `$host`), so that convention ignores `X-Forwarded-Host`;
 * Caddy and Traefik put the original host in `X-Forwarded-Host` (Traefik's `Host` is the gateway's).
 */
export function fromForwardAuth(
  headers: IncomingHttpHeaders,
  rawHeaders: readonly string[],
): OriginalRequest {
  const forwarded = described(rawHeaders, 'x-forwarded-method', 'x-forwarded-uri');
  const original = described(rawHeaders, 'x-original-method', 'x-original-uri');
  if (forwarded !== undefined && original !== undefined) {
    throw invalid(
      'the request is described twice, by X-Forwarded-Method/-Uri and by X-Original-Method/-URI; ' +
        'one of them came from the client',
    );
  }
  const { method, target } = original ?? forwarded ?? {};
  if (method === undefined || target === undefined) {
    // The proxy is misconfigured: not the client's fault, and no token would help.
    throw new TokenwardError(
      'ERR_CONFIG',
      'the proxy did not say which request to authorize: send X-Forwarded-Method and X-Forwarded-Uri, ' +
        'or X-Original-Method and X-Original-URI',
    );
  }
  const authority =
    original === undefined
      ? (single(rawHeaders, 'x-forwarded-host') ?? single(rawHeaders, 'host'))
      : single(rawHeaders, 'host');
  const scheme = single(rawHeaders, 'x-forwarded-proto') ?? 'http';
  return checked({ method, scheme, authority, target, headers, rawHeaders });
}

/** The method and target one convention's headers give, or `undefined` when it sent neither. */
function described(
  rawHeaders: readonly string[],
  methodHeader: string,
  targetHeader: string,
): { method: string | undefined; target: string | undefined } | undefined {
  const method = single(rawHeaders, methodHeader);
  const target = single(rawHeaders, targetHeader);
  return method === undefined && target === undefined ? undefined : { method, target };
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
  // A host the gateway cannot read would match no host rule and fall through to rules for any
  // host, where the proxy may have routed it to a host with rules of its own.
  if (request.authority && hostOfAuthority(request.authority) === undefined) {
    throw invalid('the original host is not a host name or address with an optional port');
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

/** The identity headers an allowed request carries to the upstream. */
import type { AccessTokenResult } from '@tokenward/core';
import type { IdentityHeaderNames } from '../policy/model.js';

/**
 * Header name → value for a verified token: subject, scopes (space-separated), client id (when the
 * token has one) and issuer. Claims are the issuer's text, so anything outside printable ASCII
 * (RFC 9110 §5.5 field values) is percent-encoded as UTF-8, as is `%` itself, and a space inside
 * one scope.
 */
export function identityHeaders(
  names: IdentityHeaderNames,
  result: AccessTokenResult,
): Record<string, string> {
  const headers: Record<string, string> = {
    [names.subject]: fieldValue(result.subject),
    [names.scopes]: result.scopes.map(scopeValue).join(' '),
    [names.issuer]: fieldValue(result.issuer),
  };
  if (result.clientId !== undefined) headers[names.clientId] = fieldValue(result.clientId);
  return headers;
}

/** Every identity header name, for proxies told which ones to strip or copy. */
export function allIdentityHeaderNames(names: IdentityHeaderNames): string[] {
  return [names.subject, names.scopes, names.clientId, names.issuer];
}

/** The identity headers an allowed answer with `headers` leaves unset. */
export function unsetIdentityHeaders(
  names: IdentityHeaderNames,
  headers: Readonly<Record<string, string>>,
): string[] {
  return allIdentityHeaderNames(names).filter((name) => !(name in headers));
}

/**
 * What Envoy removes from an allowed request (lower-case): the identity headers this answer does
 * not set, so a client's own never gets through, and every identity name spelled with `_` for
 * `-` (`x_auth_subject`), which Envoy passes by default and CGI-style upstreams (PHP, WSGI) read
 * as the identity header itself.
 */
export function headersEnvoyRemoves(
  names: IdentityHeaderNames,
  headers: Readonly<Record<string, string>>,
): string[] {
  const lookalikes = allIdentityHeaderNames(names)
    .filter((name) => name.includes('-'))
    .map((name) => name.replaceAll('-', '_'));
  return [...unsetIdentityHeaders(names, headers), ...lookalikes].map((name) => name.toLowerCase());
}

function fieldValue(text: string): string {
  return /^[\x20-\x24\x26-\x7e]*$/.test(text) ? text : text.replace(/[^\x20-\x24\x26-\x7e]/gu, percentEncode);
}

/**
 * One scope of the space-separated list, with a space inside it encoded as well: no RFC 6749
 * section 3.3 scope-token holds one, but a token's `scp` entry can, and an upstream splitting the
 * list on spaces must find exactly the scopes the token grants, not a piece of one (`x admin`).
 */
function scopeValue(scope: string): string {
  const value = fieldValue(scope);
  return value.includes(' ') ? value.replaceAll(' ', '%20') : value;
}

function percentEncode(character: string): string {
  try {
    return encodeURIComponent(character);
  } catch {
    // A lone surrogate (JSON can carry one) has no UTF-8 form: U+FFFD stands in for it.
    return '%EF%BF%BD';
  }
}

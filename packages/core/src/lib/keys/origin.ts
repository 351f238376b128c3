/**
 * URL safety checks for the addresses key material is fetched from: discovery documents and
 * `jwks_uri` must travel over TLS (RFC 8414 §6.1, OpenID Connect Discovery §7.1), with plain
 * HTTP allowed only to loopback, where no network sits between the two processes (development,
 * tests).
 */

import { type EventHandler, emit } from '../../events.js';
import { isLoopbackHost } from '../../loopback.js';

/**
 * Why `url` may not be fetched for key material, or `undefined` if it may: it must be an absolute
 * `https` URL (or `http` to a loopback host, or to any host with `allowInsecureHttp`) without
 * credentials or a fragment.
 */
export function fetchableUrlProblem(url: string, allowInsecureHttp = false): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not an absolute URL';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'must not contain credentials';
  if (parsed.hash !== '' || url.includes('#')) return 'must not contain a fragment';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:') {
    return allowInsecureHttp || isLoopbackHost(parsed.hostname)
      ? undefined
      : 'must use https (plain http is allowed only for loopback hosts: 127.0.0.0/8, ::1, localhost; ' +
          'for a development server elsewhere, opt in with allowInsecureHttp)';
  }
  return `must use https; found the scheme "${parsed.protocol.slice(0, -1)}"`;
}

/** Emits `insecure_http` before key material is fetched over plain http from a host that is not loopback. */
export function warnIfInsecure(
  config: { readonly issuer: string; readonly onEvent?: EventHandler | undefined },
  url: string,
): void {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    emit(config.onEvent, { type: 'insecure_http', issuer: config.issuer, url });
  }
}

/** The origin (`scheme://host[:port]`) of an absolute URL, or `undefined` if it does not parse. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

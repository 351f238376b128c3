/**
 * The canonical form of a protected resource's identifier (RFC 8707 section 2, RFC 9728
 * section 1.2): an absolute `https` URL (plain `http` only on loopback) with no fragment, no
 * query and no credentials, scheme and host in lower case, the default port dropped, and no
 * trailing slash on a bare origin. Tokens name the resource in `aud` exactly in this form.
 */

import { isLoopbackHost } from '../../loopback.js';
import { configError, found } from '../options/option-checks.js';

/** The canonical resource identifier for `value`, or `ERR_CONFIG` naming `option`. */
export function canonicalResource(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw configError(`\`${option}\` must be the API's absolute https URL; found ${found(value)}`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(
      `\`${option}\` must be an absolute URL such as "https://api.example.com/mcp"; found ${found(value)}`,
    );
  }
  const problem = resourceProblem(url, value);
  if (problem !== undefined) throw configError(`\`${option}\` ${problem}; found ${found(value)}`);
  // URL has already lower-cased scheme and host and dropped a default port.
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.protocol}//${url.host}${path}`;
}

function resourceProblem(url: URL, raw: string): string | undefined {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return 'must use https (plain http only for loopback hosts)';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  // RFC 8707 section 2: MUST NOT include a fragment, SHOULD NOT include a query.
  if (url.hash !== '' || raw.includes('#')) return 'must not contain a fragment (RFC 8707 section 2)';
  if (url.search !== '' || raw.includes('?')) return 'must not contain a query (RFC 8707 section 2)';
  return undefined;
}

/**
 * Where the resource's metadata is published (RFC 9728 section 3.1): the well-known segment is
 * inserted between the host and the resource's path, so `https://api.example.com/mcp` publishes
 * at `https://api.example.com/.well-known/oauth-protected-resource/mcp`.
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

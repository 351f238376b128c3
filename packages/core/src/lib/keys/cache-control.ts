/**
 * How long a fetched key set stays fresh, from its response headers (RFC 9111 §5.2.2, §4.2.3).
 * Identity providers shorten `max-age` near the end of a rotation's safe period, so it
 * is honoured, but clamped: a tiny value would turn every request into a fetch, and a huge one
 * would pin a revoked key for days (§4.13 "Cache lifetime").
 */

import { LIMITS } from '../../defaults.js';

/** Shortest and longest lifetime given to a key set, whatever the server says (seconds). */
const { min: MIN_KEY_SET_LIFETIME_SECONDS, max: MAX_KEY_SET_LIFETIME_SECONDS } = LIMITS.keySetLifetime;

/**
 * Seconds a response may be used for: `max-age` minus `Age` when given, `no-store`/`no-cache`
 * meaning "as short as we allow", otherwise `defaultSeconds`; always clamped to
 * [{@link MIN_KEY_SET_LIFETIME_SECONDS}, {@link MAX_KEY_SET_LIFETIME_SECONDS}].
 */
export function keySetLifetimeSeconds(
  cacheControl: string | undefined,
  age: string | undefined,
  defaultSeconds: number,
): number {
  const directives = parseCacheControl(cacheControl ?? '');
  let seconds = defaultSeconds;
  if (directives.has('no-store') || directives.has('no-cache')) {
    seconds = MIN_KEY_SET_LIFETIME_SECONDS;
  } else {
    const maxAge = deltaSeconds(directives.get('max-age'));
    // A response that already sat in a shared cache has less of its lifetime left (RFC 9111 §4.2.3).
    if (maxAge !== undefined) seconds = maxAge - (deltaSeconds(age) ?? 0);
  }
  return Math.min(MAX_KEY_SET_LIFETIME_SECONDS, Math.max(MIN_KEY_SET_LIFETIME_SECONDS, seconds));
}

/** Directive name (lower case) → argument (unquoted) or `''`. The first occurrence wins (RFC 9111 §4.2.1). */
function parseCacheControl(header: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of header.split(',')) {
    const equals = part.indexOf('=');
    const name = (equals === -1 ? part : part.slice(0, equals)).trim().toLowerCase();
    if (name === '' || directives.has(name)) continue;
    const value = equals === -1 ? '' : part.slice(equals + 1).trim();
    directives.set(name, value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);
  }
  return directives;
}

/** A delta-seconds value (RFC 9111 §1.2.2): digits only; anything else is ignored. */
function deltaSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * Host patterns of policy rules: `api.example.com` or `*.example.com` (one or more labels in
 * front). Compared case-insensitively without the port (RFC 9110 §4.2.3: the host is
 * case-insensitive; a port names the same host).
 */

/** A compiled host pattern. */
export interface HostPattern {
  readonly source: string;
  /** Lower-cased host, or the lower-cased suffix (with its dot) for a `*.` pattern. */
  readonly host: string;
  readonly wildcard: boolean;
}

// RFC 1123 labels, or an IPv4 address.
const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Checks and compiles a host pattern; returns the problem as a sentence when it cannot be one. */
export function compileHostPattern(source: string): HostPattern | string {
  const lower = source.toLowerCase();
  const wildcard = lower.startsWith('*.');
  const name = wildcard ? lower.slice(2) : lower;
  if (/:\d+$/.test(name)) return 'names the host without a port (any port matches)';
  if (!HOST_NAME.test(name) && !/^\[[0-9a-f:.]+\]$/.test(name)) {
    return `must be a host name such as api.example.com or *.example.com; found "${source}"`;
  }
  return { source, host: wildcard ? `.${name}` : name, wildcard };
}

/**
 * The host of a `Host`/`X-Forwarded-Host`/`:authority` value, lower-cased and without the port,
 * or `undefined` when the value is not a plain `host[:port]`.
 */
export function hostOfAuthority(authority: string): string | undefined {
  const lower = authority.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/.exec(lower);
  return match?.[1]?.replace(/\.$/, '');
}

/** True when `host` (from {@link hostOfAuthority}) matches the pattern. */
export function matchesHost(pattern: HostPattern, host: string | undefined): boolean {
  if (host === undefined) return false;
  return pattern.wildcard
    ? host.endsWith(pattern.host) && host.length > pattern.host.length
    : host === pattern.host;
}

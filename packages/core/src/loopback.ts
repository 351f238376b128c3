/**
 * Which hosts are "this machine", the one place plain `http` is acceptable for key material
 * (there is no network between the two processes to attack). Exported so that tools built on
 * tokenward (the CLI's `discover`) draw the line where the verifier draws it.
 */

/**
 * True for hosts that can only be the local machine: 127.0.0.0/8, `[::1]` and `localhost`. Names
 * under `.localhost` are not on the list: RFC 6761 §6.3 only asks resolvers to answer them with
 * loopback, and one that asks DNS instead may get any address at all. Give it `URL.hostname`,
 * which WHATWG URL parsing has already lower-cased and normalised (IPv4 literals to dotted
 * decimal, IPv6 in brackets).
 *
 * @example isLoopbackHost(new URL('http://127.0.0.1:8080').hostname) // true
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost') return true;
  if (host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The shared replay store's Redis URL (`--replay-redis` or `TOKENWARD_REPLAY_REDIS`), checked before
 * anything starts: ioredis reads a bad one in ways that fail late (a database path that is not a
 * number is sent as `SELECT NaN` after connecting).
 */

/** What is wrong with `value` as `redis[s]://[[user]:password@]host[:port][/db]`; `undefined` when nothing. */
export function redisUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  // The value is not echoed back: it may hold a password.
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `has the scheme "${url.protocol}"`;
  if (url.hostname === '') return 'names no host';
  if (!/^(\/\d{0,2})?$/.test(url.pathname)) return 'has a path other than a database number';
  if (url.search !== '' || url.hash !== '') return 'has a query or fragment';
  return undefined;
}

/** `host:port` of a checked URL, for messages (never its credentials). */
export function redisAddress(value: string): string {
  const url = new URL(value);
  return `${url.hostname}:${url.port === '' ? '6379' : url.port}`;
}

/**
 * Joining a fetch that another caller started, without waiting on it forever. Concurrent cold
 * requests share one discovery and one key-set fetch; but on Cloudflare Workers a promise belongs
 * to the request that created it, and when that request ends early (its client went away) its
 * I/O is cancelled, so the promise never settles and every request that joined it would hang.
 * A joiner therefore waits at most a bound; past it, the stuck fetch is dropped and the joiner
 * starts its own.
 */

/**
 * How long a joiner waits for a shared fetch: the longest a healthy one can take (discovery tries
 * up to three addresses, then the key set is fetched, each exchange within `httpTimeoutMs`), plus
 * a second of slack.
 */
export function joinBoundMs(httpTimeoutMs: number): number {
  return 4 * httpTimeoutMs + 1000;
}

/**
 * `shared`, or, when it has not settled within `boundMs`, what `retry` returns (the caller drops
 * the stuck fetch there and starts its own).
 */
export function joinShared<T>(shared: Promise<T>, boundMs: number, retry: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      retry().then(resolve, reject);
    }, boundMs);
    shared.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

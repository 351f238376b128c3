/**
 * The web-standard transport: `fetch` with redirects refused, one deadline for the whole
 * exchange (headers and body), and a body cap enforced while streaming, so a slow or endless
 * response can hold neither a request nor memory (§4.13 "JWKS/discovery HTTP timeout", "Size caps").
 */

import type {
  Transport,
  TransportPostRequest,
  TransportRequest,
  TransportResponse,
} from '../../../runtime.js';
import {
  type ExchangeMethod,
  knownTransportError,
  networkError,
  startDeadline,
  tooLargeError,
} from './http-exchange.js';

export interface FetchTransportOptions {
  /** The `fetch` to use; defaults to `globalThis.fetch`, looked up at each request. */
  fetch?: typeof globalThis.fetch | undefined;
}

export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  // Called unbound: browsers throw "Illegal invocation" for `fetch` called on another object.
  const fetchFunction = () => options.fetch ?? globalThis.fetch;
  return {
    get: (url, request) => fetchCapped(fetchFunction(), 'GET', url, request),
    post: (url, request) => fetchCapped(fetchFunction(), 'POST', url, request),
  };
}

async function fetchCapped(
  fetchFunction: typeof globalThis.fetch,
  method: ExchangeMethod,
  url: string,
  request: TransportRequest | TransportPostRequest,
): Promise<TransportResponse> {
  const { controller, aborted, clear } = startDeadline(method, url, request.timeoutMs);
  const form = 'form' in request ? request.form : undefined;
  const headers =
    form === undefined
      ? request.headers
      : { ...request.headers, 'content-type': 'application/x-www-form-urlencoded' };
  try {
    const response = await Promise.race([
      fetchFunction(url, {
        method,
        headers: headers === undefined ? undefined : { ...headers },
        body: form,
        // A POST is never answered from a cache (RFC 9111 §4); `no-store` also keeps the answer out of
        // one. A GET sets a mode only to revalidate: workerd refuses modes it lacks, 'default' included.
        ...(form !== undefined
          ? { cache: 'no-store' as const }
          : request.revalidate === true
            ? { cache: 'no-cache' as const }
            : {}),
        redirect: 'manual',
        credentials: 'omit',
        signal: controller.signal,
      }),
      aborted,
    ]);
    const body = await readCapped(response, method, url, request.maxBytes, controller, aborted);
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body,
    };
  } catch (error) {
    throw knownTransportError(error, controller.signal) ?? networkError(method, url, error);
  } finally {
    clear();
  }
}

async function readCapped(
  response: Response,
  method: ExchangeMethod,
  url: string,
  maxBytes: number,
  controller: AbortController,
  aborted: Promise<never>,
): Promise<Uint8Array> {
  const tooLarge = () => tooLargeError(method, url, maxBytes);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    controller.abort(tooLarge());
    discard(response.body?.cancel());
    throw controller.signal.reason;
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        controller.abort(tooLarge());
        throw controller.signal.reason;
      }
      chunks.push(value);
    }
  } catch (error) {
    discard(reader.cancel());
    throw error;
  }
  return concat(chunks, total);
}

/**
 * Cancelling tells the source to stop; it is not awaited, because a source that ignores the
 * abort may never settle its cancel either, and the caller must get its answer now.
 */
function discard(cancelling: Promise<void> | undefined): void {
  cancelling?.catch(() => undefined);
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

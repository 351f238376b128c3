/**
 * The web-standard transport: `fetch` with redirects refused, one deadline for the whole
 * exchange (headers and body), and a body cap enforced while streaming, so a slow or endless
 * response can hold neither a request nor memory (§4.13 "JWKS/discovery HTTP timeout", "Size caps").
 */

import type { Transport, TransportError, TransportRequest, TransportResponse } from '../../../runtime.js';
import { knownTransportError, networkError, startDeadline, tooLargeError } from './http-exchange.js';

export interface FetchTransportOptions {
  /** The `fetch` to use; defaults to `globalThis.fetch`, looked up at each request. */
  fetch?: typeof globalThis.fetch | undefined;
}

export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  return {
    get(url, request) {
      // Called unbound: browsers throw "Illegal invocation" for `fetch` called on another object.
      const fetchFunction = options.fetch ?? globalThis.fetch;
      return fetchCapped(fetchFunction, url, request);
    },
  };
}

async function fetchCapped(
  fetchFunction: typeof globalThis.fetch,
  url: string,
  request: TransportRequest,
): Promise<TransportResponse> {
  const { controller, aborted, clear } = startDeadline(url, request.timeoutMs);
  try {
    const response = await Promise.race([
      fetchFunction(url, {
        method: 'GET',
        headers: request.headers === undefined ? undefined : { ...request.headers },
        cache: request.revalidate === true ? 'no-cache' : 'default',
        redirect: 'manual',
        credentials: 'omit',
        signal: controller.signal,
      }),
      aborted,
    ]);
    const body = await readCapped(response, url, request.maxBytes, controller, aborted);
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body,
    };
  } catch (error) {
    throw asTransportError(error, controller.signal, url);
  } finally {
    clear();
  }
}

async function readCapped(
  response: Response,
  url: string,
  maxBytes: number,
  controller: AbortController,
  aborted: Promise<never>,
): Promise<Uint8Array> {
  const tooLarge = () => tooLargeError(url, maxBytes);
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

function asTransportError(error: unknown, signal: AbortSignal, url: string): TransportError {
  return knownTransportError(error, signal) ?? networkError(url, error);
}

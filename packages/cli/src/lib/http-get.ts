/**
 * One GET for `discover`, with the limits a verifier applies (DESIGN "Defaults"): a timeout for
 * the whole exchange, no redirects followed, a cap on the body. "Could not reach" is kept apart
 * from "answered badly", because the two lead to different exit codes.
 */
import { isLoopbackHost } from '@tokenward/core';
import { describeFetchFailure } from './failure-cause.js';

export type HttpGetResult =
  | {
      readonly kind: 'response';
      readonly url: string;
      readonly status: number;
      readonly headers: Headers;
      readonly body: string;
    }
  | { readonly kind: 'unreachable'; readonly url: string; readonly reason: string };

export interface HttpGetLimits {
  /** Milliseconds for the whole exchange. */
  readonly timeoutMs: number;
  /** Largest body read, in bytes. */
  readonly maxBytes: number;
}

export async function httpGet(url: string, limits: HttpGetLimits): Promise<HttpGetResult> {
  let response: Response;
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    response = await fetch(url, { redirect: 'manual', signal, headers: { accept: 'application/json' } });
  } catch (error) {
    return { kind: 'unreachable', url, reason: describeFetchFailure(error, limits.timeoutMs) };
  }
  try {
    const bytes = new Uint8Array(await response.arrayBuffer());
    const body =
      bytes.length > limits.maxBytes
        ? `(body of ${bytes.length} bytes is over the ${limits.maxBytes}-byte limit)`
        : new TextDecoder().decode(bytes);
    return { kind: 'response', url, status: response.status, headers: response.headers, body };
  } catch (error) {
    return { kind: 'unreachable', url, reason: describeFetchFailure(error, limits.timeoutMs) };
  }
}

/** Parses a JSON object body, or `undefined`. */
export function jsonObjectOf(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** True for hosts that can only be this machine, where plain http is acceptable: core's rule. */
export function isLoopbackUrl(url: URL): boolean {
  return isLoopbackHost(url.hostname);
}

/**
 * Why a fetch failed, in words: `fetch` itself only says "fetch failed" and keeps the reason
 * (refused, DNS, TLS, reset, timeout) in a chain of `cause`s with system or undici codes.
 */
import { STATUS_CODES } from 'node:http';

/** Plain words for the codes a failed connection carries. */
const CODE_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (nothing listens on that port)',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'host name lookup failed for now (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled',
  UND_ERR_SOCKET: 'the server closed the connection',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the response was cut short',
};

/** Longest piece of a low-level message shown (OpenSSL messages run long). */
const MAX_DETAIL = 160;

interface Reason {
  readonly code?: string;
  readonly message: string;
}

/** The innermost reason in `error`'s `cause` chain (the first of an AggregateError's errors). */
function rootReason(error: unknown): Reason | undefined {
  let current: unknown = error;
  let found: Reason | undefined;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, message, cause, errors } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof message === 'string' || typeof code === 'string') {
      found = {
        ...(typeof code === 'string' && { code }),
        message: typeof message === 'string' ? message : '',
      };
    }
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return found;
}

function isTlsCode(code: string): boolean {
  return /^(?:ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_TLS_CERT)/.test(
    code,
  );
}

/** The first line of `text`, shortened. */
function firstLine(text: string): string {
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}...` : line;
}

/**
 * Why `error`, thrown by `fetch` (or by reading its body), happened: e.g. "connection refused
 * (nothing listens on that port): ECONNREFUSED connect ECONNREFUSED 127.0.0.1:8080".
 */
export function describeFetchFailure(error: unknown, timeoutMs?: number): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return timeoutMs === undefined ? 'timed out' : `no answer within ${timeoutMs / 1000} s (timed out)`;
  }
  const reason = rootReason(error);
  if (reason === undefined) return String(error);
  const detail = firstLine(reason.message);
  if (reason.code === undefined) return detail === '' ? 'the request failed' : `request failed: ${detail}`;
  const words =
    CODE_WORDS[reason.code] ?? (isTlsCode(reason.code) ? 'TLS handshake failed' : 'request failed');
  return `${words}: ${reason.code}${detail === '' ? '' : ` ${detail}`}`;
}

/** An HTTP status with its reason phrase: `503 Service Unavailable`. */
export function describeStatus(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase === undefined ? String(status) : `${status} ${phrase}`;
}

/**
 * `error`'s message followed by the reason underneath it, when it has a `cause` whose text the
 * message does not already hold (core keeps the network reason of a 503 there).
 */
export function withCause(error: Error): string {
  if (error.cause === undefined) return error.message;
  const cause = describeFetchFailure(error.cause);
  const root = rootReason(error.cause);
  if (root !== undefined && root.message !== '' && error.message.includes(firstLine(root.message))) {
    return error.message;
  }
  return `${error.message} (cause: ${cause})`;
}

/**
 * Fetches one JSON object over a transport and says precisely what went wrong when it could not:
 * the shared first half of discovery, JWKS retrieval and introspection. Only a 200 answer with a JSON media type
 * is read (RFC 8414 §3.2); redirects are refused, never followed.
 */
import {
  type Transport,
  TransportError,
  type TransportRequest,
  type TransportResponse,
} from '../../runtime.js';
import { quote } from '../quote.js';

export type DocumentFailureKind =
  /**
   * No document came: a network failure, a timeout, or any status but 200 (a 404 or 410 from a
   * moved key set, a 5xx or 429 saying "not now", a redirect we do not follow).
   */
  | 'unavailable'
  /** A 200 answer whose body is not the document: not JSON, not an object, too large. */
  | 'unusable';

export type DocumentResult =
  | {
      readonly ok: true;
      readonly value: Record<string, unknown>;
      /** The body as decoded, for a reader that holds it to more than JSON.parse does. */
      readonly text: string;
      readonly response: TransportResponse;
    }
  | {
      readonly ok: false;
      readonly kind: DocumentFailureKind;
      /** HTTP status when an answer arrived. */
      readonly status: number | undefined;
      /** What happened, for a message: "answered 503", "timed out after 5000 ms", ... */
      readonly problem: string;
      readonly cause?: unknown;
      /** The answer, when one arrived (its `Retry-After`, say). */
      readonly response?: TransportResponse;
    };

// `fatal` refuses invalid UTF-8 rather than letting U+FFFD into key material (BCP-7).
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function fetchJsonObject(
  transport: Transport,
  url: string,
  request: TransportRequest,
): Promise<DocumentResult> {
  return readJsonObject(() => transport.get(url, request), request);
}

/** {@link fetchJsonObject} for any exchange (a POST, say): `send` makes the request. */
export async function readJsonObject(
  send: () => Promise<TransportResponse>,
  request: TransportRequest,
): Promise<DocumentResult> {
  let response: TransportResponse;
  try {
    response = await send();
  } catch (error) {
    return transportFailure(error, request);
  }
  const { status } = response;
  if (status !== 200) return statusFailure(response);
  const contentType = response.header('content-type');
  if (!isJsonMediaType(contentType)) {
    return {
      ok: false,
      kind: 'unusable',
      status,
      problem: `answered with content type ${contentType === undefined ? '(none)' : quote(contentType)}; a JSON media type is required`,
    };
  }
  let text: string;
  let value: unknown;
  try {
    text = utf8.decode(response.body);
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      kind: 'unusable',
      status,
      problem: 'answered with a body that is not UTF-8 JSON',
      cause: error,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, kind: 'unusable', status, problem: 'answered with JSON that is not an object' };
  }
  return { ok: true, value: value as Record<string, unknown>, text, response };
}

/** `application/json`, `application/jwk-set+json`, or any other `+json` type (RFC 6839 §3.1). */
function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'));
}

function transportFailure(error: unknown, request: TransportRequest): DocumentResult {
  if (error instanceof TransportError && error.reason === 'too_large') {
    return {
      ok: false,
      kind: 'unusable',
      status: undefined,
      problem: `answered with a body larger than ${request.maxBytes} bytes`,
      cause: error,
    };
  }
  const problem =
    error instanceof TransportError && error.reason === 'timeout'
      ? `did not answer within ${request.timeoutMs} ms`
      : `could not be reached (${error instanceof Error ? error.message : String(error)})`;
  return { ok: false, kind: 'unavailable', status: undefined, problem, cause: error };
}

function statusFailure(response: TransportResponse): DocumentResult {
  const { status } = response;
  // Status 0 is what a browser reports for a redirect it was told not to follow (an opaque redirect).
  if (status === 0 || (status >= 300 && status < 400)) {
    const location = response.header('location');
    const target = location === undefined ? '' : ` to ${location}`;
    return {
      ok: false,
      kind: 'unavailable',
      status,
      problem: `answered with a redirect (${status}${target}); redirects are not followed`,
      response,
    };
  }
  return { ok: false, kind: 'unavailable', status, problem: `answered ${status}`, response };
}

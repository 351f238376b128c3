/**
 * One authorization server's introspection endpoint (RFC 7662 §2): found through discovery
 * (RFC 8414 `introspection_endpoint`), asked with a form POST that carries this API's client
 * credentials, with the same deadline and size cap as discovery and key sets. Every way it can
 * fail, an answer that is not an introspection response (answer-shape.ts) included, is a 503
 * `ERR_INTROSPECTION_FAILED` whose message (for logs; clients see a generic text) says what
 * happened, and an event.
 */
import { LIMITS } from '../../defaults.js';
import { TokenwardError } from '../../errors.js';
import { type EventHandler, emit } from '../../events.js';
import type { Transport, TransportPostRequest } from '../../runtime.js';
import type { Discovery } from '../keys/discovery.js';
import { readJsonObject } from '../keys/json-document.js';
import { fetchableUrlProblem, originOf, warnIfInsecure } from '../keys/origin.js';
import { QUOTED_LENGTH, quote } from '../quote.js';
import type { IntrospectTrace } from '../tracing/introspect.js';
import { answerProblem } from './answer-shape.js';
import type { ClientCredentials } from './client-auth.js';

/** What the server said: not active (nothing more, RFC 7662 §2.2), or active with its members. */
export type IntrospectionAnswer =
  | { readonly active: false }
  | { readonly active: true; readonly response: Readonly<Record<string, unknown>> };

export interface EndpointConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly discovery: Discovery;
  readonly credentials: () => ClientCredentials | Promise<ClientCredentials>;
  readonly transport: Transport;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly allowInsecureHttp: boolean;
  readonly clock: () => number;
  readonly onEvent: EventHandler | undefined;
}

/** Asks about `token`; `trace`, when traced, learns the endpoint's origin. */
export type AskEndpoint = (token: string, trace?: IntrospectTrace) => Promise<IntrospectionAnswer>;

export function createEndpointClient(config: EndpointConfig): AskEndpoint {
  const { issuer, onEvent } = config;
  const post = config.transport.post?.bind(config.transport);
  if (post === undefined) throw new Error('the transport has no post(); checked at construction');
  const failed = (
    url: string | undefined,
    status: number | undefined,
    message: string,
    retryAfter?: number,
  ) => {
    emit(onEvent, { type: 'introspection_failed', issuer, url, status, message });
    return new TokenwardError(
      'ERR_INTROSPECTION_FAILED',
      message,
      retryAfter === undefined ? {} : { retryAfter },
    );
  };

  async function endpointUrl(): Promise<string> {
    const { introspectionEndpoint: url } = await config.discovery.metadata();
    if (url === undefined) {
      throw failed(
        undefined,
        undefined,
        `the metadata of ${issuer} names no introspection_endpoint (RFC 8414 section 2)`,
      );
    }
    const problem = fetchableUrlProblem(url, config.allowInsecureHttp);
    if (problem !== undefined)
      throw failed(url, undefined, `introspection_endpoint ${quote(url)} ${problem}`);
    // The token and this API's credentials go only to the server that issued the token.
    if (originOf(url) !== originOf(issuer)) {
      throw failed(url, undefined, `introspection_endpoint ${quote(url)} is not on the origin of ${issuer}`);
    }
    return url;
  }

  return async (token, trace) => {
    const url = await endpointUrl();
    if (trace !== undefined) trace.endpointOrigin = originOf(url);
    warnIfInsecure(config, url);
    const { headers, fields } = await config.credentials();
    // RFC 7662 §2.1: the token, and a hint that saves the server a lookup in its refresh tokens.
    const form = new URLSearchParams({ token, token_type_hint: 'access_token', ...fields }).toString();
    const request: TransportPostRequest = {
      form,
      headers: { accept: 'application/json', ...headers },
      maxBytes: config.maxBytes,
      timeoutMs: config.timeoutMs,
    };
    const started = performance.now();
    const result = await readJsonObject(() => post(url, request), request);
    if (!result.ok) {
      const { status } = result;
      if (status === 401 || status === 403) {
        emit(onEvent, {
          type: 'introspection_credentials_refused',
          issuer,
          url,
          status,
          clientId: config.clientId,
        });
        throw new TokenwardError(
          'ERR_INTROSPECTION_FAILED',
          `the introspection endpoint ${url} refused this API's client credentials (${status}); ` +
            `check the introspection client ${quote(config.clientId, QUOTED_LENGTH.configured)}`,
        );
      }
      const retryAfter = retryAfterOf(result.response?.header('retry-after'), status, config.clock());
      throw failed(url, status, `introspection endpoint ${url} ${result.problem}`, retryAfter);
    }
    const problem = answerProblem(result.text, result.value);
    if (problem !== undefined) throw failed(url, 200, `introspection endpoint ${url} answered ${problem}`);
    // A boolean: answerProblem refused any other.
    const active = result.value.active as boolean;
    emit(onEvent, { type: 'introspected', issuer, url, active, durationMs: performance.now() - started });
    return active ? { active, response: result.value } : { active };
  };
}

/**
 * The server's own `Retry-After` (RFC 9110 §10.2.3: seconds or an HTTP date) on a 429 or 5xx,
 * within {@link LIMITS.retryAfter}; `undefined` when it sent none that reads.
 */
function retryAfterOf(
  value: string | undefined,
  status: number | undefined,
  now: number,
): number | undefined {
  if (value === undefined || status === undefined || (status !== 429 && status < 500)) return undefined;
  const text = value.trim();
  const seconds = /^\d+$/.test(text) ? Number(text) : (Date.parse(text) - now) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(LIMITS.retryAfter.max, Math.max(LIMITS.retryAfter.min, Math.ceil(seconds)));
}

/**
 * The Node transport: an undici `Agent` with keep-alive and connect/headers/body timeouts, one
 * deadline for the whole exchange enforced by aborting, and a body cap enforced while streaming.
 * undici's `request` never follows redirects, so a 3xx comes back as is, to be refused.
 *
 * The only environment it reads: when `HTTPS_PROXY`, `HTTP_PROXY` or `NO_PROXY` (or their
 * lower-case forms) is set at creation, requests go through undici's `EnvHttpProxyAgent`,
 * which honours them. Pass `dispatcher` (an `Agent` with your CA, a proxy, a mock) to choose
 * otherwise. Idle keep-alive sockets are unreferenced by undici, so they never hold a process open.
 */
import { Agent, type Dispatcher, EnvHttpProxyAgent } from 'undici';
import {
  type Transport,
  TransportError,
  type TransportPostRequest,
  type TransportRequest,
  type TransportResponse,
} from '../../../runtime.js';
import {
  type ExchangeMethod,
  errorDetail,
  knownTransportError,
  networkError,
  startDeadline,
  tooLargeError,
} from '../portable/http-exchange.js';

export interface UndiciTransportOptions {
  /**
   * The undici dispatcher for discovery and JWKS requests, e.g. `new Agent({ connect: { ca } })`
   * for a private CA. Default: a new `Agent` (or `EnvHttpProxyAgent` when proxy variables are set).
   */
  dispatcher?: Dispatcher | undefined;
}

/**
 * Agent-level backstops. Every request also carries its own deadline (`timeoutMs`) and body
 * cap (`maxBytes`), which are the limits that normally apply; these bound anything a request
 * does not, such as a connect attempt still running after its request was aborted.
 */
const AGENT_LIMITS = {
  connect: { timeout: 10_000 },
  headersTimeout: 30_000,
  bodyTimeout: 30_000,
  keepAliveTimeout: 10_000,
  maxResponseSize: 16 * 1024 * 1024,
} as const;

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  const dispatcher = options.dispatcher ?? createDefaultDispatcher();
  return {
    get: (url, request) => requestCapped(dispatcher, 'GET', url, request),
    post: (url, request) => requestCapped(dispatcher, 'POST', url, request),
  };
}

function createDefaultDispatcher(): Dispatcher {
  const proxied = PROXY_VARIABLES.some((name) => (process.env[name] ?? '') !== '');
  return proxied ? new EnvHttpProxyAgent(AGENT_LIMITS) : new Agent(AGENT_LIMITS);
}

async function requestCapped(
  dispatcher: Dispatcher,
  method: ExchangeMethod,
  url: string,
  request: TransportRequest | TransportPostRequest,
): Promise<TransportResponse> {
  const target = new URL(url);
  const form = 'form' in request ? request.form : undefined;
  // undici acts on an abort only once a connection exists; racing against `aborted` also bounds
  // a connect that hangs (a proxy that never answers CONNECT, say).
  const { controller, aborted, clear } = startDeadline(method, url, request.timeoutMs);
  try {
    const response = await Promise.race([
      dispatcher.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method,
        headers: requestHeaders(request, form),
        body: form,
        signal: controller.signal,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      }),
      aborted,
    ]);
    const body = await Promise.race([
      readCapped(response, method, url, request.maxBytes, controller),
      aborted,
    ]);
    return { status: response.statusCode, header: (name) => headerValue(response, name), body };
  } catch (error) {
    throw asTransportError(error, controller.signal, method, url);
  } finally {
    clear();
  }
}

function requestHeaders(
  request: TransportRequest,
  form: string | undefined,
): Readonly<Record<string, string>> | undefined {
  if (form !== undefined) return { ...request.headers, 'content-type': 'application/x-www-form-urlencoded' };
  return request.revalidate === true ? { ...request.headers, 'cache-control': 'no-cache' } : request.headers;
}

async function readCapped(
  response: Dispatcher.ResponseData,
  method: ExchangeMethod,
  url: string,
  maxBytes: number,
  controller: AbortController,
): Promise<Uint8Array> {
  const tooLarge = () => tooLargeError(method, url, maxBytes);
  const declared = Number(headerValue(response, 'content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    response.body.destroy(tooLarge());
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    const bytes = chunk as Buffer;
    total += bytes.byteLength;
    if (total > maxBytes) {
      controller.abort(tooLarge());
      throw controller.signal.reason;
    }
    chunks.push(bytes);
  }
  const body = Buffer.concat(chunks, total);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

function headerValue(response: Dispatcher.ResponseData, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

function asTransportError(
  error: unknown,
  signal: AbortSignal,
  method: ExchangeMethod,
  url: string,
): TransportError {
  const known = knownTransportError(error, signal);
  if (known !== undefined) return known;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = errorDetail(error);
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return new TransportError('timeout', `${method} ${url} timed out: ${detail}`, { cause: error });
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new TransportError('too_large', `${method} ${url} answered with a body too large: ${detail}`, {
      cause: error,
    });
  }
  return networkError(method, url, error);
}

import { type AutocannonOptions, type AutocannonResult, autocannon } from '../lib/untyped-packages.js';
import { PROTECTED_PATH } from './server-config.js';

/** `same`: every request carries one token; `distinct`: requests rotate through a token list. */
export type Traffic = 'same' | 'distinct';

export interface LoadSample {
  /** Requests answered. */
  readonly requests: number;
  /** How long the load ran. */
  readonly seconds: number;
  readonly requestsPerSecond: number;
  /** Milliseconds; over every response the load's latency log holds. */
  readonly p50: number;
  /** Milliseconds; over every response the load's latency log holds. */
  readonly p99: number;
}

/**
 * The `Authorization` values one server is sent, in order. A rotation keeps its place from one
 * load to the next (warm-ups, samples, rounds), so a server meets a token again only after every
 * other one: with more tokens than any cache holds, no cache ever answers a distinct token.
 */
export class TokenRotation {
  readonly #authorizations: readonly string[];
  #next = 0;

  constructor(tokens: readonly string[]) {
    if (tokens.length === 0) throw new Error('TokenRotation: no tokens');
    this.#authorizations = tokens.map((token) => `Bearer ${token}`);
  }

  get size(): number {
    return this.#authorizations.length;
  }

  next(): string {
    const authorization = this.#authorizations[this.#next]!;
    this.#next = this.#next + 1 === this.#authorizations.length ? 0 : this.#next + 1;
    return authorization;
  }
}

export interface LoadPlan {
  readonly port: number;
  /** One token (`same` traffic, sent as a fixed header) or the server's distinct rotation. */
  readonly rotation: TokenRotation;
  readonly connections: number;
}

function requestShape(rotation: TokenRotation): Pick<AutocannonOptions, 'headers' | 'requests'> {
  if (rotation.size === 1) return { headers: { authorization: rotation.next() } };
  return {
    requests: [
      {
        method: 'GET',
        path: PROTECTED_PATH,
        setupRequest: (request) => {
          request.headers = { ...request.headers, authorization: rotation.next() };
          return request;
        },
      },
    ],
  };
}

function assertAllSucceeded(result: AutocannonResult, label: string): void {
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result['2xx'] === 0) {
    throw new Error(
      `${label}: ${result['2xx']} answers 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts — every request must succeed`,
    );
  }
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

/** Response times in fractional milliseconds, in a buffer that doubles when full. */
export class LatencyLog {
  #values = new Float64Array(1 << 16);
  #length = 0;

  record(milliseconds: number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = milliseconds;
  }

  sorted(): Float64Array {
    return this.#values.slice(0, this.#length).sort();
  }
}

/**
 * Loads the server for `seconds` and fails unless every request was answered 2xx. Latency
 * percentiles come from every response's own time, at sub-millisecond resolution; several loads
 * of one server given the same `latencies` report the percentiles of all their responses.
 */
export async function runLoad(
  plan: LoadPlan,
  seconds: number,
  label: string,
  latencies = new LatencyLog(),
): Promise<LoadSample> {
  const instance = autocannon({
    url: `http://127.0.0.1:${plan.port}${PROTECTED_PATH}`,
    connections: plan.connections,
    duration: seconds,
    ...requestShape(plan.rotation),
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.record(responseTime));
  const result = await instance;
  assertAllSucceeded(result, label);
  const sorted = latencies.sorted();
  return {
    requests: result.requests.total,
    seconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}

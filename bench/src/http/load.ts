import { loadWithKeepAlive } from './keep-alive-client.js';
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

declare const bearer: unique symbol;

/** `Authorization` values, one per token: made once, shared by every rotation through them. */
export type BearerAuthorizations = readonly string[] & { readonly [bearer]: true };

export function bearerAuthorizations(tokens: readonly string[]): BearerAuthorizations {
  return tokens.map((token) => `Bearer ${token}`) as unknown as BearerAuthorizations;
}

/**
 * The `Authorization` values one server is sent, in order. A rotation keeps its place from one
 * load to the next (warm-ups, samples, rounds), so a server meets a token again only after every
 * other one: with more tokens than any cache holds, no cache ever answers a distinct token.
 */
export class TokenRotation {
  readonly #authorizations: readonly string[];
  #next = 0;

  /** A walk of its own through `authorizations`, which several rotations may share. */
  constructor(authorizations: BearerAuthorizations) {
    if (authorizations.length === 0) throw new Error('TokenRotation: no tokens');
    this.#authorizations = authorizations;
  }

  next(): string {
    const authorization = this.#authorizations[this.#next]!;
    this.#next = this.#next + 1 === this.#authorizations.length ? 0 : this.#next + 1;
    return authorization;
  }
}

export interface LoadPlan {
  readonly port: number;
  /** One token (`same` traffic) or the server's distinct rotation. */
  readonly rotation: TokenRotation;
  readonly connections: number;
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
  const head = `GET ${PROTECTED_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${plan.port}\r\nAuthorization: `;
  const outcome = await loadWithKeepAlive({
    port: plan.port,
    connections: plan.connections,
    durationMs: seconds * 1000,
    nextRequest: () => `${head}${plan.rotation.next()}\r\n\r\n`,
    onAnswer: (_status, milliseconds) => latencies.record(milliseconds),
  });
  if (outcome.successful !== outcome.answered || outcome.answered === 0) {
    throw new Error(
      `${label}: ${outcome.successful} of ${outcome.answered} answers 2xx — every request must succeed`,
    );
  }
  const sorted = latencies.sorted();
  const elapsed = outcome.milliseconds / 1000;
  return {
    requests: outcome.answered,
    seconds: elapsed,
    requestsPerSecond: outcome.answered / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}

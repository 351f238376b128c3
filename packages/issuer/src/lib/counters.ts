import type { Endpoint } from '../types.js';

/** Requests seen per (server, endpoint); faulted requests count too. */
export class RequestCounter {
  readonly #counts = new Map<string, { server: string; endpoint: Endpoint; count: number }>();

  increment(server: string, endpoint: Endpoint): void {
    const key = `${server}\u0000${endpoint}`;
    const entry = this.#counts.get(key);
    if (entry) entry.count += 1;
    else this.#counts.set(key, { server, endpoint, count: 1 });
  }

  count(filter: { server?: string; endpoint?: Endpoint } = {}): number {
    let total = 0;
    for (const entry of this.#counts.values()) {
      if (filter.server !== undefined && entry.server !== filter.server) continue;
      if (filter.endpoint !== undefined && entry.endpoint !== filter.endpoint) continue;
      total += entry.count;
    }
    return total;
  }

  /** Every non-zero counter, for the admin endpoint. */
  entries(): Array<{ server: string; endpoint: Endpoint; count: number }> {
    return [...this.#counts.values()].map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.#counts.clear();
  }
}

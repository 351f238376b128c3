import type { JsonWebKey } from 'node:crypto';

/** What the token generator signs, sent over IPC. */
export interface GeneratorJob {
  readonly privateKey: JsonWebKey;
  readonly kid: string;
  readonly issuer: string;
  readonly audience: string;
  readonly count: number;
}

/** Process memory in bytes, as `process.memoryUsage()` reports it. */
export interface MemorySnapshot {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

export interface MemoryJob {
  readonly tokens: number;
}

export interface MemoryReport {
  readonly tokens: number;
  readonly alg: 'ES256';
  /** After the verifier loaded its keys and verified the warm-up tokens, after a full GC. */
  readonly baseline: MemorySnapshot;
  /** After every token, after a full GC. */
  readonly after: MemorySnapshot;
  /** Highest RSS sampled while verifying. */
  readonly peakRss: number;
  /** Milliseconds spent verifying (generation runs alongside in another process). */
  readonly elapsedMs: number;
}

/**
 * The HTTP phase's load generator, in a child process of its own.
 *
 * In the parent, which holds every phase's tokens and results, the generator cost 90 to 105 µs of
 * CPU per Fastify request in a full run, against a Fastify server's 49 to 54: on two cores the
 * rate then measured the generator as much as the server. In a process that holds only the HTTP
 * tokens it is the cheap side again. The server's CPU is read by the parent, the generator's by
 * the child around each load, so both still come from the same load.
 */
import { exchange, forkModule, stopChild } from '../lib/child.js';
import type { LoadSample, Traffic } from './load.js';

/** The child's first message: what every load draws its tokens from. */
export interface GeneratorSetup {
  readonly same: string;
  readonly distinct: readonly string[];
  readonly connections: number;
}

/** One load of one cell. */
export interface GeneratorJob {
  readonly port: number;
  readonly traffic: Traffic;
  readonly seconds: number;
  /**
   * Names the cell. A cell's distinct traffic continues its own walk through the tokens, and its
   * latencies go to its own log: started afresh (`fresh`), added to (`continue`), or not kept (`none`,
   * a warm-up).
   */
  readonly cell: string;
  readonly latencies: 'fresh' | 'continue' | 'none';
}

export interface GeneratedLoad {
  readonly sample: LoadSample;
  /** The generator process's CPU time (user + system) over the load, in microseconds. */
  readonly cpuMicroseconds: number;
}

/** The child's answer to a job: its load, or why the load failed (a non-2xx answer, a dropped connection). */
export type GeneratorReport =
  | ({ readonly ok: true } & GeneratedLoad)
  | { readonly ok: false; readonly error: string };

export interface LoadGenerator {
  load(job: GeneratorJob): Promise<GeneratedLoad>;
  stop(): Promise<void>;
}

export async function startLoadGenerator(setup: GeneratorSetup): Promise<LoadGenerator> {
  const child = forkModule(new URL('./generator-child.js', import.meta.url));
  await exchange<'ready'>(child, setup);
  return {
    async load(job) {
      const report = await exchange<GeneratorReport>(child, job);
      if (!report.ok) throw new Error(report.error);
      return { sample: report.sample, cpuMicroseconds: report.cpuMicroseconds };
    },
    stop: () => stopChild(child),
  };
}

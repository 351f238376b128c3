import type { ColdStartResult } from '../cold-start/run-cold-start.js';
import type { HttpResult } from '../http/run-http.js';
import type { Environment } from '../lib/environment.js';
import type { Alg } from '../lib/fixture.js';
import type { BenchOptions } from '../lib/options.js';
import type { MemoryReport } from '../memory/messages.js';
import type { ThroughputResult } from '../throughput/run-throughput.js';
import type { TracingResult } from '../tracing/run-tracing.js';

/** How a contender was configured and called, as recorded with its numbers. */
export interface ContenderInfo {
  readonly name: string;
  readonly packageName: string;
  readonly howCalled: string;
  readonly algs: readonly Alg[];
}

export interface TargetOutcome {
  readonly target: string;
  readonly measured: string;
  /** `undefined` when the phase that measures it did not run. */
  readonly met: boolean | undefined;
}

/** Everything one run produced: the content of `results/latest.json`. */
export interface BenchResults {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly options: Omit<BenchOptions, 'phases'> & { readonly phases: readonly string[] };
  readonly environment: Environment;
  readonly contenders: readonly ContenderInfo[];
  readonly throughput?: ThroughputResult;
  readonly tracing?: TracingResult;
  readonly http?: HttpResult;
  readonly coldStart?: ColdStartResult;
  readonly memory?: MemoryReport;
  readonly targets: readonly TargetOutcome[];
}

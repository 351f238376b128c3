/** The parts of the benchmark that can be run on their own (`--only throughput,http`). */
export type Phase = 'throughput' | 'tracing' | 'http' | 'cold-start' | 'memory';

export const ALL_PHASES: readonly Phase[] = ['throughput', 'tracing', 'http', 'cold-start', 'memory'];

/** Settings of one benchmark run; every number can be overridden on the command line. */
export interface BenchOptions {
  /** `--quick`: fewer rounds, shorter samples, smaller token sets. For development only. */
  readonly quick: boolean;
  /**
   * Interleaved rounds of the in-process throughput phase (medians are taken over them). Many
   * short rounds rather than a few long ones: on a shared machine a burst of someone else's work
   * then spoils a few samples that the median drops, not a whole contender's number. With
   * `sampleMs` it also sets how long each tracing experiment pairs its lanes (`rounds × sampleMs × 3`).
   */
  readonly rounds: number;
  /** Milliseconds one contender runs in one in-process sample. */
  readonly sampleMs: number;
  /** Interleaved rounds of the HTTP and cold-start phases. */
  readonly httpRounds: number;
  /**
   * Distinct tokens in the rotation of the distinct-token workloads. Default 100,000 (issue #18): ten
   * times tokenward's default result cache and a hundred times fast-jwt's, so no cache can hold the
   * rotation and every call really verifies; what a cache costs such one-shot tokens is then visible.
   */
  readonly distinctTokens: number;
  /** Seconds of autocannon load per HTTP cell and round. */
  readonly httpSeconds: number;
  /** Concurrent autocannon connections. */
  readonly httpConnections: number;
  /** Concurrent first verifications in the cold-start measurement. */
  readonly coldStartRequests: number;
  /** Distinct tokens verified in the memory measurement. */
  readonly memoryTokens: number;
  readonly phases: ReadonlySet<Phase>;
}

const FULL: Omit<BenchOptions, 'phases' | 'quick'> = {
  rounds: 10,
  sampleMs: 120,
  // A multiple of 3: each of a group's three HTTP servers goes first equally often.
  httpRounds: 6,
  distinctTokens: 100_000,
  httpSeconds: 2.5,
  httpConnections: 10,
  coldStartRequests: 1_000,
  memoryTokens: 1_000_000,
};

const QUICK: Omit<BenchOptions, 'phases' | 'quick'> = {
  rounds: 3,
  sampleMs: 50,
  httpRounds: 2,
  distinctTokens: 30_000,
  httpSeconds: 1,
  httpConnections: 10,
  coldStartRequests: 1_000,
  memoryTokens: 50_000,
};

const NUMERIC_FLAGS = {
  '--rounds': 'rounds',
  '--sample-ms': 'sampleMs',
  '--http-rounds': 'httpRounds',
  '--distinct-tokens': 'distinctTokens',
  '--http-seconds': 'httpSeconds',
  '--http-connections': 'httpConnections',
  '--cold-start-requests': 'coldStartRequests',
  '--memory-tokens': 'memoryTokens',
} as const satisfies Record<string, keyof typeof FULL>;

function isNumericFlag(flag: string): flag is keyof typeof NUMERIC_FLAGS {
  return flag in NUMERIC_FLAGS;
}

function parsePhases(list: string): Set<Phase> {
  const phases = new Set<Phase>();
  for (const name of list.split(',')) {
    const phase = ALL_PHASES.find((candidate) => candidate === name);
    if (!phase) throw new Error(`--only: unknown phase "${name}" (expected ${ALL_PHASES.join(', ')})`);
    phases.add(phase);
  }
  return phases;
}

/** Parses `--quick`, `--only a,b` and `--name value` overrides of the numeric settings. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const settings = { ...(quick ? QUICK : FULL) };
  let phases = new Set<Phase>(ALL_PHASES);
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index] ?? '';
    if (flag === '--quick' || flag === '--') continue;
    const value = argv[index + 1];
    if (value === undefined) throw new Error(`${flag}: missing value`);
    index++;
    if (flag === '--only') {
      phases = parsePhases(value);
    } else if (isNumericFlag(flag)) {
      const number = Number(value);
      if (!Number.isFinite(number) || number <= 0) throw new Error(`${flag}: expected a positive number`);
      settings[NUMERIC_FLAGS[flag]] = number;
    } else {
      throw new Error(`unknown option ${flag}`);
    }
  }
  return { ...settings, quick, phases };
}

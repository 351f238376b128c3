/** `pnpm bench [--quick] [--only phases] [--rounds n] ...`: runs every phase and writes the results. */
import { runColdStart } from './cold-start/run-cold-start.js';
import { runHttp } from './http/run-http.js';
import { describeEnvironment, finishEnvironment } from './lib/environment.js';
import { type Alg, type BenchIssuer, mintTokenSet, startBenchIssuer, type TokenSet } from './lib/fixture.js';
import { parseOptions } from './lib/options.js';
import { runMemory } from './memory/run-memory.js';
import type { BenchResults } from './report/results.js';
import { evaluateTargets } from './report/targets.js';
import { writeResults } from './report/write-results.js';
import { CONTENDERS } from './throughput/contenders/index.js';
import { runThroughput } from './throughput/run-throughput.js';
import { runTracing } from './tracing/run-tracing.js';

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (line: string) => console.log(`[${elapsed()}] ${line}`);

async function mintSets(
  bench: BenchIssuer,
  algs: readonly Alg[],
  count: number,
): Promise<Map<Alg, TokenSet>> {
  const sets = new Map<Alg, TokenSet>();
  for (const alg of algs) {
    sets.set(alg, await mintTokenSet(bench, alg, count));
    log(`minted ${count} distinct ${alg} tokens and the invalid ones`);
  }
  return sets;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const environment = describeEnvironment();
  const startedAt = new Date().toISOString();
  log(
    `tokenward bench${options.quick ? ' --quick' : ''}: ${[...options.phases].join(', ')}; ${environment.node}, ${environment.cpuModel} × ${environment.cores}, load ${environment.loadAtStart.join(' ')}`,
  );
  const parts: {
    -readonly [Part in 'throughput' | 'tracing' | 'http' | 'coldStart' | 'memory']?: BenchResults[Part];
  } = {};
  const bench = await startBenchIssuer();
  try {
    const needed: Alg[] = options.phases.has('throughput') ? ['RS256', 'ES256'] : ['RS256'];
    const sets =
      options.phases.has('throughput') || options.phases.has('tracing') || options.phases.has('http')
        ? await mintSets(bench, needed, options.distinctTokens)
        : new Map<Alg, TokenSet>();
    if (options.phases.has('throughput')) {
      log('in-process throughput');
      parts.throughput = await runThroughput(bench, [...sets.values()], options, log);
    }
    if (options.phases.has('tracing')) {
      log('tracing cost');
      parts.tracing = await runTracing(bench, sets.get('RS256')!, options, log);
    }
    if (options.phases.has('http')) {
      log('HTTP');
      parts.http = await runHttp(bench, sets.get('RS256')!, options, log);
    }
  } finally {
    await bench.close();
  }
  if (options.phases.has('cold-start')) {
    log('cold start');
    parts.coldStart = await runColdStart(options, log);
  }
  if (options.phases.has('memory')) {
    log(`memory (${options.memoryTokens} distinct tokens)`);
    parts.memory = await runMemory(options);
  }
  finishEnvironment(environment);
  const results: BenchResults = {
    startedAt,
    durationSeconds: (performance.now() - started) / 1000,
    options: { ...options, phases: [...options.phases] },
    environment,
    contenders: CONTENDERS.map(({ name, packageName, howCalled, algs }) => ({
      name,
      packageName,
      howCalled,
      algs,
    })),
    ...parts,
    targets: evaluateTargets(parts),
  };
  const written = await writeResults(results);
  for (const target of results.targets) {
    const verdict = target.met === undefined ? 'not run' : target.met ? 'met' : 'MISSED';
    log(`${verdict.padEnd(7)} ${target.target}: ${target.measured}`);
  }
  log(`wrote ${written.pathname}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

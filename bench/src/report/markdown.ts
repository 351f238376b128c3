import {
  coldStartSection,
  contendersSection,
  environmentSection,
  headToHeadSection,
  httpSection,
  memorySection,
  targetsSection,
  throughputSection,
} from './markdown-sections.js';
import type { BenchResults } from './results.js';
import { bestPeer } from './targets.js';

/** RESULTS.md: targets first, then every phase's tables, then the environment. */
export function renderMarkdown(results: BenchResults): string {
  const { options } = results;
  const sections = [
    '# tokenward benchmark results',
    `Run ${results.startedAt}, ${Math.round(results.durationSeconds)} s; ${options.rounds} interleaved rounds ` +
      `in process, ${options.httpRounds} over HTTP and for the cold start; load average ` +
      `${results.environment.loadAtStart[0]} at start, ${results.environment.loadAtEnd[0]} at end (1 min, ${results.environment.cores} cores)` +
      `${options.quick ? ' — **quick run (development settings), not the published numbers**' : ''}. ` +
      'Produced by `pnpm bench`; see README.md for what each workload means and how fairness is kept.',
    targetsSection(results.targets),
  ];
  if (results.throughput) {
    sections.push(headToHeadSection(results.throughput, (own) => bestPeer(results.throughput!, own)));
    sections.push(throughputSection(results.throughput, options.distinctTokens));
  }
  if (results.http) sections.push(httpSection(results.http, options.httpSeconds, options.httpConnections));
  if (results.coldStart) sections.push(coldStartSection(results.coldStart));
  if (results.memory) sections.push(memorySection(results.memory));
  if (results.throughput) sections.push(contendersSection(results.contenders, results.throughput));
  sections.push(environmentSection(results.environment));
  return `${sections.join('\n\n')}\n`;
}

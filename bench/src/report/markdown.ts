import {
  coldStartSection,
  contendersSection,
  environmentSection,
  headToHeadSection,
  httpSection,
  memorySection,
  pairingSection,
  targetsSection,
  throughputSection,
  tracingSection,
} from './markdown-sections.js';
import type { BenchResults } from './results.js';

/** A saved `pnpm --filter @tokenward/bench profile` summary, shown as it was printed. */
export interface ProfileSummary {
  readonly title: string;
  readonly text: string;
}

function profileSection(profiles: readonly ProfileSummary[]): string {
  const parts = profiles.map((profile) => `### ${profile.title}\n\n\`\`\`\n${profile.text.trim()}\n\`\`\``);
  return `## CPU profile of the hot path\n\nSelf time under the verification loop of \`pnpm --filter @tokenward/bench profile distinct\` (RS256, distinct tokens, serial), saved in results/.\n\n${parts.join('\n\n')}`;
}

import { bestPeer } from './targets.js';

/** RESULTS.md: targets first, then every phase's tables, then the environment. */
export function renderMarkdown(results: BenchResults, profiles: readonly ProfileSummary[] = []): string {
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
    sections.push(pairingSection(results.throughput));
  }
  if (results.tracing) sections.push(tracingSection(results.tracing));
  if (results.http) sections.push(httpSection(results.http, options.httpSeconds, options.httpConnections));
  if (results.coldStart) sections.push(coldStartSection(results.coldStart));
  if (results.memory) sections.push(memorySection(results.memory));
  if (results.throughput) sections.push(contendersSection(results.contenders, results.throughput));
  if (profiles.length > 0) sections.push(profileSection(profiles));
  sections.push(environmentSection(results.environment));
  return `${sections.join('\n\n')}\n`;
}

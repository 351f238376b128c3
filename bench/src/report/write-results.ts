import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { ALL_PHASES } from '../lib/options.js';
import { gatewaySection, withGatewaySection } from './gateway-section.js';
import { type ProfileSummary, renderMarkdown } from './markdown.js';
import type { BenchResults } from './results.js';
import { renderRatioChart } from './svg.js';

/** The profile summaries saved beside the published results (before and after a tuning round). */
async function savedProfiles(): Promise<ProfileSummary[]> {
  const saved: ProfileSummary[] = [];
  for (const [file, title] of [
    ['profile-before.txt', 'Before'],
    ['profile-after.txt', 'After'],
  ] as const) {
    try {
      saved.push({ title, text: await readFile(new URL(`../../results/${file}`, import.meta.url), 'utf8') });
    } catch {
      // Not saved: the section lists what there is.
    }
  }
  return saved;
}

/**
 * A full run (every phase, not `--quick`) writes RESULTS.md and results/{latest.json, ratios.svg}
 * in the package; any other run writes the same files under results/tmp/ (ignored by git), so a
 * partial or quick run never replaces published numbers.
 */
export async function writeResults(results: BenchResults): Promise<URL> {
  const published = !results.options.quick && results.options.phases.length === ALL_PHASES.length;
  const root = new URL(published ? '../../' : '../../results/tmp/', import.meta.url);
  const resultsDirectory = new URL('results/', root);
  await mkdir(resultsDirectory, { recursive: true });
  await writeFile(new URL('latest.json', resultsDirectory), `${JSON.stringify(results, null, 2)}\n`);
  if (results.throughput) {
    await writeFile(new URL('ratios.svg', resultsDirectory), renderRatioChart(results.throughput));
  }
  const markdownUrl = new URL('RESULTS.md', root);
  // The gateway's numbers come from `bench:gateway`, not from this run: keep them.
  const gateway = gatewaySection(await readFile(markdownUrl, 'utf8').catch(() => ''));
  const markdown = renderMarkdown(results, await savedProfiles());
  await writeFile(markdownUrl, gateway === undefined ? markdown : withGatewaySection(markdown, gateway));
  return markdownUrl;
}

import { mkdir, writeFile } from 'node:fs/promises';
import { renderMarkdown } from './markdown.js';
import type { BenchResults } from './results.js';
import { renderRatioChart } from './svg.js';

/**
 * A full run writes RESULTS.md and results/{latest.json, ratios.svg} in the package; a quick run
 * writes the same files under results/tmp/ (ignored by git) so it never replaces published numbers.
 */
export async function writeResults(results: BenchResults): Promise<URL> {
  const root = new URL(results.options.quick ? '../../results/tmp/' : '../../', import.meta.url);
  const resultsDirectory = new URL('results/', root);
  await mkdir(resultsDirectory, { recursive: true });
  await writeFile(new URL('latest.json', resultsDirectory), `${JSON.stringify(results, null, 2)}\n`);
  if (results.throughput) {
    await writeFile(new URL('ratios.svg', resultsDirectory), renderRatioChart(results.throughput));
  }
  const markdownUrl = new URL('RESULTS.md', root);
  await writeFile(markdownUrl, renderMarkdown(results));
  return markdownUrl;
}

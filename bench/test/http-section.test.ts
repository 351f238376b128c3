import { describe, expect, it } from 'vitest';
import type { HttpRow } from '../src/http/run-http.js';
import { summarize } from '../src/lib/stats.js';
import { httpSection } from '../src/report/markdown-sections.js';

function row(label: 'no auth' | 'tokenward', server: number, generator: number, ratio: number): HttpRow {
  return {
    cell: { framework: 'fastify', auth: label === 'no auth' ? 'none' : 'tokenward', traffic: 'same' },
    label,
    requestsPerSecond: summarize([20_000 * ratio]),
    p50: summarize([0.5]),
    p99: summarize([2]),
    cpuPerRequest: summarize([server]),
    generatorCpuPerRequest: summarize([generator]),
    ratioToBaseline: summarize([ratio]),
  };
}

describe('the HTTP section', () => {
  it("shows the server's and the load generator's CPU per request side by side", () => {
    const section = httpSection(
      { rows: [row('no auth', 31, 24, 1), row('tokenward', 35, 25, 0.9)], proofs: [] },
      2.5,
      10,
    );
    const header = section.split('\n').find((line) => line.startsWith('| framework'));
    expect(header).toContain('| server CPU µs/req | generator CPU µs/req |');
    expect(section).toContain(
      '| Fastify 5 | **tokenward** | same token | 18,000 (18,000–18,000) | 0.50 | 2.00 | 35 | 25 | 0.90× (0.90×–0.90×) |',
    );
    expect(section).toMatch(/the side nearer a whole core set the rate/);
  });
});

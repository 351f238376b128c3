import type { ColdStartResult } from '../cold-start/run-cold-start.js';
import type { HttpResult } from '../http/run-http.js';
import type { Environment } from '../lib/environment.js';
import { ALGS } from '../lib/fixture.js';
import type { MemoryReport } from '../memory/messages.js';
import { isTokenward, tokenwardOfCell } from '../throughput/contenders/index.js';
import type { ThroughputResult, ThroughputRow } from '../throughput/run-throughput.js';
import type { TracingResult } from '../tracing/run-tracing.js';
import { formatBytes, formatMs, formatRate, formatRatio, formatSize, formatSummary } from './format.js';
import { table } from './markdown-table.js';
import type { ContenderInfo, TargetOutcome } from './results.js';
import { roundsRatioOf } from './targets.js';

export function environmentSection(environment: Environment): string {
  const rows = [
    ['Node', `${environment.node} (V8 ${environment.v8}), ${environment.platform}`],
    ['CPU', `${environment.cpuModel}, ${environment.cores} cores`],
    ['Memory', formatSize(environment.totalMemoryBytes)],
    [
      'Load average (1/5/15 min)',
      `${environment.loadAtStart.join(' / ')} at start, ${environment.loadAtEnd.join(' / ')} at end`,
    ],
    ...Object.entries(environment.packages).map(([name, version]) => [name, version]),
  ];
  return `## Environment\n\n${table(['', ''], rows)}`;
}

export function targetsSection(targets: readonly TargetOutcome[]): string {
  const verdict = (met: boolean | undefined) => (met === undefined ? 'not run' : met ? 'met' : 'missed');
  const rows = targets.map((target) => [target.target, target.measured, verdict(target.met)]);
  return `## Targets\n\n${table(['target', 'measured (median)', 'result'], rows)}`;
}

const WORKLOAD_TITLES = {
  same: 'the same token repeated',
  distinct: 'distinct tokens in rotation',
} as const;

export function throughputSection(result: ThroughputResult, distinctTokens: number): string {
  const parts = [
    '## In-process throughput',
    `Verifications per second, median over the rounds (min–max), and the ratio to node:crypto in the same round. ` +
      `"serial": each call awaited before the next; "batch 64": 64 calls under one \`Promise.all\`. ` +
      `The distinct workload rotates through ${formatRate(distinctTokens)} tokens: far more than any contender's ` +
      `default cache holds (tokenward 10,000 results, fast-jwt 1,000), so a cache cannot hold them all; ` +
      `"tokenward" runs with its defaults (result cache on), "no cache" variants verify every call. ` +
      `@okta/jwt-verifier verifies RS256 only and has no ES256 rows.`,
  ];
  for (const alg of ALGS) {
    for (const workload of ['same', 'distinct'] as const) {
      const rows = result.rows.filter((row) => row.cell.alg === alg && row.cell.workload === workload);
      const names = [...new Set(rows.map((row) => row.contender))];
      const cells = names.map((name) => {
        const cellOf = (mode: 'serial' | 'batch64') =>
          rows.find((row) => row.contender === name && row.cell.mode === mode)!;
        const serial = cellOf('serial');
        const batch = cellOf('batch64');
        return [
          isTokenward(name) ? `**${name}**` : name,
          formatSummary(serial.opsPerSecond, formatRate),
          formatRatio(serial.ratioToLimit.median),
          formatSummary(batch.opsPerSecond, formatRate),
          formatRatio(batch.ratioToLimit.median),
        ];
      });
      const header = ['contender', 'serial ops/s', '× limit', 'batch 64 ops/s', '× limit'];
      parts.push(`### ${alg}, ${WORKLOAD_TITLES[workload]}\n\n${table(header, cells)}`);
    }
  }
  parts.push('![Ratios to the node:crypto limit](results/ratios.svg)');
  return parts.join('\n\n');
}

export function contendersSection(contenders: readonly ContenderInfo[], result: ThroughputResult): string {
  const rows = contenders.map((contender) => {
    const proofs = result.proofs.filter((proof) => proof.contender === contender.name);
    const refused = [...new Set(proofs.flatMap((proof) => proof.refused))].join('; ');
    const notAsked = [...new Set(proofs.flatMap((proof) => proof.notApplicable))];
    return [
      contender.name,
      contender.howCalled,
      contender.algs.join(', '),
      `accepts valid; refuses: ${refused}${notAsked.length > 0 ? ` (signature only: not asked to refuse ${notAsked.join('; ')})` : ''}`,
    ];
  });
  return `## Contenders and their proofs\n\nEvery contender had to accept a valid token and refuse the invalid ones below before it was timed; the run aborts otherwise.\n\n${table(['contender', 'how it is called', 'algorithms', 'proved'], rows)}`;
}

export function httpSection(result: HttpResult, seconds: number, connections: number): string {
  const rows = result.rows.map((row) => [
    row.cell.framework === 'express' ? 'Express 5' : 'Fastify 5',
    row.label === 'tokenward' ? '**tokenward**' : row.label,
    row.cell.traffic === 'same' ? 'same token' : 'distinct tokens',
    formatSummary(row.requestsPerSecond, formatRate),
    formatMs(row.p50.median),
    formatMs(row.p99.median),
    formatRate(row.cpuPerRequest.median),
    formatRate(row.generatorCpuPerRequest.median),
    formatSummary(row.ratioToBaseline, formatRatio),
  ]);
  const header = [
    'framework',
    'auth',
    'traffic',
    'req/s (min–max)',
    'p50 ms',
    'p99 ms',
    'server CPU µs/req',
    'generator CPU µs/req',
    '× no auth (min–max)',
  ];
  const proofs = result.proofs.map((proof) => `- ${proof.server}: ${proof.checked.join(', ')}`).join('\n');
  return [
    '## HTTP',
    `A keep-alive load generator in a child process of its own (each request written whole, each answer framed by its Content-Length), ${connections} connections, ${seconds} s per cell and round, server in its own child process on loopback (RS256 tokens). Latencies are medians over the rounds of each round's percentile; server CPU is the server process's user + system time over the requests it answered, and generator CPU the load generator process's over the same requests, medians over the rounds. Either times the rate is the share of a core that side used: the side nearer a whole core set the rate. Ratios are to the same framework without auth under the same traffic, in the same round. Every request had to be answered 2xx.`,
    table(header, rows),
    `Each server was checked before timing:\n\n${proofs}`,
  ].join('\n\n');
}

export function coldStartSection(result: ColdStartResult): string {
  const rows = [
    ['concurrent first verifications', formatRate(result.concurrentRequests)],
    ['time until all answered (ms)', formatSummary(result.elapsedMs, formatMs)],
    ['discovery requests per round', result.discoveryRequests.join(', ')],
    ['JWKS requests per round', result.jwksRequests.join(', ')],
    ['all issuer requests per round', result.totalRequests.join(', ')],
  ];
  return `## Cold start\n\nA fresh child process per round creates a tokenward verifier and verifies distinct RS256 tokens all at once against an issuer nothing else talks to.\n\n${table(['', ''], rows)}`;
}

export function memorySection(result: MemoryReport): string {
  const rows = [
    ['distinct tokens verified', `${formatRate(result.tokens)} (${result.alg})`],
    ['RSS baseline → after', `${formatSize(result.baseline.rss)} → ${formatSize(result.after.rss)}`],
    ['RSS growth', formatBytes(result.after.rss - result.baseline.rss)],
    ['peak RSS while verifying', formatSize(result.peakRss)],
    [
      'heap used baseline → after',
      `${formatSize(result.baseline.heapUsed)} → ${formatSize(result.after.heapUsed)}`,
    ],
    ['heap growth', formatBytes(result.after.heapUsed - result.baseline.heapUsed)],
    ['verifications per second (64 in flight)', formatRate(result.tokens / (result.elapsedMs / 1000))],
  ];
  return `## Memory\n\nOne \`--expose-gc\` child process, one verifier with default caches, tokens signed by a separate generator process and streamed in. Baseline after the keys were loaded and 2,048 warm-up tokens, both snapshots after two full collections. ES256 because signing a million RS256 tokens alone would take over four minutes on this machine.\n\n${table(['', ''], rows)}`;
}

/** tokenward against the fastest peer of each in-process cell. */
export function headToHeadSection(
  result: ThroughputResult,
  best: (own: ThroughputRow) => ThroughputRow,
): string {
  const rows = result.rows
    .filter((row) => row.contender === tokenwardOfCell(row.cell.workload))
    .map((own) => {
      const peer = best(own);
      return [
        `${own.cell.alg}, ${own.cell.workload === 'same' ? 'same token' : 'distinct tokens'}, ${own.cell.mode === 'serial' ? 'serial' : 'batch 64'}`,
        formatRate(own.opsPerSecond.median),
        formatRatio(own.ratioToLimit.median),
        peer.contender,
        formatRate(peer.opsPerSecond.median),
        formatRatio(own.opsPerSecond.median / peer.opsPerSecond.median),
      ];
    });
  const header = ['cell', 'tokenward ops/s', '× limit', 'best peer', 'peer ops/s', 'tokenward ÷ peer'];
  return `## tokenward against the best peer\n\n${table(header, rows)}`;
}

/** What tracing costs: no tracing code, tracing with nobody subscribed, and @tokenward/otel subscribed. */
export function tracingSection(result: TracingResult): string {
  const microseconds = (value: number) => value.toFixed(1);
  const ratio = result.unsubscribedRatio;
  const otel = result.otelMicroseconds;
  const rows = [
    ['no tracing code (Node runtime without its tracing seam)', microseconds(result.untraced.median), '—'],
    [
      'tracing, nobody subscribed (the default)',
      microseconds(result.unsubscribed.median),
      `${ratio.value.toFixed(3)}× (95% interval ${ratio.low.toFixed(3)}–${ratio.high.toFixed(3)}; single pairs' middle half ${ratio.q1.toFixed(3)}–${ratio.q3.toFixed(3)}, ${ratio.pairs} pairs)`,
    ],
    [
      '@tokenward/otel subscribed (real SDK tracer and meter)',
      microseconds(result.withOtel.median),
      `+${otel.value.toFixed(1)} µs per verification (95% interval ${otel.low.toFixed(1)}–${otel.high.toFixed(1)}, ${otel.pairs} pairs)`,
    ],
  ];
  const method = [
    'RS256 distinct tokens, result cache off, awaited one at a time.',
    `Each lane runs in blocks of ${result.blockVerifications} verifications timed in CPU time (the process's user and system time, so another process holding the core is not counted), and blocks come in back-to-back pairs of two lanes, in random order within each pair: a pair's two blocks see the same machine, so the machine's drift cancels in the pair's ratio.`,
    'Two experiments of many pairs: no tracing against nobody subscribed (before anything has subscribed), then nobody subscribed against the subscriber, switched on for its own blocks only.',
    "Nobody subscribed is compared by the median of the pairs' ratios (verifications per CPU second, so above 1 is faster), the subscriber by the mean of the pairs' differences (the mean keeps the young-generation collections its spans cause, which fall in a few blocks).",
    'Each comes with its 95% percentile-bootstrap interval over the pairs, the run\'s noise band: "no measurable difference" is met when that whole interval lies within 0.97–1.03, that is when the run shows any difference is under 3%; an interval reaching past the band is missed, whether the difference is real or the run could not tell.',
    'The middle column is the median block.',
  ].join(' ');
  return `## Tracing\n\n${method}\n\n${table(['lane', 'CPU µs per verification', 'paired against the lane above'], rows)}`;
}

/** The in-process targets' pairings (paired-lanes.ts): each pair of lanes measured a second way, after the rounds. */
export function pairingSection(result: ThroughputResult): string {
  const microseconds = (value: number) => value.toFixed(2);
  const rows = result.pairings.map((pairing) => {
    const { value, low, high, q1, q3, pairs } = pairing.ratio;
    const rounds = roundsRatioOf(result, pairing);
    return [
      `${pairing.alg}, ${pairing.mode === 'serial' ? 'serial' : 'batch 64'}: ${pairing.contender} ÷ ${pairing.reference}`,
      microseconds(pairing.referenceMicroseconds.median),
      microseconds(pairing.contenderMicroseconds.median),
      `${value.toFixed(3)}× (95% interval ${low.toFixed(3)}–${high.toFixed(3)}; single pairs' middle half ${q1.toFixed(3)}–${q3.toFixed(3)}, ${pairs} pairs)`,
      rounds === undefined ? '—' : formatRatio(rounds),
    ];
  });
  const blocks = result.pairings[0]?.blockVerifications ?? 0;
  const method = [
    'Distinct tokens: the cells the ratio-to-limit, cache-tax and ahead-of-rivals targets judge, measured a second way after the rounds.',
    `The two lanes of each row alternate in blocks of ${blocks} verifications of the same rotation, timed in CPU time, in back-to-back pairs in random order (as in the tracing section), so each pair's ratio compares two blocks milliseconds apart on the same machine. "serial": each verification awaited before the next; "batch 64": a block's verifications started together and awaited under one \`Promise.all\`.`,
    "The targets take the median of the pairs' ratios; the rounds' rate ratio (samples of 120 ms seconds apart, in wall-clock time) is shown beside it.",
  ].join(' ');
  const header = ['lane ÷ reference', 'reference CPU µs', 'lane CPU µs', 'paired', "rounds' rates"];
  return `### Paired lanes\n\n${method}\n\n${table(header, rows)}`;
}

import type { ColdStartResult } from '../cold-start/run-cold-start.js';
import type { Traffic } from '../http/load.js';
import type { HttpResult } from '../http/run-http.js';
import type { Framework } from '../http/server-config.js';
import type { Alg } from '../lib/fixture.js';
import { summarize } from '../lib/stats.js';
import type { MemoryReport } from '../memory/messages.js';
import { isTokenward, LIMIT, tokenwardOfCell } from '../throughput/contenders/index.js';
import type { LanePairing } from '../throughput/paired-lanes.js';
import type { ThroughputResult, ThroughputRow } from '../throughput/run-throughput.js';
import { type TracingResult, tracingTargets } from '../tracing/run-tracing.js';
import { formatBytes, formatRatio } from './format.js';
import type { TargetOutcome } from './results.js';

const MIB = 1024 * 1024;

function notMeasured(target: string): TargetOutcome {
  return { target, measured: 'not measured in this run', met: undefined };
}

function throughputRow(
  result: ThroughputResult,
  alg: Alg,
  workload: 'same' | 'distinct',
  mode: 'serial' | 'batch64',
  contender: string,
): ThroughputRow | undefined {
  return result.rows.find(
    (row) =>
      row.cell.alg === alg &&
      row.cell.workload === workload &&
      row.cell.mode === mode &&
      row.contender === contender,
  );
}

/** The pairing of `contender` with `reference` for `alg` (paired-lanes.ts), if the run made one. */
export function pairingOf(
  result: ThroughputResult | undefined,
  alg: Alg,
  reference: string,
  contender: string,
): LanePairing | undefined {
  return result?.pairings.find(
    (pairing) => pairing.alg === alg && pairing.reference === reference && pairing.contender === contender,
  );
}

/**
 * A target judged on a pairing's median ratio, reported with its 95% interval and the rounds'
 * rate ratio beside it, for comparison; not measured without both.
 */
function pairedTarget(
  target: string,
  result: ThroughputResult | undefined,
  pairing: LanePairing | undefined,
  minimum: number,
): TargetOutcome {
  const rounds = result && pairing && roundsRatioOf(result, pairing);
  if (!pairing || rounds === undefined) return notMeasured(target);
  const { value, low, high, pairs } = pairing.ratio;
  return {
    target,
    measured: `${value.toFixed(3)}× (95% interval ${low.toFixed(3)}–${high.toFixed(3)}, ${pairs} pairs; rounds' rates ${formatRatio(rounds)})`,
    met: value >= minimum,
  };
}

/** Judged on the paired measurement (paired-lanes.ts): tokenward without its cache over node:crypto. */
export function ratioToLimitTarget(
  result: ThroughputResult | undefined,
  alg: Alg,
  minimum: number,
): TargetOutcome {
  const target = `${alg} distinct tokens, result cache off, awaited one at a time: ≥ ${minimum}× node:crypto (paired CPU time)`;
  return pairedTarget(
    target,
    result,
    pairingOf(result, alg, LIMIT.name, tokenwardOfCell('distinct')),
    minimum,
  );
}

/** The peers issue #18 measures tokenward against, in the cells where they appear. */
const RIVALS = ['fast-jwt (cache)', 'fast-jwt (no cache)', 'aws-jwt-verify'];

/** The fastest contender in tokenward's cell other than tokenward (any configuration) and the limit. */
export function bestPeer(
  result: ThroughputResult,
  own: ThroughputRow,
  among?: readonly string[],
): ThroughputRow {
  const { alg, workload, mode } = own.cell;
  return result.rows
    .filter(
      (row) =>
        row.cell.alg === alg &&
        row.cell.workload === workload &&
        row.cell.mode === mode &&
        !isTokenward(row.contender) &&
        row.contender !== LIMIT.name &&
        (among === undefined || among.includes(row.contender)),
    )
    .reduce((top, row) => (row.opsPerSecond.median > top.opsPerSecond.median ? row : top));
}

/** The cell's tokenward configuration over the faster of fast-jwt and aws-jwt-verify, in every cell. */
function aheadOfRivalsTarget(result: ThroughputResult | undefined): TargetOutcome {
  const target = 'ahead of fast-jwt and aws-jwt-verify in every in-process cell';
  if (!result) return notMeasured(target);
  const tokenwardRows = result.rows.filter((row) => row.contender === tokenwardOfCell(row.cell.workload));
  let worst = { lead: Number.POSITIVE_INFINITY, where: '' };
  let ahead = 0;
  for (const own of tokenwardRows) {
    const best = bestPeer(result, own, RIVALS);
    const lead = own.opsPerSecond.median / best.opsPerSecond.median;
    if (lead > 1) ahead++;
    if (lead < worst.lead) {
      worst = { lead, where: `${own.cell.alg} ${own.cell.workload} ${own.cell.mode} vs ${best.contender}` };
    }
  }
  return {
    target,
    measured: `${ahead} of ${tokenwardRows.length} cells; smallest lead ${formatRatio(worst.lead)} (${worst.where})`,
    met: ahead === tokenwardRows.length,
  };
}

/**
 * A pairing's ratio as the rounds measured it: the contender's rate over the reference's in the
 * distinct serial cell, per round, the median over the rounds.
 */
export function roundsRatioOf(result: ThroughputResult, pairing: LanePairing): number | undefined {
  const own = throughputRow(result, pairing.alg, 'distinct', 'serial', pairing.contender);
  const reference = throughputRow(result, pairing.alg, 'distinct', 'serial', pairing.reference);
  if (!own || !reference) return undefined;
  return summarize(
    own.opsPerSecond.samples.map((rate, round) => rate / reference.opsPerSecond.samples[round]!),
  ).median;
}

/**
 * With the defaults (result cache on) on distinct tokens the cache cannot hold, against no cache,
 * judged on the paired measurement (paired-lanes.ts): the cache must not tax one-shot tokens.
 * 0.97 allows for the noise between two lanes.
 */
export function cacheTaxTarget(result: ThroughputResult | undefined, alg: Alg): TargetOutcome {
  const target = `${alg} distinct tokens, defaults (cache on) ≥ 0.97× result cache off (no tax on one-shot tokens; paired CPU time)`;
  const pairing = pairingOf(result, alg, tokenwardOfCell('distinct'), tokenwardOfCell('same'));
  return pairedTarget(target, result, pairing, 0.97);
}

function repeatedTokenTarget(result: ThroughputResult | undefined, alg: Alg): TargetOutcome {
  const target = `${alg} repeated token, awaited one at a time: ≥ 10× fast-jwt with its cache`;
  const own = result && throughputRow(result, alg, 'same', 'serial', tokenwardOfCell('same'));
  const fastJwt = result && throughputRow(result, alg, 'same', 'serial', 'fast-jwt (cache)');
  if (!own || !fastJwt) return notMeasured(target);
  const perRound = own.opsPerSecond.samples.map((rate, round) => rate / fastJwt.opsPerSecond.samples[round]!);
  const ratio = summarize(perRound).median;
  return { target, measured: formatRatio(ratio), met: ratio >= 10 };
}

function httpTarget(
  result: HttpResult | undefined,
  framework: Framework,
  traffic: Traffic,
  minimum: number,
): TargetOutcome {
  const name = framework === 'express' ? 'Express' : 'Fastify';
  const target = `${name} + tokenward, ${traffic === 'same' ? 'same token' : 'distinct tokens'}: ≥ ${minimum}× no auth`;
  const row = result?.rows.find(
    (candidate) =>
      candidate.cell.framework === framework &&
      candidate.cell.auth === 'tokenward' &&
      candidate.cell.traffic === traffic,
  );
  if (!row) return notMeasured(target);
  const { median, min, max } = row.ratioToBaseline;
  return {
    target,
    measured: `${formatRatio(median)} (rounds ${formatRatio(min)}–${formatRatio(max)})`,
    met: median >= minimum,
  };
}

/** tokenward over the framework's usual peer on distinct tokens, per round. */
function httpPeerTarget(result: HttpResult | undefined, framework: Framework): TargetOutcome {
  const name = framework === 'express' ? 'Express' : 'Fastify';
  const target = `${name}, distinct tokens: tokenward ahead of ${framework === 'express' ? 'express-oauth2-jwt-bearer' : '@fastify/jwt'}`;
  const rowOf = (auth: 'tokenward' | 'peer') =>
    result?.rows.find(
      (candidate) =>
        candidate.cell.framework === framework &&
        candidate.cell.auth === auth &&
        candidate.cell.traffic === 'distinct',
    );
  const own = rowOf('tokenward');
  const peer = rowOf('peer');
  if (!own || !peer) return notMeasured(target);
  const perRound = own.requestsPerSecond.samples.map(
    (rate, round) => rate / peer.requestsPerSecond.samples[round]!,
  );
  const ratio = summarize(perRound).median;
  return { target, measured: `${formatRatio(ratio)} of the peer's rate`, met: ratio > 1 };
}

function coldStartTarget(result: ColdStartResult | undefined): TargetOutcome {
  const target = 'cold start: exactly 1 discovery + 1 JWKS request';
  if (!result) return notMeasured(target);
  const rounds = result.discoveryRequests.map(
    (discovery, round) => `${discovery}+${result.jwksRequests[round]}`,
  );
  const met = rounds.every((pair) => pair === '1+1');
  return { target, measured: `${rounds.join(', ')} (discovery+JWKS per round)`, met };
}

function memoryTarget(result: MemoryReport | undefined): TargetOutcome {
  const target = 'RSS growth after 1,000,000 distinct tokens: < 64 MiB';
  if (!result) return notMeasured(target);
  const growth = result.after.rss - result.baseline.rss;
  const scope =
    result.tokens === 1_000_000
      ? ''
      : ` (only ${result.tokens.toLocaleString('en-US')} tokens: not the target's run)`;
  return {
    target,
    measured: `${formatBytes(growth)}${scope}`,
    met: result.tokens >= 1_000_000 && growth < 64 * MIB,
  };
}

/** Every target of issue #18 (and the cold-start and memory targets of issue #8) with what this run measured. */
export function evaluateTargets(parts: {
  throughput?: ThroughputResult;
  http?: HttpResult;
  coldStart?: ColdStartResult;
  memory?: MemoryReport;
  tracing?: TracingResult;
}): TargetOutcome[] {
  return [
    ratioToLimitTarget(parts.throughput, 'RS256', 0.85),
    ratioToLimitTarget(parts.throughput, 'ES256', 0.92),
    aheadOfRivalsTarget(parts.throughput),
    cacheTaxTarget(parts.throughput, 'RS256'),
    cacheTaxTarget(parts.throughput, 'ES256'),
    repeatedTokenTarget(parts.throughput, 'RS256'),
    repeatedTokenTarget(parts.throughput, 'ES256'),
    httpTarget(parts.http, 'fastify', 'same', 0.9),
    httpTarget(parts.http, 'express', 'same', 0.9),
    httpPeerTarget(parts.http, 'fastify'),
    httpPeerTarget(parts.http, 'express'),
    ...tracingTargets(parts.tracing),
    coldStartTarget(parts.coldStart),
    memoryTarget(parts.memory),
  ];
}

import type { ColdStartResult } from '../cold-start/run-cold-start.js';
import type { Traffic } from '../http/load.js';
import type { HttpResult } from '../http/run-http.js';
import type { Framework } from '../http/server-config.js';
import type { Alg } from '../lib/fixture.js';
import { summarize } from '../lib/stats.js';
import type { MemoryReport } from '../memory/messages.js';
import { isTokenward, LIMIT, RIVALS, tokenwardOfCell } from '../throughput/contenders/index.js';
import type { CallMode } from '../throughput/measure.js';
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

/** The pairing of `contender` with `reference` for `alg` in `mode` (paired-lanes.ts), if the run made one. */
export function pairingOf(
  result: ThroughputResult | undefined,
  alg: Alg,
  reference: string,
  contender: string,
  mode: CallMode = 'serial',
): LanePairing | undefined {
  return result?.pairings.find(
    (pairing) =>
      pairing.alg === alg &&
      pairing.mode === mode &&
      pairing.reference === reference &&
      pairing.contender === contender,
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

/** The fastest contender in tokenward's cell other than tokenward (any configuration) and the limit. */
export function bestPeer(result: ThroughputResult, own: ThroughputRow): ThroughputRow {
  const { alg, workload, mode } = own.cell;
  return result.rows
    .filter(
      (row) =>
        row.cell.alg === alg &&
        row.cell.workload === workload &&
        row.cell.mode === mode &&
        !isTokenward(row.contender) &&
        row.contender !== LIMIT.name,
    )
    .reduce((top, row) => (row.opsPerSecond.median > top.opsPerSecond.median ? row : top));
}

/** tokenward's lead over one rival in one cell, and how the report shows it (with how it was measured). */
interface Lead {
  readonly lead: number;
  readonly shown: string;
}

/**
 * The cell's tokenward configuration against every rival in the cell. A repeated token, where the
 * leads are tenfold, is judged on the rounds' rates. Distinct tokens, where fast-jwt came within
 * 3% either way from run to run, are judged on the pairings' medians (paired-lanes.ts), with their
 * 95% interval; a cell without its pairing is not measured.
 */
function leadsOf(result: ThroughputResult, own: ThroughputRow): (Lead | undefined)[] {
  const { alg, workload, mode } = own.cell;
  const rivals = result.rows.filter(
    (row) =>
      row.cell.alg === alg &&
      row.cell.workload === workload &&
      row.cell.mode === mode &&
      RIVALS.includes(row.contender),
  );
  return rivals.map((rival) => {
    const where = `${alg} ${workload} ${mode} vs ${rival.contender}`;
    if (workload === 'same') {
      const lead = own.opsPerSecond.median / rival.opsPerSecond.median;
      return { lead, shown: `${formatRatio(lead)} (${where}; rounds' rates)` };
    }
    const pairing = pairingOf(result, alg, rival.contender, own.contender, mode);
    if (pairing === undefined) return undefined;
    const { value, low, high } = pairing.ratio;
    const interval = `${low.toFixed(3)}–${high.toFixed(3)}`;
    return { lead: value, shown: `${value.toFixed(3)}× (${where}; paired, 95% interval ${interval})` };
  });
}

export function aheadOfRivalsTarget(result: ThroughputResult | undefined): TargetOutcome {
  const target = 'ahead of fast-jwt and aws-jwt-verify in every in-process cell';
  if (!result) return notMeasured(target);
  const tokenwardRows = result.rows.filter((row) => row.contender === tokenwardOfCell(row.cell.workload));
  const cells = tokenwardRows.map((own) => leadsOf(result, own));
  const leads = cells.flat();
  if (leads.length === 0 || leads.some((lead) => lead === undefined)) return notMeasured(target);
  const measured = leads as Lead[];
  const ahead = cells.filter((cell) => cell.every((lead) => lead!.lead > 1)).length;
  const worst = measured.reduce((low, lead) => (lead.lead < low.lead ? lead : low));
  return {
    target,
    measured: `${ahead} of ${cells.length} cells; smallest lead ${worst.shown}`,
    met: ahead === cells.length,
  };
}

/**
 * A pairing's ratio as the rounds measured it: the contender's rate over the reference's in the
 * distinct-token cell of the pairing's call mode, per round, the median over the rounds.
 */
export function roundsRatioOf(result: ThroughputResult, pairing: LanePairing): number | undefined {
  const own = throughputRow(result, pairing.alg, 'distinct', pairing.mode, pairing.contender);
  const reference = throughputRow(result, pairing.alg, 'distinct', pairing.mode, pairing.reference);
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

import type { ChildProcess } from 'node:child_process';
import { exchange, forkModule, stopChild } from '../lib/child.js';
import type { BenchIssuer, TokenSet } from '../lib/fixture.js';
import type { BenchOptions } from '../lib/options.js';
import { rotate, type Summary, summarize } from '../lib/stats.js';
import { type GeneratorJob, type LoadGenerator, startLoadGenerator } from './generator.js';
import type { LoadSample, Traffic } from './load.js';
import { proveServer } from './proof.js';
import {
  CPU_QUESTION,
  type Framework,
  PEER_NAME,
  type ServerAuth,
  type ServerConfig,
  type ServerCpu,
  type ServerReady,
} from './server-config.js';

export interface HttpCell {
  readonly framework: Framework;
  readonly auth: ServerAuth;
  readonly traffic: Traffic;
}

export interface HttpRow {
  readonly cell: HttpCell;
  /** `no auth`, `tokenward` or the peer package's name. */
  readonly label: string;
  readonly requestsPerSecond: Summary;
  readonly p50: Summary;
  readonly p99: Summary;
  /**
   * The server process's CPU time per request (µs, user + system): what a request costs the
   * server, which the rate on a shared machine shows only through the noise of other processes.
   */
  readonly cpuPerRequest: Summary;
  /**
   * The load generator's CPU time per request (µs, its own process): beside the server's, it shows
   * which of the two ran out of CPU first on a 2-core machine.
   */
  readonly generatorCpuPerRequest: Summary;
  /** Requests per second over the same framework's no-auth rate with the same traffic, per round. */
  readonly ratioToBaseline: Summary;
}

export interface HttpResult {
  readonly rows: readonly HttpRow[];
  readonly proofs: readonly { server: string; checked: readonly string[] }[];
}

const FRAMEWORKS: readonly Framework[] = ['express', 'fastify'];
const AUTHS: readonly ServerAuth[] = ['none', 'tokenward', 'peer'];
const TRAFFICS: readonly Traffic[] = ['same', 'distinct'];

interface RunningServer {
  readonly child: ChildProcess;
  readonly port: number;
}

/** A cell's timed loads in one round, with the server's CPU time around them. */
interface CellSample extends LoadSample {
  readonly cpuMicroseconds: number;
  readonly cpuPerRequest: number;
  readonly generatorMicroseconds: number;
  readonly generatorCpuPerRequest: number;
}

function labelOf(framework: Framework, auth: ServerAuth): string {
  if (auth === 'none') return 'no auth';
  return auth === 'tokenward' ? 'tokenward' : PEER_NAME[framework];
}

function serverKey(framework: Framework, auth: ServerAuth): string {
  return `${framework}/${auth}`;
}

async function startServer(config: ServerConfig): Promise<RunningServer> {
  const child = forkModule(new URL('./server-child.js', import.meta.url));
  const ready = await exchange<ServerReady>(child, config);
  return { child, port: ready.port };
}

async function cpuOf(server: RunningServer): Promise<number> {
  return (await exchange<ServerCpu>(server.child, CPU_QUESTION)).cpuMicroseconds;
}

async function timedLoad(
  generator: LoadGenerator,
  server: RunningServer,
  job: GeneratorJob,
): Promise<CellSample> {
  const cpuBefore = await cpuOf(server);
  const { sample, cpuMicroseconds: generatorMicroseconds } = await generator.load(job);
  const cpuMicroseconds = (await cpuOf(server)) - cpuBefore;
  return {
    ...sample,
    cpuMicroseconds,
    cpuPerRequest: cpuMicroseconds / sample.requests,
    generatorMicroseconds,
    generatorCpuPerRequest: generatorMicroseconds / sample.requests,
  };
}

/** Two halves of one cell's load as one sample; both halves' responses are in the latter's log. */
function joined(first: CellSample, second: CellSample): CellSample {
  const requests = first.requests + second.requests;
  const seconds = first.seconds + second.seconds;
  const cpuMicroseconds = first.cpuMicroseconds + second.cpuMicroseconds;
  const generatorMicroseconds = first.generatorMicroseconds + second.generatorMicroseconds;
  return {
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    p50: second.p50,
    p99: second.p99,
    cpuMicroseconds,
    cpuPerRequest: cpuMicroseconds / requests,
    generatorMicroseconds,
    generatorCpuPerRequest: generatorMicroseconds / requests,
  };
}

/**
 * Each framework × auth runs in its own child process for the whole phase. A round takes one
 * framework × traffic group at a time: a short warm-up of each of its three servers (no auth,
 * tokenward, the peer), then each server's timed load in two halves, in the order A B C C B A. The
 * ratio to no auth thus compares loads seconds apart, not the machine's speed at two ends of the
 * round, and every server's halves sit symmetrically around the group's middle, so a machine that
 * speeds up or slows down steadily during the group bills all three alike. The order of the groups
 * and, within each group, of the servers is rotated per round, so each server takes its turn first.
 */
export async function runHttp(
  bench: BenchIssuer,
  set: TokenSet,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<HttpResult> {
  const target = bench.target('RS256');
  const servers = new Map<string, RunningServer>();
  const proofs: { server: string; checked: string[] }[] = [];
  const generator = await startLoadGenerator({
    same: set.same,
    distinct: set.distinct,
    connections: options.httpConnections,
  });
  try {
    for (const framework of FRAMEWORKS) {
      for (const auth of AUTHS) {
        const { issuer, audience, publicKeyPem } = target;
        const config: ServerConfig = { framework, auth, issuer, audience, publicKeyPem };
        const server = await startServer(config);
        servers.set(serverKey(framework, auth), server);
        const name = `${framework} + ${labelOf(framework, auth)}`;
        proofs.push({ server: name, checked: await proveServer(server.port, auth, set, name) });
      }
    }
    const cells = FRAMEWORKS.flatMap((framework) =>
      AUTHS.flatMap((auth) => TRAFFICS.map((traffic): HttpCell => ({ framework, auth, traffic }))),
    );
    const groups = FRAMEWORKS.flatMap((framework) =>
      TRAFFICS.map((traffic) =>
        cells.filter((cell) => cell.framework === framework && cell.traffic === traffic),
      ),
    );
    const samples = new Map<HttpCell, CellSample[]>(cells.map((cell) => [cell, []]));
    const serverOf = (cell: HttpCell) => servers.get(serverKey(cell.framework, cell.auth))!;
    const jobOf = (cell: HttpCell, seconds: number, latencies: GeneratorJob['latencies']): GeneratorJob => ({
      port: serverOf(cell).port,
      traffic: cell.traffic,
      seconds,
      cell: `${cell.framework} + ${labelOf(cell.framework, cell.auth)} (${cell.traffic})`,
      latencies,
    });
    for (let round = 0; round < options.httpRounds; round++) {
      const warmupSeconds = round === 0 ? Math.min(1, options.httpSeconds / 2) : options.httpSeconds / 10;
      for (const group of rotate(groups, round)) {
        const order = rotate(group, round);
        for (const cell of order) await generator.load(jobOf(cell, warmupSeconds, 'none'));
        const halves = new Map<HttpCell, CellSample[]>(order.map((cell) => [cell, []]));
        for (const cell of [...order, ...[...order].reverse()]) {
          const latencies = halves.get(cell)!.length === 0 ? 'fresh' : 'continue';
          const job = jobOf(cell, options.httpSeconds / 2, latencies);
          halves.get(cell)!.push(await timedLoad(generator, serverOf(cell), job));
        }
        for (const cell of order) {
          const [first, second] = halves.get(cell)!;
          samples.get(cell)!.push(joined(first!, second!));
        }
      }
      log(`  round ${round + 1}/${options.httpRounds} done`);
    }
    return { rows: cells.map((cell) => rowOf(cell, cells, samples)), proofs };
  } finally {
    await Promise.all([generator.stop(), ...[...servers.values()].map((server) => stopChild(server.child))]);
  }
}

function rowOf(cell: HttpCell, cells: readonly HttpCell[], samples: Map<HttpCell, CellSample[]>): HttpRow {
  const own = samples.get(cell)!;
  const baselineCell = cells.find(
    (other) => other.framework === cell.framework && other.auth === 'none' && other.traffic === cell.traffic,
  )!;
  const baseline = samples.get(baselineCell)!;
  return {
    cell,
    label: labelOf(cell.framework, cell.auth),
    requestsPerSecond: summarize(own.map((sample) => sample.requestsPerSecond)),
    p50: summarize(own.map((sample) => sample.p50)),
    p99: summarize(own.map((sample) => sample.p99)),
    cpuPerRequest: summarize(own.map((sample) => sample.cpuPerRequest)),
    generatorCpuPerRequest: summarize(own.map((sample) => sample.generatorCpuPerRequest)),
    ratioToBaseline: summarize(
      own.map((sample, round) => sample.requestsPerSecond / baseline[round]!.requestsPerSecond),
    ),
  };
}

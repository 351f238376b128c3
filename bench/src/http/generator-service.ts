/**
 * What the load generator's child process does with each job (generator.ts): the tokens' headers
 * made once, each cell's own walk through them and its latency log kept from one job to the next.
 */
import type { GeneratorJob, GeneratorReport, GeneratorSetup } from './generator.js';
import { bearerAuthorizations, LatencyLog, runLoad, TokenRotation } from './load.js';

export type LoadService = (job: GeneratorJob) => Promise<GeneratorReport>;

export function createLoadService(setup: GeneratorSetup): LoadService {
  // One copy of the headers, however many servers walk through them.
  const distinct = bearerAuthorizations(setup.distinct);
  const same = new TokenRotation(bearerAuthorizations([setup.same]));
  const rotations = new Map<string, TokenRotation>();
  const logs = new Map<string, LatencyLog>();

  const rotationOf = (job: GeneratorJob) => {
    if (job.traffic === 'same') return same;
    let rotation = rotations.get(job.cell);
    if (rotation === undefined) {
      rotation = new TokenRotation(distinct);
      rotations.set(job.cell, rotation);
    }
    return rotation;
  };
  const logOf = (job: GeneratorJob) => {
    if (job.latencies === 'none') return new LatencyLog();
    let log = logs.get(job.cell);
    if (log === undefined || job.latencies === 'fresh') {
      log = new LatencyLog();
      logs.set(job.cell, log);
    }
    return log;
  };

  return async (job) => {
    const plan = { port: job.port, rotation: rotationOf(job), connections: setup.connections };
    const before = process.cpuUsage();
    try {
      const sample = await runLoad(plan, job.seconds, job.cell, logOf(job));
      const spent = process.cpuUsage(before);
      return { ok: true, sample, cpuMicroseconds: spent.user + spent.system };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}

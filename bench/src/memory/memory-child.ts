/**
 * Child process entry (run with --expose-gc): verifies a stream of distinct tokens through one
 * tokenward verifier with its default caches and reports memory before and after.
 */
import { createInterface } from 'node:readline';
import { createAccessTokenVerifier } from '@tokenward/core';
import { answerOneJob, forkModule } from '../lib/child.js';
import { collectGarbage } from '../lib/stats.js';
import { startKeyServer } from './key-server.js';
import type { GeneratorJob, MemoryJob, MemoryReport, MemorySnapshot } from './messages.js';

const BATCH_SIZE = 64;
const WARMUP_TOKENS = 2_048;
const SAMPLE_EVERY = 16_384;

function snapshot(): MemorySnapshot {
  collectGarbage();
  collectGarbage();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

async function run(job: MemoryJob): Promise<MemoryReport> {
  const keyServer = await startKeyServer();
  const verifier = createAccessTokenVerifier({
    issuer: keyServer.issuer,
    audience: keyServer.audience,
    algorithms: ['ES256'],
  });
  const generator = forkModule(new URL('./token-generator.js', import.meta.url), [], 'pipe');
  generator.send({
    privateKey: keyServer.privateKey,
    kid: keyServer.kid,
    issuer: keyServer.issuer,
    audience: keyServer.audience,
    count: job.tokens,
  } satisfies GeneratorJob);
  const lines = createInterface({ input: generator.stdout!, crlfDelay: Number.POSITIVE_INFINITY });
  let verified = 0;
  let baseline: MemorySnapshot | undefined;
  let peakRss = 0;
  let start = 0;
  let batch: Promise<unknown>[] = [];
  for await (const token of lines) {
    batch.push(verifier.verify(token));
    if (batch.length < BATCH_SIZE) continue;
    await Promise.all(batch);
    verified += batch.length;
    batch = [];
    if (baseline === undefined && verified >= WARMUP_TOKENS) {
      baseline = snapshot();
      start = performance.now();
    }
    if (verified % SAMPLE_EVERY === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  await Promise.all(batch);
  verified += batch.length;
  const elapsedMs = performance.now() - start;
  await keyServer.close();
  if (verified !== job.tokens || baseline === undefined) {
    throw new Error(`memory: verified ${verified} of ${job.tokens} tokens`);
  }
  const after = snapshot();
  return {
    tokens: verified,
    alg: 'ES256',
    baseline,
    after,
    peakRss: Math.max(peakRss, after.rss),
    elapsedMs,
  };
}

answerOneJob(run);

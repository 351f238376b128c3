/**
 * Child process entry: a verifier with empty caches gets every token at once, as an API just
 * started would under load, and reports how long until all were answered.
 */
import { createAccessTokenVerifier } from '@tokenward/core';
import { answerOneJob } from '../lib/child.js';
import type { ColdStartJob, ColdStartReport } from './messages.js';

async function run(job: ColdStartJob): Promise<ColdStartReport> {
  const verifier = createAccessTokenVerifier({ issuer: job.issuer, audience: job.audience });
  const start = performance.now();
  const outcomes = await Promise.allSettled(job.tokens.map((token) => verifier.verify(token)));
  const elapsedMs = performance.now() - start;
  const refusal = outcomes.find((outcome) => outcome.status === 'rejected');
  const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
  if (refusal === undefined) return { elapsedMs, accepted };
  return { elapsedMs, accepted, firstError: String(refusal.reason) };
}

answerOneJob(run);

import { startIssuer } from '@tokenward/issuer';
import { exchange, forkModule, stopChild } from '../lib/child.js';
import type { BenchOptions } from '../lib/options.js';
import { type Summary, summarize } from '../lib/stats.js';
import type { ColdStartJob, ColdStartReport } from './messages.js';

export interface ColdStartResult {
  readonly concurrentRequests: number;
  /** Milliseconds until every first verification was answered. */
  readonly elapsedMs: Summary;
  /** Discovery requests the issuer saw, one entry per round. */
  readonly discoveryRequests: readonly number[];
  /** JWKS requests the issuer saw, one entry per round. */
  readonly jwksRequests: readonly number[];
  /** Every request the issuer saw, one entry per round. */
  readonly totalRequests: readonly number[];
}

/**
 * Each round: a fresh child process (empty caches, nothing loaded) verifies `coldStartRequests`
 * distinct tokens concurrently against an issuer nobody else talks to; the issuer's counters
 * say how many discovery and JWKS requests that took.
 */
export async function runColdStart(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<ColdStartResult> {
  const issuer = await startIssuer({ port: 0, servers: ['default'] });
  try {
    const server = issuer.server('default');
    const tokens: string[] = [];
    for (let index = 0; index < options.coldStartRequests; index++) {
      tokens.push(await server.mintAccessToken({ sub: `cold-${index}` }));
    }
    const job: ColdStartJob = { issuer: server.issuer, audience: server.audience, tokens };
    const elapsed: number[] = [];
    const discovery: number[] = [];
    const jwks: number[] = [];
    const total: number[] = [];
    for (let round = 0; round < options.httpRounds; round++) {
      issuer.resetCounts();
      const child = forkModule(new URL('./cold-start-child.js', import.meta.url));
      try {
        const report = await exchange<ColdStartReport>(child, job);
        if (report.firstError !== undefined) {
          throw new Error(
            `cold start: ${tokens.length - report.accepted} tokens refused: ${report.firstError}`,
          );
        }
        elapsed.push(report.elapsedMs);
      } finally {
        await stopChild(child);
      }
      discovery.push(issuer.requestCount({ server: 'default', endpoint: 'discovery' }));
      jwks.push(issuer.requestCount({ server: 'default', endpoint: 'jwks' }));
      total.push(issuer.requestCount());
    }
    log(`  discovery ${discovery.join('/')}, JWKS ${jwks.join('/')} requests per round`);
    return {
      concurrentRequests: tokens.length,
      elapsedMs: summarize(elapsed),
      discoveryRequests: discovery,
      jwksRequests: jwks,
      totalRequests: total,
    };
  } finally {
    await issuer.close();
  }
}

/**
 * A focused loop for `node --cpu-prof`: one tokenward verifier (Node entry, default options)
 * verifying RS256 tokens serially, nothing else running. `pnpm --filter @tokenward/bench profile
 * [distinct|same] [seconds]`; profile-summary.ts then lists self time under `verifyLoop`.
 */
import { type AccessTokenVerifier, createAccessTokenVerifier } from '@tokenward/core';
import { mintTokenSet, startBenchIssuer } from './lib/fixture.js';

/** As in the bench: ten times the default result cache, so every call verifies a signature. */
const DISTINCT_TOKENS = 100_000;

async function verifyLoop(
  verifier: AccessTokenVerifier,
  tokens: readonly string[],
  seconds: number,
): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let verified = 0;
  let index = 0;
  while (performance.now() < deadline) {
    for (let step = 0; step < 64; step++) {
      await verifier.verify(tokens[index]!);
      index = index + 1 === tokens.length ? 0 : index + 1;
    }
    verified += 64;
  }
  return verified;
}

async function main(): Promise<void> {
  const workload = process.argv[2] === 'same' ? 'same' : 'distinct';
  const seconds = Number(process.argv[3] ?? 8);
  const bench = await startBenchIssuer();
  try {
    const set = await mintTokenSet(bench, 'RS256', workload === 'same' ? 0 : DISTINCT_TOKENS);
    const target = bench.target('RS256');
    const verifier = createAccessTokenVerifier({ issuer: target.issuer, audience: target.audience });
    await verifier.verify(set.same);
    const tokens = workload === 'same' ? [set.same] : set.distinct;
    const verified = await verifyLoop(verifier, tokens, seconds);
    console.log(
      `${workload}: ${Math.round(verified / seconds).toLocaleString('en-US')} verifications/s under the profiler`,
    );
  } finally {
    await bench.close();
  }
}

await main();

/**
 * A CPU profile of one HTTP server of the bench under load: `pnpm --filter @tokenward/bench
 * profile:http [express|fastify] [tokenward|peer|none] [same|distinct] [seconds]`. The server runs
 * in its own child process under `node --cpu-prof`, the HTTP phase's load generator loads it from
 * this process, and profile-summary.ts then lists where the server's time went.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exchange, forkModule, stopChild } from '../lib/child.js';
import { mintTokenSet, startBenchIssuer } from '../lib/fixture.js';
import { bearerAuthorizations, runLoad, TokenRotation, type Traffic } from './load.js';
import { proveServer } from './proof.js';
import type { Framework, ServerAuth, ServerConfig, ServerReady } from './server-config.js';

/** Twice the default result cache: a cyclic walk through them never hits an LRU. */
const DISTINCT_TOKENS = 20_000;
const PROFILE_DIRECTORY = 'profiles';

function choice<Value extends string>(given: string | undefined, values: readonly Value[]): Value {
  const found = values.find((value) => value === given);
  if (given !== undefined && found === undefined) {
    throw new Error(`expected one of ${values.join(', ')}; found "${given}"`);
  }
  return found ?? values[0]!;
}

async function main(): Promise<void> {
  const framework = choice<Framework>(process.argv[2], ['fastify', 'express']);
  const auth = choice<ServerAuth>(process.argv[3], ['tokenward', 'peer', 'none']);
  const traffic = choice<Traffic>(process.argv[4], ['same', 'distinct']);
  const seconds = Number(process.argv[5] ?? 10);
  const bench = await startBenchIssuer();
  let window: string[] = [];
  mkdirSync(PROFILE_DIRECTORY, { recursive: true });
  const child = forkModule(new URL('./server-child.js', import.meta.url), [
    '--cpu-prof',
    '--cpu-prof-interval=100',
    `--cpu-prof-dir=${PROFILE_DIRECTORY}`,
  ]);
  try {
    const set = await mintTokenSet(bench, 'RS256', traffic === 'same' ? 0 : DISTINCT_TOKENS);
    const { issuer, audience, publicKeyPem } = bench.target('RS256');
    const config: ServerConfig = { framework, auth, issuer, audience, publicKeyPem };
    const { port } = await exchange<ServerReady>(child, config);
    const label = `${framework} + ${auth} (${traffic})`;
    await proveServer(port, auth, set, label);
    const rotation = new TokenRotation(bearerAuthorizations(traffic === 'same' ? [set.same] : set.distinct));
    // The profile's clock is the monotonic one, in microseconds: only the load is summarised.
    const loadStart = process.hrtime.bigint() / 1000n;
    const sample = await runLoad({ port, rotation, connections: 10 }, seconds, label);
    window = [`--window=${loadStart}:${process.hrtime.bigint() / 1000n}`, `--requests=${sample.requests}`];
    console.log(
      `${label}: ${sample.requests} requests, ${Math.round(sample.requestsPerSecond).toLocaleString('en-US')} req/s under the profiler`,
    );
  } finally {
    // The child writes its profile as it exits.
    await stopChild(child);
    await bench.close();
  }
  const summary = fileURLToPath(new URL('../profile-summary.js', import.meta.url));
  execFileSync(process.execPath, [summary, PROFILE_DIRECTORY, '--server', ...window], { stdio: 'inherit' });
}

await main();

/**
 * `pnpm --filter @tokenward/bench introspection`: what introspection costs once its answer is
 * cached, and how many calls reach the authorization server under load. One run, one machine:
 * the numbers are ratios within the run (a cache hit against a JWT result-cache hit and against
 * asking the server), and call counts from the reference issuer's own counter.
 *
 * Options: --hits N (default 200000), --seconds S of load (default 3), --tokens T (default 50),
 * --concurrency C (default 100).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createAccessTokenVerifier } from '@tokenward/core';
import { startIssuer } from '@tokenward/issuer';

const { values } = parseArgs({
  options: {
    hits: { type: 'string', default: '200000' },
    seconds: { type: 'string', default: '3' },
    tokens: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '100' },
  },
});
const HITS = Number(values.hits);
const SECONDS = Number(values.seconds);
const TOKENS = Number(values.tokens);
const CONCURRENCY = Number(values.concurrency);

const issuer = await startIssuer({ port: 0 });
const server = issuer.server('default');
const client = { clientId: 'test-client', clientSecret: 'test-secret' };
const calls = () => issuer.requestCount({ server: 'default', endpoint: 'introspect' });
const verifierWith = (maxCacheAge: number) =>
  createAccessTokenVerifier({
    issuer: server.issuer,
    audience: server.audience,
    introspection: { mode: 'fallback', ...client, maxCacheAge },
  });

/** Nanoseconds per call of `verify`, called `count` times one after another. */
async function nsPerCall(verify: () => Promise<unknown>, count: number): Promise<number> {
  for (let warm = 0; warm < Math.min(count, 2000); warm += 1) await verify();
  const started = performance.now();
  for (let call = 0; call < count; call += 1) await verify();
  return ((performance.now() - started) * 1e6) / count;
}

// 1. The cost of a cache hit, beside a JWT result-cache hit and a call that asks the server.
const cached = verifierWith(60);
const opaque = await server.mintAccessToken({ scp: ['orders:read'] }, { format: 'opaque', expiresIn: 3600 });
const jwt = await server.mintAccessToken({ scp: ['orders:read'] }, { expiresIn: 3600 });
const introspectionHit = await nsPerCall(() => cached.verify(opaque, { scopes: ['orders:read'] }), HITS);
const jwtHit = await nsPerCall(() => cached.verify(jwt, { scopes: ['orders:read'] }), HITS);
const uncached = verifierWith(0);
const asking = await nsPerCall(() => uncached.verify(opaque), Math.min(2000, HITS));

// 2. Calls under load: CONCURRENCY requests at a time, spread over TOKENS tokens, for SECONDS.
async function load(maxCacheAge: number): Promise<{ requests: number; calls: number }> {
  const verifier = verifierWith(maxCacheAge);
  const tokens = await Promise.all(
    Array.from({ length: TOKENS }, () => server.mintAccessToken({}, { format: 'opaque', expiresIn: 3600 })),
  );
  const before = calls();
  const until = performance.now() + SECONDS * 1000;
  let requests = 0;
  const worker = async (offset: number) => {
    for (let index = offset; performance.now() < until; index += CONCURRENCY) {
      await verifier.verify(tokens[index % TOKENS]!);
      requests += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, offset) => worker(offset)));
  return { requests, calls: calls() - before };
}
const withCache = await load(60);
const withoutCache = await load(0);
await issuer.close();

const round = (value: number) => Math.round(value);
console.log(`introspection bench (Node ${process.version}, one run; ratios are what to compare)`);
console.log('');
console.log('cost per verify, serial:');
console.log(`  introspection cache hit (opaque token)   ${round(introspectionHit)} ns`);
console.log(`  JWT result-cache hit                     ${round(jwtHit)} ns`);
console.log(`  introspection, asking the loopback issuer ${round(asking)} ns`);
console.log(
  `  a hit costs ${(introspectionHit / jwtHit).toFixed(1)}x a JWT hit and ${(asking / introspectionHit).toFixed(0)}x less than asking`,
);
console.log('');
console.log(`load: ${CONCURRENCY} concurrent, ${TOKENS} tokens, ${SECONDS} s:`);
console.log(`  maxCacheAge 60: ${withCache.requests} requests, ${withCache.calls} introspection calls`);
console.log(`  maxCacheAge 0:  ${withoutCache.requests} requests, ${withoutCache.calls} introspection calls`);

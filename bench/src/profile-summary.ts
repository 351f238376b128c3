/**
 * Reads the newest `.cpuprofile` in a directory and prints the functions with the most self time
 * among samples taken under `verifyLoop` (profile.ts), overall and inside packages/core. With
 * `--server` (an HTTP server's profile, http/profile-http.ts) it reads every sample but idle ones
 * and also sums self time by where the code lives: tokenward's packages, the framework, Node.
 * `--window=start:end` keeps the samples of one time span (profile-http.ts passes its load's),
 * `--requests=n` adds the time per request, `--top=n` lists n functions (15).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  /** Microseconds on the monotonic clock (`process.hrtime`), as the sample times. */
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const LOOP_FUNCTION = 'verifyLoop';
/** Where a sampled function lives, first match wins; the rest is Node and V8 (`(program)`, GC). */
const PLACES: readonly (readonly [string, RegExp])[] = [
  ['tokenward adapters', /packages\/(express|fastify)\//],
  ['tokenward core', /packages\/core\//],
  ['peer auth libraries', /node_modules\/(@fastify\/jwt|fast-jwt|express-oauth2-jwt-bearer|jose)\//],
  ['framework', /node_modules\/(express|fastify|find-my-way|router|avvio|light-my-request|@fastify)\//],
  ['other packages', /node_modules\//],
  ['garbage collection', /^\(garbage collector\)/],
];

function newestProfile(directory: string): string {
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(directory, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files[0] === undefined) throw new Error(`no .cpuprofile in ${directory}`);
  return files[0];
}

/** Ids of every node at or below a `verifyLoop` frame, or (`server`) of every node but idle time. */
function measuredNodes(profile: CpuProfile, server: boolean): Set<number> {
  if (server) {
    return new Set(
      profile.nodes.filter((node) => node.callFrame.functionName !== '(idle)').map((node) => node.id),
    );
  }
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inside = new Set<number>();
  const visit = (id: number) => {
    if (inside.has(id)) return;
    inside.add(id);
    for (const child of byId.get(id)?.children ?? []) visit(child);
  };
  for (const node of profile.nodes) if (node.callFrame.functionName === LOOP_FUNCTION) visit(node.id);
  return inside;
}

function describe(frame: CallFrame): string {
  const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/(packages|node_modules)\//, '$1/');
  return `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : '(native)'}`;
}

function placeOf(name: string): string {
  return PLACES.find(([, pattern]) => pattern.test(name))?.[0] ?? 'Node and V8';
}

/** `--name=value` from the command line. */
function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((argument) => argument.startsWith(prefix))?.slice(prefix.length);
}

function main(): void {
  const server = process.argv.includes('--server');
  // `--window=start:end` (monotonic µs): only samples of the load; `--requests=n`: µs per request too.
  const [from, to] = (flag('window') ?? '0:Infinity').split(':').map(Number) as [number, number];
  const requests = Number(flag('requests') ?? Number.NaN);
  const top = Number(flag('top') ?? 15);
  const directory = process.argv.slice(2).find((argument) => !argument.startsWith('--'));
  const path = newestProfile(directory ?? 'profiles');
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inside = measuredNodes(profile, server);
  const selfTime = new Map<string, number>();
  let loopTime = 0;
  let time = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    time += delta;
    if (!inside.has(id) || time < from || time > to) return;
    loopTime += delta;
    const key = describe(byId.get(id)!.callFrame);
    selfTime.set(key, (selfTime.get(key) ?? 0) + delta);
  });
  const ranked = [...selfTime.entries()].sort((a, b) => b[1] - a[1]);
  const perRequest = (spent: number) =>
    Number.isNaN(requests) ? '' : `${(spent / requests).toFixed(2).padStart(7)} µs/req `;
  const line = ([name, spent]: [string, number]) =>
    `  ${((spent / loopTime) * 100).toFixed(1).padStart(5)}% ${perRequest(spent)} ${name}`;
  const scope = server ? 'busy in the server' : `under ${LOOP_FUNCTION}`;
  console.log(`${path}: ${(loopTime / 1000).toFixed(0)} ms sampled ${scope} ${perRequest(loopTime)}`);
  if (server) {
    const places = new Map<string, number>();
    for (const [name, time] of ranked) places.set(placeOf(name), (places.get(placeOf(name)) ?? 0) + time);
    console.log('self time by place:');
    for (const entry of [...places.entries()].sort((a, b) => b[1] - a[1])) console.log(line(entry));
  }
  console.log('top self time, everything:');
  for (const entry of ranked.slice(0, top)) console.log(line(entry));
  console.log('top self time inside packages/core:');
  for (const entry of ranked.filter(([name]) => name.includes('packages/core/')).slice(0, top))
    console.log(line(entry));
}

main();

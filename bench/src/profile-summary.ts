/**
 * Reads the newest `.cpuprofile` in a directory and prints the functions with the most self time
 * among samples taken under `verifyLoop` (profile.ts), overall and inside packages/core.
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
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const LOOP_FUNCTION = 'verifyLoop';
const TOP = 15;

function newestProfile(directory: string): string {
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(directory, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files[0] === undefined) throw new Error(`no .cpuprofile in ${directory}`);
  return files[0];
}

/** Ids of every node at or below a `verifyLoop` frame. */
function loopSubtree(profile: CpuProfile): Set<number> {
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

function main(): void {
  const path = newestProfile(process.argv[2] ?? 'profiles');
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inside = loopSubtree(profile);
  const selfTime = new Map<string, number>();
  let loopTime = 0;
  profile.samples.forEach((id, index) => {
    if (!inside.has(id)) return;
    const delta = profile.timeDeltas[index] ?? 0;
    loopTime += delta;
    const key = describe(byId.get(id)!.callFrame);
    selfTime.set(key, (selfTime.get(key) ?? 0) + delta);
  });
  const ranked = [...selfTime.entries()].sort((a, b) => b[1] - a[1]);
  const line = ([name, time]: [string, number]) =>
    `  ${((time / loopTime) * 100).toFixed(1).padStart(5)}%  ${name}`;
  console.log(`${path}: ${(loopTime / 1000).toFixed(0)} ms sampled under ${LOOP_FUNCTION}`);
  console.log('top self time, everything:');
  for (const entry of ranked.slice(0, TOP)) console.log(line(entry));
  console.log('top self time inside packages/core:');
  for (const entry of ranked.filter(([name]) => name.includes('packages/core/')).slice(0, TOP))
    console.log(line(entry));
}

main();

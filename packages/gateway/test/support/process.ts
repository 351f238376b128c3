/**
 * The real `tokenward-gateway` (and `tokenward gateway`) processes for tests: built when their
 * output is older than the sources, spawned as users run them, read line by line.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const GATEWAY_BIN = join(REPO, 'packages/gateway/dist/bin.js');
export const CLI_BIN = join(REPO, 'packages/cli/dist/bin.js');

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function isStale(name: string, output: string): boolean {
  const built = join(REPO, 'packages', name, output);
  return !existsSync(built) || statSync(built).mtimeMs < newestSource(join(REPO, 'packages', name, 'src'));
}

/** Builds `@tokenward/cli` and everything it depends on (the gateway and core among them) when stale. */
export function ensureBuilt(): void {
  const outputs = [
    ['cli', 'dist/bin.js'],
    ['gateway', 'dist/bin.js'],
    ['core', 'dist/node.js'],
    ['issuer', 'dist/index.js'],
    ['express', 'dist/index.js'],
    ['fastify', 'dist/index.js'],
  ] as const;
  if (!outputs.some(([name, output]) => isStale(name, output))) return;
  try {
    execFileSync('pnpm', ['--filter', '@tokenward/cli...', 'build'], { cwd: REPO, stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`building failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`);
  }
}

/** A running process whose output is collected, with a way to wait for a line. */
export interface RunningProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout or stderr line matching `pattern` (rejects if the process ends first). */
  line(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<string>;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

/** Runs `node args…` from the repository's root, with `env` added to this process's environment. */
export function spawnProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): RunningProcess {
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: 'pipe', env: { ...process.env, ...env } });
  const output = { stdout: '', stderr: '' };
  const waiters: { pattern: RegExp; stream: 'stdout' | 'stderr'; resolve: (line: string) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const found = output[waiter.stream].split('\n').find((line) => waiter.pattern.test(line));
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8').on('data', (chunk: string) => {
      output[stream] += chunk;
      check();
    });
  }
  const exited = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    exited,
    line(pattern, stream = 'stdout') {
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, stream, resolve });
        check();
        void exited.then(() =>
          reject(
            new Error(`the process ended before printing ${pattern}:\n${output.stdout}${output.stderr}`),
          ),
        );
      });
    },
  };
}

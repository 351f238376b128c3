/**
 * The real `tokenward` binary for tests: built once when its output is older than the sources
 * of the CLI or of a workspace package it depends on (so the tests also pass when run alone),
 * then spawned as users run it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = join(REPO, 'packages/cli/dist/bin.js');

/** Each package the CLI runs, with the build output that must be newer than its sources. */
const BUILT_PACKAGES: ReadonlyArray<readonly [string, string]> = [
  ['cli', 'dist/bin.js'],
  ['core', 'dist/node.js'],
  ['express', 'dist/index.js'],
  ['fastify', 'dist/index.js'],
  ['gateway', 'dist/index.js'],
  ['issuer', 'dist/index.js'],
];

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function isStale([name, output]: readonly [string, string]): boolean {
  const built = join(REPO, 'packages', name, output);
  return !existsSync(built) || statSync(built).mtimeMs < newestSource(join(REPO, 'packages', name, 'src'));
}

/** Builds the CLI and its workspace dependencies when any output is missing or stale. */
export function ensureBuilt(): void {
  if (!BUILT_PACKAGES.some(isStale)) return;
  try {
    execFileSync('pnpm', ['--filter', '@tokenward/cli...', 'build'], { cwd: REPO, stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`building the CLI failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`);
  }
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Written to stdin, which is then closed. */
  readonly input?: string;
  /** Added to the environment (NO_COLOR and FORCE_COLOR are removed first). */
  readonly env?: Record<string, string>;
}

/** Runs `node packages/cli/dist/bin.js ...args` and collects its output and exit code. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return runProcess(process.execPath, [BIN, ...args], options);
}

/** Runs any command with the test environment; asynchronous so in-process servers keep answering. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliRun> {
  const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, ...inherited } = process.env;
  const child = spawn(command, args, { cwd: REPO, env: { ...inherited, ...options.env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(options.input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runtime processes of the matrix: a free loopback port, a process started on it with only the
 * environment it is given, and its end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';

export interface RunningProcess {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** The path of `bin` inside the installed package `pkg` (the runtimes' real binaries). */
export const binary = (pkg: string, bin: string) =>
  join(dirname(require.resolve(`${pkg}/package.json`)), bin);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the port accepts connections; rejects when the process exits first or after 30 s. */
async function listening(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (!exited && Date.now() < deadline) {
    const socket = connect(port, '127.0.0.1');
    // `once` rejects when the socket emits 'error' (nothing listening yet).
    const result = await once(socket, 'connect').then(
      () => true,
      () => false,
    );
    socket.destroy();
    if (result) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`runtime did not listen on ${port}: ${output()}`);
}

/** Starts `command` and resolves once it listens on `port`; its output is quoted if it never does. */
export async function startProcess(
  command: string,
  args: readonly string[],
  port: number,
  env: Record<string, string> = {},
): Promise<RunningProcess> {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    await listening(child, port, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

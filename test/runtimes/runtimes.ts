/**
 * Starts each runtime of the matrix once, serving the matrix API on a free loopback port: the
 * entries are bundled from source (as a deployment would bundle them) and run by the real
 * binaries the `workerd`, `deno`, `bun` and `edge-runtime` packages install.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { serveFetch } from '../conformance/serve-fetch.js';
import { type MatrixConfig, matrixRoutes } from './matrix-routes.js';
import worker from './recipes/cloudflare-worker.js';

export const RUNTIMES = ['node', 'workerd', 'deno', 'bun', 'edge-runtime'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

export interface RunningRuntime {
  readonly name: RuntimeName;
  readonly url: string;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** Export conditions of an edge bundle: tokenward's source, then what edge platforms resolve. */
const CONDITIONS = ['tokenward-source', 'worker', 'browser', 'import', 'default'];

/** The bundle of one entry: one ES module, or a classic script (edge-runtime evaluates scripts). */
async function bundle(
  directory: string,
  entry: string,
  format: 'es' | 'iife',
  define: Record<string, string> = {},
): Promise<string> {
  const fileName = `${entry}.${format === 'es' ? 'mjs' : 'js'}`;
  await build({
    configFile: false,
    logLevel: 'warn',
    define,
    resolve: { conditions: CONDITIONS },
    build: {
      lib: {
        entry: join(here, 'entries', `${entry}.ts`),
        formats: [format],
        name: 'matrix',
        fileName: () => fileName,
      },
      outDir: directory,
      emptyOutDir: false,
      minify: false,
      target: 'es2022',
      copyPublicDir: false,
    },
  });
  return join(directory, fileName);
}

function freePort(): Promise<number> {
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

async function startProcess(
  name: RuntimeName,
  command: string,
  args: readonly string[],
  port: number,
  env: Record<string, string> = {},
): Promise<RunningRuntime> {
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
    name,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

const binary = (pkg: string, bin: string) => join(dirname(require.resolve(`${pkg}/package.json`)), bin);

function workerdConfig(port: number, env: Record<string, string>): string {
  const bindings = Object.entries(env)
    .map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`)
    .join(', ');
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "api", worker = .api),
    # The reference issuer listens on loopback, which workerd's default outbound refuses.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "api")],
);
const api :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "workerd.mjs")],
  compatibilityDate = "2026-11-01",
  bindings = [${bindings}],
);
`;
}

/**
 * Starts every runtime, each with `config`, its own `cold` server (so its fetches can be counted
 * apart) and its own origin; the caller closes them.
 */
export async function startRuntimes(
  config: Omit<MatrixConfig, 'cold' | 'origin'>,
  coldFor: (name: RuntimeName) => MatrixConfig['cold'],
): Promise<{ runtimes: RunningRuntime[]; close(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'tokenward-runtimes-'));
  const ports = Object.fromEntries(
    await Promise.all(RUNTIMES.map(async (name) => [name, await freePort()] as const)),
  ) as Record<RuntimeName, number>;
  const environment = (name: RuntimeName) => ({
    ISSUER: config.main.issuer,
    AUDIENCE: config.main.audience,
    MATRIX: JSON.stringify({ ...config, cold: coldFor(name), origin: `http://127.0.0.1:${ports[name]}` }),
  });
  const edge = environment('edge-runtime');
  const [, denoBundle, bunBundle, edgeBundle] = await Promise.all([
    bundle(directory, 'workerd', 'es'),
    bundle(directory, 'deno', 'es'),
    bundle(directory, 'bun', 'es'),
    bundle(directory, 'edge-runtime', 'iife', {
      'process.env.ISSUER': JSON.stringify(edge.ISSUER),
      'process.env.AUDIENCE': JSON.stringify(edge.AUDIENCE),
      'process.env.MATRIX': JSON.stringify(edge.MATRIX),
    }),
  ]);
  // The Workers recipe starts from a snapshot binding.
  const workerEnv = (name: RuntimeName) => ({ ...environment(name), KEY_SNAPSHOT: config.mainSnapshot });
  const nodeEnv = workerEnv('node');
  const nodeApi = await serveFetch(
    matrixRoutes(JSON.parse(nodeEnv.MATRIX) as MatrixConfig, (request) => worker.fetch(request, nodeEnv)),
    ports.node,
  );
  const node: RunningRuntime = { name: 'node', url: nodeApi.url, close: () => nodeApi.close() };
  const { workerd: workerdPort, deno: denoPort, bun: bunPort, 'edge-runtime': edgePort } = ports;
  await writeFile(join(directory, 'workerd.capnp'), workerdConfig(workerdPort, workerEnv('workerd')));
  const deno = environment('deno');
  const started = await Promise.allSettled([
    startProcess(
      'workerd',
      binary('workerd', 'bin/workerd'),
      ['serve', join(directory, 'workerd.capnp')],
      workerdPort,
    ),
    startProcess(
      'deno',
      binary('deno-runtime', 'deno'),
      ['serve', '--allow-net', '--allow-env', '--host', '127.0.0.1', '--port', String(denoPort), denoBundle],
      denoPort,
      { ...deno, DENO_NO_UPDATE_CHECK: '1' },
    ),
    startProcess('bun', binary('bun-runtime', 'bin/bun.exe'), ['run', bunBundle], bunPort, {
      ...environment('bun'),
      NODE_ENV: 'production',
      PORT: String(bunPort),
      HOST: '127.0.0.1',
    }),
    startProcess(
      'edge-runtime',
      process.execPath,
      [binary('edge-runtime', 'dist/cli/index.js'), '--listen', '--port', String(edgePort), edgeBundle],
      edgePort,
    ),
  ]);
  const runtimes = [
    node,
    ...started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])),
  ];
  const close = async () => {
    await Promise.all(runtimes.map((runtime) => runtime.close()));
    await rm(directory, { recursive: true, force: true });
  };
  const failed = started.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failed.length > 0) {
    await close();
    throw new AggregateError(failed, `a runtime did not start: ${failed.map(String).join('; ')}`);
  }
  return { runtimes, close };
}

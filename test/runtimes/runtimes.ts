/**
 * Starts each runtime of the matrix once, serving the matrix API on a free loopback port: the
 * Workers and edge-runtime entries are bundled from source (as a deployment would bundle them),
 * Deno's and Bun's run as their recipes say (`deno serve`, `bun run`: each runtime resolving
 * packages by its own export conditions), by the real binaries the `workerd`, `deno`, `bun` and
 * `edge-runtime` packages install.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveFetch } from '../conformance/serve-fetch.js';
import { bundle } from './bundle.js';
import { type MatrixConfig, matrixRoutes } from './matrix-routes.js';
import { binary, freePort, type RunningProcess, startProcess } from './processes.js';
import worker, { type KeyValueNamespace } from './recipes/cloudflare-worker.js';
import { SNAPSHOT_KEY, startWorkerd } from './workerd.js';

const entry = (name: string) => join(dirname(fileURLToPath(import.meta.url)), 'entries', name);
/**
 * Deno and Bun add this to their own conditions, so that the workspace's packages resolve to
 * their source; Deno also needs sloppy imports there, the source naming its `.ts` files `.js`.
 */
const SOURCE = ['--conditions', 'tokenward-source'];
const DENO_SOURCE = [...SOURCE, '--unstable-sloppy-imports'];

export const RUNTIMES = ['node', 'workerd', 'deno', 'bun', 'edge-runtime'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

export interface RunningRuntime extends RunningProcess {
  readonly name: RuntimeName;
}

/**
 * Node's stand-ins for what Workers give the Workers recipe beside its text bindings: a KV
 * namespace in memory holding `snapshot` under the recipe's key, and a context whose `waitUntil`
 * lets the promise run on.
 */
function nodeWorkerBindings(snapshot: string) {
  const values = new Map([[SNAPSHOT_KEY, snapshot]]);
  const keys: KeyValueNamespace = {
    get: async (key) => (values.has(key) ? JSON.parse(values.get(key)!) : null),
    put: async (key, value) => {
      values.set(key, value);
    },
  };
  return { keys, context: { waitUntil: (promise: Promise<unknown>) => void promise.catch(() => undefined) } };
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
  const [workerdBundle, edgeBundle] = await Promise.all([
    bundle(directory, 'entries/workerd.ts', 'es'),
    bundle(directory, 'entries/edge-runtime.ts', 'iife', {
      'process.env.ISSUER': JSON.stringify(edge.ISSUER),
      'process.env.AUDIENCE': JSON.stringify(edge.AUDIENCE),
      'process.env.MATRIX': JSON.stringify(edge.MATRIX),
    }),
  ]);
  // The Workers recipe starts from the snapshot its KV namespace holds.
  const nodeEnv = environment('node');
  const { keys, context } = nodeWorkerBindings(config.mainSnapshot);
  const nodeApi = await serveFetch(
    matrixRoutes(JSON.parse(nodeEnv.MATRIX) as MatrixConfig, (request) =>
      worker.fetch(request, { ...nodeEnv, KEYS: keys }, context),
    ),
    ports.node,
  );
  const node: RunningRuntime = { name: 'node', url: nodeApi.url, close: () => nodeApi.close() };
  const { workerd: workerdPort, deno: denoPort, bun: bunPort, 'edge-runtime': edgePort } = ports;
  const kv = join(directory, 'kv');
  await mkdir(kv);
  await writeFile(join(kv, SNAPSHOT_KEY), config.mainSnapshot);
  const deno = environment('deno');
  const started = await Promise.allSettled([
    startWorkerd({ worker: workerdBundle, bindings: environment('workerd'), kv, port: workerdPort }),
    startProcess(
      binary('deno-runtime', 'deno'),
      [
        'serve',
        '--allow-net',
        '--allow-env',
        ...DENO_SOURCE,
        '--host',
        '127.0.0.1',
        '--port',
        String(denoPort),
        entry('deno.ts'),
      ],
      denoPort,
      { ...deno, DENO_NO_UPDATE_CHECK: '1' },
    ),
    startProcess(binary('bun-runtime', 'bin/bun.exe'), ['run', ...SOURCE, entry('bun.ts')], bunPort, {
      ...environment('bun'),
      NODE_ENV: 'production',
      PORT: String(bunPort),
      HOST: '127.0.0.1',
    }),
    startProcess(
      process.execPath,
      [binary('edge-runtime', 'dist/cli/index.js'), '--listen', '--port', String(edgePort), edgeBundle],
      edgePort,
    ),
  ]);
  const names = ['workerd', 'deno', 'bun', 'edge-runtime'] as const;
  const runtimes: RunningRuntime[] = [
    node,
    ...started.flatMap((result, index) =>
      result.status === 'fulfilled' ? [{ ...result.value, name: names[index]! }] : [],
    ),
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

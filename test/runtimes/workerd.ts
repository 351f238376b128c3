/**
 * workerd, as the matrix runs it: one module worker with text bindings and a KV namespace
 * binding `KEYS`, which workerd's own KV client turns into requests to a writable `disk` service
 * (one file per key in `kv`), so that a second process on the same directory sees what the first
 * one wrote.
 */
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { binary, freePort, type RunningProcess, startProcess } from './processes.js';

/**
 * The KV key under which the Workers recipe keeps its snapshot (the recipe cannot export it: a
 * module worker's named exports must be handlers, or workerd refuses the worker).
 */
export const SNAPSHOT_KEY = 'tokenward-keys';

export interface WorkerdOptions {
  /** The bundled module worker. */
  readonly worker: string;
  /** Text bindings. */
  readonly bindings: Record<string, string>;
  /** The directory behind the `KEYS` KV namespace. */
  readonly kv: string;
  /** Default: a free port. */
  readonly port?: number;
}

function config(port: number, { worker, bindings, kv }: WorkerdOptions): string {
  const text = Object.entries(bindings).map(
    ([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`,
  );
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "api", worker = .api),
    (name = "keys", disk = (path = ${JSON.stringify(kv)}, writable = true)),
    # The reference issuer listens on loopback, which workerd's default outbound refuses.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "api")],
);
const api :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed ${JSON.stringify(basename(worker))})],
  compatibilityDate = "2026-11-01",
  bindings = [${[...text, '(name = "KEYS", kvNamespace = "keys")'].join(', ')}],
);
`;
}

/** Starts workerd serving `options.worker`; its configuration is written beside the bundle. */
export async function startWorkerd(options: WorkerdOptions): Promise<RunningProcess> {
  const port = options.port ?? (await freePort());
  const file = join(dirname(options.worker), `workerd-${port}.capnp`);
  await writeFile(file, config(port, options));
  return startProcess(binary('workerd', 'bin/workerd'), ['serve', file], port);
}

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

/** Where and with what a run was measured. */
export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemoryBytes: number;
  /** 1-, 5- and 15-minute load averages when the run started and when it ended. */
  readonly loadAtStart: readonly number[];
  loadAtEnd: readonly number[];
  /** Installed version of every package measured. */
  readonly packages: Readonly<Record<string, string>>;
}

const MEASURED_PACKAGES = [
  '@tokenward/core',
  '@tokenward/express',
  '@tokenward/fastify',
  '@tokenward/issuer',
  '@fastify/jwt',
  '@okta/jwt-verifier',
  'autocannon',
  'aws-jwt-verify',
  'express',
  'express-oauth2-jwt-bearer',
  'fast-jwt',
  'fastify',
  'jose',
  'jsonwebtoken',
];

const require = createRequire(import.meta.url);

interface Manifest {
  readonly name?: string;
  readonly version: string;
}

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** The version in the package's manifest, found above its entry when `exports` hides package.json. */
function installedVersion(name: string): string {
  try {
    return readManifest(require.resolve(`${name}/package.json`)).version;
  } catch {
    for (
      let directory = dirname(require.resolve(name));
      directory !== dirname(directory);
      directory = dirname(directory)
    ) {
      const path = join(directory, 'package.json');
      if (existsSync(path) && readManifest(path).name === name) return readManifest(path).version;
    }
    throw new Error(`no package.json found for ${name}`);
  }
}

function roundedLoad(): number[] {
  return loadavg().map((load) => Math.round(load * 100) / 100);
}

/** Reads the machine, the runtime and the installed package versions. */
export function describeEnvironment(): Environment {
  const packages: Record<string, string> = {};
  for (const name of MEASURED_PACKAGES) packages[name] = installedVersion(name);
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    totalMemoryBytes: totalmem(),
    loadAtStart: roundedLoad(),
    loadAtEnd: [],
    packages,
  };
}

/** Records the load average at the end of the run. */
export function finishEnvironment(environment: Environment): void {
  environment.loadAtEnd = roundedLoad();
}

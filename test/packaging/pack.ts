/**
 * Packs every published package the way `pnpm publish` would (`pnpm pack`: workspace and catalog
 * specifiers replaced by real ranges, only the `files` a user gets), for the packaging tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
/** Folder name of a published package under `packages/`. */
export type PackageName = string;

/** Every package under `packages/` that is published (not private): a new one is checked too. */
export const packages: readonly PackageName[] = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
  .filter(
    (name) =>
      (
        JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as {
          private?: boolean;
        }
      ).private !== true,
  )
  .sort();

export interface Manifest {
  name: string;
  private?: boolean;
  main?: string;
  types?: string;
  files?: string[];
  exports: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  license?: string;
}

export const packageDir = (name: PackageName): string => join(root, 'packages', name);

export const manifestOf = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** `pnpm test` builds first; a run of the packaging tests alone builds what is missing. */
export function buildIfMissing(): void {
  if (packages.some((name) => !existsSync(join(packageDir(name), 'dist')))) {
    execFileSync('pnpm', ['build'], { cwd: root, stdio: 'pipe' });
  }
}

export interface Packed {
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Entries of the tarball, as `./path` relative to the package root. */
  files: Set<string>;
  /** The package.json inside the tarball. */
  manifest: Manifest;
  /** Reads one packed file as text. */
  read(path: string): string;
}

/** Packs one package into `destination` and describes the tarball. */
export function pack(name: PackageName, destination: string): Packed {
  const output = execFileSync('pnpm', ['pack', '--pack-destination', destination, '--json'], {
    cwd: packageDir(name),
    encoding: 'utf8',
  });
  const tarball = (JSON.parse(output) as { filename: string }).filename;
  const read = (path: string): string =>
    execFileSync('tar', ['-xzOf', tarball, `package/${path.replace(/^\.\//, '')}`], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
  const files = new Set(
    execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((entry) => entry.replace(/^package\//, './')),
  );
  return { tarball, files, manifest: JSON.parse(read('package.json')) as Manifest, read };
}

/** Builds if needed, then packs every package into a fresh temporary directory. */
export function packAll(): { directory: string; packed: (name: PackageName) => Packed } {
  buildIfMissing();
  const directory = mkdtempSync(join(tmpdir(), 'tokenward-pack-'));
  const tarballs = new Map(packages.map((name) => [name, pack(name, directory)]));
  const packed = (name: PackageName): Packed => {
    const found = tarballs.get(name);
    if (found === undefined) throw new Error(`@tokenward/${name} was not packed`);
    return found;
  };
  return { directory, packed };
}

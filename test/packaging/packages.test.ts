/**
 * The packages as users get them (STYLE.md "Tests"): publint-clean exports, and packed tarballs
 * that carry every file their `exports` and `bin` name, with workspace and catalog specifiers
 * replaced by real version ranges.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const packages = ['core', 'express', 'fastify', 'issuer', 'cli'] as const;

interface Manifest {
  name: string;
  exports: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** Every file an `exports` map can resolve to, for consumers (the repo-only source condition aside). */
function exportTargets(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([condition, target]) =>
    condition === 'tokenward-source' ? [] : exportTargets(target),
  );
}

/** A few names each entry must export (the public contract in DESIGN.md). */
const expectedExports: Record<(typeof packages)[number], readonly string[]> = {
  core: ['createAccessTokenVerifier', 'createIdTokenVerifier', 'parseIssuer', 'TokenwardError'],
  express: ['requireAuth', 'requireScopes', 'optionalAuth', 'authErrorHandler'],
  fastify: ['default'],
  issuer: ['startIssuer', 'runIssuerCli'],
  cli: ['main'],
};

let packDir: string;

beforeAll(() => {
  // `pnpm test` builds first; a run of this project alone builds what is missing.
  if (packages.some((name) => !existsSync(join(root, 'packages', name, 'dist')))) {
    execFileSync('pnpm', ['build'], { cwd: root, stdio: 'pipe' });
  }
  packDir = mkdtempSync(join(tmpdir(), 'tokenward-pack-'));
}, 120_000);

afterAll(() => rmSync(packDir, { recursive: true, force: true }));

describe.each(packages)('@tokenward/%s as published', (name) => {
  const dir = join(root, 'packages', name);

  it('has publint-clean package.json exports (strict)', async () => {
    const manifest = manifestOf(dir);
    const { messages } = await publint({ pkgDir: dir, strict: true });
    expect(messages.map((message) => formatMessage(message, manifest))).toEqual([]);
  });

  it('packs every exported and bin file, with real version ranges for its dependencies', () => {
    const output = execFileSync('pnpm', ['pack', '--pack-destination', packDir, '--json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    const tarball = (JSON.parse(output) as { filename: string }).filename;
    const files = new Set(
      execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.replace(/^package\//, './')),
    );
    const packed = JSON.parse(
      execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
    ) as Manifest;
    const targets = [...exportTargets(packed.exports), ...Object.values(packed.bin ?? {})];
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !files.has(target.startsWith('./') ? target : `./${target}`))).toEqual(
      [],
    );
    const ranges = Object.values({ ...packed.dependencies, ...packed.peerDependencies });
    expect(ranges.filter((range) => /^(workspace|catalog):/.test(range))).toEqual([]);
  });

  it('loads with require() from CommonJS (require of ESM, Node >= 20.19)', () => {
    const script = `const m = require('@tokenward/${name}'); process.stdout.write(JSON.stringify(Object.keys(m)));`;
    const names = JSON.parse(
      execFileSync(process.execPath, ['-e', script], { cwd: join(root, 'test'), encoding: 'utf8' }),
    );
    expect(names).toEqual(expect.arrayContaining([...expectedExports[name]]));
  });
});

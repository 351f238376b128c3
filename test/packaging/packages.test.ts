/**
 * The packages as users get them: publint-clean exports, and packed tarballs that carry every
 * file their `exports`, `main`, `types` and `bin` name, the license and the changelog, with
 * workspace and catalog specifiers replaced by real version ranges and the metadata a registry
 * page links from (repository, homepage, issues).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestOf, type PackageName, type Packed, packAll, packageDir, packages, root } from './pack.js';

const REPOSITORY = 'https://github.com/tokenward/tokenward';

/** Every file an `exports` map can resolve to, for consumers (the repo-only source condition aside). */
function exportTargets(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([condition, target]) =>
    condition === 'tokenward-source' ? [] : exportTargets(target),
  );
}

/** A few names an entry must export (the public contract); other packages must export something. */
const expectedExports: Partial<Record<PackageName, readonly string[]>> = {
  core: ['createAccessTokenVerifier', 'createIdTokenVerifier', 'parseIssuer', 'TokenwardError'],
  express: ['requireAuth', 'requireScopes', 'optionalAuth', 'authErrorHandler'],
  fastify: ['default'],
  hono: ['requireAuth', 'optionalAuth', 'requireScopes', 'requireClaims'],
  issuer: ['startIssuer', 'runIssuerCli'],
  cli: ['main'],
  gateway: ['startGateway', 'runGatewayCli', 'GatewayStartError', 'PolicyError'],
  otel: ['instrumentTokenward', 'ATTRIBUTES', 'METRICS', 'SPANS'],
  redis: ['createRedisStore'],
};

let packDir: string;
let packed: (name: PackageName) => Packed;

beforeAll(() => {
  ({ directory: packDir, packed } = packAll());
}, 120_000);

afterAll(() => rmSync(packDir, { recursive: true, force: true }));

describe.each(packages)('@tokenward/%s as published', (name) => {
  const dir = packageDir(name);

  it('has publint-clean package.json exports (strict)', async () => {
    const manifest = manifestOf(dir);
    const { messages } = await publint({ pkgDir: dir, strict: true });
    expect(messages.map((message) => formatMessage(message, manifest))).toEqual([]);
  });

  it('packs every exported, main, types and bin file, with real version ranges for its dependencies', () => {
    const { files, manifest } = packed(name);
    const targets = [
      ...exportTargets(manifest.exports),
      ...Object.values(manifest.bin ?? {}),
      manifest.main ?? '',
      manifest.types ?? '',
    ].filter(Boolean);
    expect(targets.length).toBeGreaterThan(2);
    expect(targets.filter((target) => !files.has(target.startsWith('./') ? target : `./${target}`))).toEqual(
      [],
    );
    const ranges = Object.values({ ...manifest.dependencies, ...manifest.peerDependencies });
    expect(ranges.filter((range) => /^(workspace|catalog):/.test(range))).toEqual([]);
  });

  it("packs the repository's Apache-2.0 LICENSE and the package's CHANGELOG.md", () => {
    const { read, manifest } = packed(name);
    expect(manifest.license).toBe('Apache-2.0');
    expect(read('LICENSE')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    expect(read('LICENSE')).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(read('CHANGELOG.md')).toMatch(new RegExp(`^# @tokenward/${name}\\n`));
  });

  it('names its repository folder, homepage and issue tracker', () => {
    const { manifest } = packed(name);
    expect(manifest.repository).toEqual({
      type: 'git',
      url: `git+${REPOSITORY}.git`,
      directory: `packages/${name}`,
    });
    expect(manifest.homepage).toBe(`${REPOSITORY}/tree/main/packages/${name}#readme`);
    expect(manifest.bugs).toEqual({ url: `${REPOSITORY}/issues` });
  });

  it('loads with require() from CommonJS (require of ESM, Node >= 20.19)', () => {
    const script = `const m = require('@tokenward/${name}'); process.stdout.write(JSON.stringify(Object.keys(m)));`;
    const names = JSON.parse(
      execFileSync(process.execPath, ['-e', script], { cwd: join(root, 'test'), encoding: 'utf8' }),
    );
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual(expect.arrayContaining([...(expectedExports[name] ?? [])]));
  });
});

/**
 * The repository's documents stand alone: every requirement ID a test name cites is explained in
 * docs/security-requirements.md, no document points at a file the reader does not have, and each
 * package README's install line names every package its examples import.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packages } from '../packaging/pack.js';
import { requirementIdsIn } from '../support/requirement-ids.js';

const root = resolve(import.meta.dirname, '../..');

/** Files under `dir` (recursively, skipping dependencies and build output) accepted by `keep`. */
function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'dist', 'artifacts'].includes(entry.name) ? [] : filesUnder(path, keep);
    }
    return keep(entry.name) ? [path] : [];
  });
}

const testSources = [
  ...packages.flatMap((name) =>
    filesUnder(join(root, 'packages', name, 'test'), (file) => file.endsWith('.ts')),
  ),
  ...filesUnder(join(root, 'test'), (file) => file.endsWith('.ts')),
];

const catalogue = readFileSync(join(root, 'docs/security-requirements.md'), 'utf8');
/** IDs the catalogue defines: the first cell of a table row. */
const catalogued = new Set(
  [...catalogue.matchAll(/^\| ([A-Z]{2,5}-(?:[0-9]+|Okta)) +\|/gm)].map(([, id]) => id),
);

describe('docs/security-requirements.md', () => {
  it('explains every requirement ID a test cites', () => {
    expect(catalogued.size).toBeGreaterThan(50);
    const missing = testSources.flatMap((file) =>
      requirementIdsIn(readFileSync(file, 'utf8'))
        .filter((id) => !catalogued.has(id))
        .map((id) => `${relative(root, file)}: ${id}`),
    );
    expect([...new Set(missing)]).toEqual([]);
  });

  it('defines each ID once, each rule with its source and what tokenward does', () => {
    const rows = [...catalogue.matchAll(/^\| ([A-Z]{2,5}-(?:[0-9]+|Okta)) +\|(.*)\|$/gm)];
    expect(rows.length).toBe(catalogued.size);
    const incomplete = rows
      .map(([, id, rest]) => ({ id: id!, cells: rest!.split(' | ').map((cell) => cell.trim()) }))
      .filter(({ id, cells }) =>
        id.startsWith('OK-')
          ? cells.length !== 2 || cells.some((cell) => cell === '')
          : cells.length !== 3 ||
            cells.some((cell) => cell === '') ||
            !/RFC|OIDC|8725bis|vendor/.test(cells[1]!),
      )
      .map(({ id }) => id);
    expect(incomplete).toEqual([]);
  });
});

const documents = [
  'README.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  ...filesUnder(join(root, 'docs'), (file) => file.endsWith('.md')).map((file) => relative(root, file)),
  ...packages.flatMap((name) => [`packages/${name}/README.md`, `packages/${name}/CHANGELOG.md`]),
];

describe.each(documents)('%s', (document) => {
  const text = readFileSync(join(root, document), 'utf8');

  it('points at nothing outside the repository', () => {
    const outside = text
      .split('\n')
      .filter((line) => /seed\/|DESIGN\.md|STYLE\.md|shared folder|\/work\//.test(line));
    expect(outside).toEqual([]);
  });

  it('links only to files that exist', () => {
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map(([, target]) => target!.replace(/#.*$/, ''))
      .filter((target) => target !== '' && !/^[a-z]+:/.test(target));
    expect(targets.filter((target) => !existsSync(resolve(root, dirname(document), target)))).toEqual([]);
  });
});

describe.each(packages)('packages/%s/README.md', (name) => {
  const text = readFileSync(join(root, 'packages', name, 'README.md'), 'utf8');

  it('installs every package its examples import', () => {
    const code = [...text.matchAll(/```(?:ts|js|typescript)\n([\s\S]*?)```/g)]
      .map(([, body]) => body)
      .join('\n');
    const imported = new Set(
      [...code.matchAll(/from '([^']+)'/g)]
        .map(([, specifier]) => specifier!)
        .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
        .map((specifier) =>
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        ),
    );
    const installed = new Set(
      text
        .split('\n')
        .filter((line) => /^pnpm add /.test(line) || /\(`pnpm add /.test(line))
        .flatMap((line) => line.replace(/#.*$/, '').split(/[\s`()]+/))
        .filter(
          (word) => /^(?:@[a-z0-9-]+\/)?[a-z0-9][a-z0-9.-]*$/.test(word) && !['pnpm', 'add'].includes(word),
        ),
    );
    expect(imported.size).toBeGreaterThan(0);
    expect([...imported].filter((specifier) => !installed.has(specifier))).toEqual([]);
  });
});

describe('docs/ARCHITECTURE.md', () => {
  const text = readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8');
  const coreSrc = join(root, 'packages/core/src');

  it('names only paths that exist', () => {
    const paths = [...text.matchAll(/`((?:packages|test|docs|lib)\/[\w./-]*)`/g)].map(([, path]) => path!);
    expect(paths.length).toBeGreaterThan(10);
    const missing = paths.filter(
      (path) => !existsSync(path.startsWith('lib/') ? join(coreSrc, path) : join(root, path)),
    );
    expect(missing).toEqual([]);
  });

  it("describes every folder of core's lib/, and no other", () => {
    const section = text.slice(text.indexOf('## Inside core'), text.indexOf('## The verify path'));
    const described = [...section.matchAll(/^\| `([\w/-]+)\/` +\|/gm)].map(([, folder]) => folder!).sort();
    const lib = join(coreSrc, 'lib');
    const folders = readdirSync(lib, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        entry.name === 'runtime'
          ? readdirSync(join(lib, 'runtime')).map((kind) => `runtime/${kind}`)
          : [entry.name],
      )
      .sort();
    expect(described).toEqual(folders);
  });
});

/** The `<!-- recipe: path -->` blocks of a README: each must be that file, copied exactly. */
function checkRecipes(readme: string, paths: readonly string[]) {
  const text = readFileSync(join(root, readme), 'utf8');
  const recipes = [...text.matchAll(/<!-- recipe: ([\w./-]+) -->\n\n```ts\n([\s\S]*?)```/g)];
  expect(recipes.map(([, path]) => path)).toEqual(paths);
  for (const [, path, code] of recipes) expect(code).toBe(readFileSync(join(root, path!), 'utf8'));
}

describe('README recipes are the files the runtime matrix runs, copied exactly', () => {
  it('README.md', () => {
    checkRecipes('README.md', [
      'test/runtimes/recipes/cloudflare-worker.ts',
      'test/runtimes/recipes/nextjs/route.ts',
      'test/runtimes/recipes/nextjs/middleware.ts',
      'test/runtimes/recipes/deno.ts',
      'test/runtimes/recipes/bun.ts',
      'test/runtimes/recipes/hono.ts',
    ]);
  });

  it('packages/hono/README.md', () => {
    checkRecipes('packages/hono/README.md', ['test/runtimes/recipes/hono-mcp.ts']);
  });
});

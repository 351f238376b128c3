import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), '../../packages');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of one file (static, dynamic and type-only alike), as absolute `.ts` paths. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(
    (m) => m[1] as string,
  );
  return specifiers.map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
}

/** Every import circle in `files`, each as the list of files around it (Tarjan's strongly connected components). */
function importCircles(files: string[]): string[][] {
  const graph = new Map(
    files.map((file) => [file, relativeImports(file).filter((target) => target !== file)]),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) as number, index.get(target) as number));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) circles.push(component.map((path) => path.slice(PACKAGES.length + 1)));
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return circles;
}

const packages = readdirSync(PACKAGES).filter((name) =>
  statSync(join(PACKAGES, name, 'src'), { throwIfNoEntry: false }),
);

describe('source layout', () => {
  it.each(packages)('%s has no import circles', (name) => {
    expect(importCircles(sourceFiles(join(PACKAGES, name, 'src')))).toEqual([]);
  });

  it('the circle finder finds a circle (so an empty answer means something)', () => {
    const here = fileURLToPath(import.meta.url);
    const a = join(dirname(here), 'fixtures/circle/a.ts');
    expect(importCircles([a, join(dirname(a), 'b.ts'), join(dirname(a), 'c.ts')])).toHaveLength(1);
  });

  it('core keeps its internals in folders named by concern, not loose in lib/', () => {
    const loose = readdirSync(join(PACKAGES, 'core/src/lib')).filter((name) => name.endsWith('.ts'));
    expect(loose.length).toBeLessThanOrEqual(4);
  });

  it('only core/src/lib/runtime/node imports node: modules or undici (the browser check excludes one folder)', () => {
    const core = join(PACKAGES, 'core/src');
    const nodeOnly = sourceFiles(core).filter((file) =>
      /from '(node:[^']+|undici)'/.test(readFileSync(file, 'utf8')),
    );
    const outside = nodeOnly
      .map((file) => file.slice(core.length + 1))
      .filter((file) => !file.startsWith('lib/runtime/node/') && file !== 'node.ts');
    expect(outside).toEqual([]);
  });
});

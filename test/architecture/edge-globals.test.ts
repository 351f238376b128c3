/**
 * The code edge platforms run uses no Node global: core's default entry (the verifier and the
 * Fetch adapter) and `@tokenward/hono`, each bundled as an edge deployment bundles it (the
 * `worker`/`browser` conditions, every dependency included but Hono itself), must not name
 * `Buffer`, `process`, `setImmediate` or any other global the web platform lacks, except behind a
 * `typeof` check of that same name. The TypeScript checker finds the names: it type-checks the
 * bundle against the ES and DOM libraries only, so every such name is an unresolved identifier.
 * `tsconfig.portable.json` proves the same for our own sources; this holds the dependencies to it.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const source = (path: string) => fileURLToPath(new URL(`../../packages/${path}`, import.meta.url));
const EDGE_CONDITIONS = ['tokenward-source', 'worker', 'browser', 'import', 'default'];

/** vite is vitest's dependency, so it is located through vitest's install (as the size script does). */
async function loadVite(): Promise<typeof import('vite')> {
  const vitest = createRequire(import.meta.url).resolve('vitest/package.json');
  return import(pathToFileURL(createRequire(vitest).resolve('vite')).href);
}

async function edgeBundle(entry: string): Promise<string> {
  const vite = await loadVite();
  const [output] = (await vite.build({
    configFile: false,
    logLevel: 'warn',
    resolve: { conditions: EDGE_CONDITIONS },
    build: {
      lib: { entry, formats: ['es'], fileName: () => 'bundle.js' },
      write: false,
      minify: false,
      target: 'es2022',
      copyPublicDir: false,
      rollupOptions: { external: (id) => id === 'hono' || id.startsWith('hono/') },
    },
  })) as Array<{ output: Array<{ code: string }> }>;
  return output!.output[0]!.code;
}

/** Whether `node` sits where `typeof name` was checked first: `typeof x … && x`, `typeof x … ? x : …`. */
function guarded(node: ts.Node, name: string): boolean {
  const checks = (condition: ts.Node): boolean =>
    (ts.isTypeOfExpression(condition) &&
      ts.isIdentifier(condition.expression) &&
      condition.expression.text === name) ||
    ts.forEachChild(condition, checks) === true;
  for (let child = node, parent = node.parent; parent !== undefined; child = parent, parent = parent.parent) {
    if (ts.isTypeOfExpression(parent)) return true;
    if (
      ts.isBinaryExpression(parent) &&
      parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
      parent.right === child &&
      checks(parent.left)
    )
      return true;
    if (ts.isConditionalExpression(parent) && parent.whenTrue === child && checks(parent.condition))
      return true;
  }
  return false;
}

/** TypeScript's "Cannot find name" diagnostics (with or without a hint about what to install). */
const CANNOT_FIND_NAME = new Set([2304, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593]);

/** The identifier that starts at `position`, or `undefined` there (a name in a comment). */
function identifierAt(node: ts.Node, position: number): ts.Identifier | undefined {
  if (ts.isIdentifier(node)) return node.getStart() === position ? node : undefined;
  return ts.forEachChild(node, (child) =>
    child.getStart() <= position && position < child.end ? identifierAt(child, position) : undefined,
  );
}

/** The ES and DOM library files, parsed once for every program below. */
const libraryFiles = new Map<string, ts.SourceFile | undefined>();

/** The names the bundle uses that neither it nor the ES and DOM libraries declare, outside a `typeof` guard. */
function unguardedGlobals(code: string): string[] {
  const fileName = '/edge-bundle.js';
  const options: ts.CompilerOptions = {
    allowJs: true,
    checkJs: true,
    noEmit: true,
    types: [],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
  };
  const host = ts.createCompilerHost(options);
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const libraries = host.getSourceFile.bind(host);
  host.getSourceFile = (name, ...rest) => {
    if (name === fileName) return file;
    if (!libraryFiles.has(name)) libraryFiles.set(name, libraries(name, ...rest));
    return libraryFiles.get(name);
  };
  const names = new Set<string>();
  for (const diagnostic of ts.createProgram([fileName], options, host).getSemanticDiagnostics(file)) {
    if (!CANNOT_FIND_NAME.has(diagnostic.code) || diagnostic.start === undefined) continue;
    const identifier = identifierAt(file, diagnostic.start);
    if (identifier !== undefined && !guarded(identifier, identifier.text)) names.add(identifier.text);
  }
  return [...names].sort();
}

describe('edge bundles name no Node global', () => {
  it.each([
    ["core's default entry (verifier, Fetch adapter, snapshots)", source('core/src/index.ts')],
    ['@tokenward/hono', source('hono/src/index.ts')],
  ])(
    '%s',
    async (_name, entry) => {
      expect(unguardedGlobals(await edgeBundle(entry))).toEqual([]);
    },
    120_000,
  );

  it('finds a Node global the bundle uses, and passes one behind typeof', () => {
    const code = [
      'export const a = Buffer.from("x");',
      'export const b = typeof setImmediate === "function" ? setImmediate : undefined;',
      'export const c = typeof process == "object" && process.env;',
      'export const d = globalThis.process?.env;',
    ].join('\n');
    expect(unguardedGlobals(code)).toEqual(['Buffer']);
  });
});

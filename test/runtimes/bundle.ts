/**
 * Bundles a matrix entry from source, as a deployment would bundle it: one ES module, or a
 * classic script (edge-runtime evaluates scripts).
 */
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
/** Export conditions of an edge bundle: tokenward's source, then what edge platforms resolve. */
const CONDITIONS = ['tokenward-source', 'worker', 'browser', 'import', 'default'];

/** Bundles `entry` (relative to test/runtimes) into `directory`; resolves to the bundle's path. */
export async function bundle(
  directory: string,
  entry: string,
  format: 'es' | 'iife',
  define: Record<string, string> = {},
): Promise<string> {
  const fileName = `${basename(entry, '.ts')}.${format === 'es' ? 'mjs' : 'js'}`;
  await build({
    configFile: false,
    logLevel: 'warn',
    define,
    resolve: { conditions: CONDITIONS },
    build: {
      lib: { entry: join(here, entry), formats: [format], name: 'matrix', fileName: () => fileName },
      outDir: directory,
      emptyOutDir: false,
      minify: false,
      target: 'es2022',
      copyPublicDir: false,
    },
  });
  return join(directory, fileName);
}

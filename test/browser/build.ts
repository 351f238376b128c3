/**
 * Bundles the SPA page (`page.ts` with `@tokenward/core`'s default entry) into one ES module for
 * Chromium, with vite's build API in library mode. vite is not a dependency of this repository:
 * it is vitest's, so it is located through vitest's own install rather than imported by name.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BROWSER_DIR = fileURLToPath(new URL('.', import.meta.url));
export const ARTIFACTS_DIR = fileURLToPath(new URL('./artifacts/', import.meta.url));
export const PAGE_BUNDLE = 'page.js';

/** The part of vite's API used here (vite's own types are not reachable from this package). */
interface ViteBuildApi {
  build(config: Record<string, unknown>): Promise<unknown>;
}

/** Conditions a browser bundler uses, plus the workspace's source condition (no build of core needed). */
const BROWSER_CONDITIONS = ['tokenward-source', 'browser', 'import', 'module', 'default'];

async function loadVite(): Promise<ViteBuildApi> {
  const vitestManifest = createRequire(import.meta.url).resolve('vitest/package.json');
  const viteEntry = createRequire(vitestManifest).resolve('vite');
  return (await import(pathToFileURL(viteEntry).href)) as ViteBuildApi;
}

/** Builds `artifacts/page.js` and returns its path. */
export async function buildPageBundle(): Promise<string> {
  const vite = await loadVite();
  await vite.build({
    configFile: false,
    root: BROWSER_DIR,
    logLevel: 'warn',
    resolve: { conditions: BROWSER_CONDITIONS },
    build: {
      lib: {
        entry: fileURLToPath(new URL('./page.ts', import.meta.url)),
        formats: ['es'],
        fileName: () => PAGE_BUNDLE,
      },
      outDir: ARTIFACTS_DIR,
      emptyOutDir: false,
      copyPublicDir: false,
      target: 'es2022',
      minify: false,
      sourcemap: false,
    },
  });
  return `${ARTIFACTS_DIR}${PAGE_BUNDLE}`;
}

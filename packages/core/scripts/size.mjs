#!/usr/bin/env node
/**
 * What `@tokenward/core` costs a browser: each entry below is bundled from source for the browser
 * (vite library mode, minified, tree-shaken, every dependency included), then gzipped.
 *
 *   node packages/core/scripts/size.mjs
 *
 * vite is vitest's dependency, not this repository's, so it is located through vitest's install.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const CORE_ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** What a page or an edge function imports; each is measured on its own. */
const ENTRIES = [
  ['createIdTokenVerifier (SPA ID-token path)', ['createIdTokenVerifier']],
  ['createAccessTokenVerifier', ['createAccessTokenVerifier']],
  [
    'createAccessTokenVerifier + Fetch adapter (withAuth, authenticate)',
    ['createAccessTokenVerifier', 'withAuth', 'authenticate'],
  ],
];

async function loadVite() {
  const vitestManifest = createRequire(import.meta.url).resolve('vitest/package.json');
  return import(pathToFileURL(createRequire(vitestManifest).resolve('vite')).href);
}

async function bundledSize(vite, directory, names) {
  const name = names.join('-');
  const entry = join(directory, `${name}.js`);
  await writeFile(entry, `export { ${names.join(', ')} } from ${JSON.stringify(CORE_ENTRY)};\n`);
  const [output] = await vite.build({
    configFile: false,
    root: directory,
    logLevel: 'warn',
    resolve: { conditions: ['tokenward-source', 'browser', 'import', 'module', 'default'] },
    build: {
      lib: { entry, formats: ['es'], fileName: () => `${name}.bundle.js` },
      write: false,
      minify: true,
      target: 'es2022',
      copyPublicDir: false,
    },
  });
  const code = output.output[0].code;
  return { minified: Buffer.byteLength(code), gzipped: gzipSync(code, { level: 9 }).length };
}

const vite = await loadVite();
const directory = await mkdtemp(join(tmpdir(), 'tokenward-size-'));
try {
  for (const [label, names] of ENTRIES) {
    const { minified, gzipped } = await bundledSize(vite, directory, names);
    console.log(`${label}: ${minified} bytes minified, ${gzipped} bytes gzipped`);
  }
} finally {
  await rm(directory, { recursive: true, force: true });
}

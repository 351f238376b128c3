import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript source through the `tokenward-source`
// export condition, so tests never need a build (see README "Working on tokenward").
// `import` is deliberately absent: vitest hands these to Node as --conditions, and with it a CJS
// require('is-promise') inside Express 5's router loads the ESM build and every async handler 500s.
const conditions = ['tokenward-source', 'node', 'development|production'];

const project = (
  name: string,
  root: string,
  extra: { include?: string[]; exclude?: string[]; testTimeout?: number } = {},
) => ({
  extends: true as const,
  test: {
    name,
    root,
    include: extra.include ?? ['test/**/*.test.ts'],
    ...(extra.exclude === undefined ? {} : { exclude: extra.exclude }),
    testTimeout: extra.testTimeout ?? 20_000,
  },
});

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    hookTimeout: 30_000,
    projects: [
      project('core', 'packages/core'),
      project('issuer', 'packages/issuer'),
      project('express', 'packages/express'),
      project('fastify', 'packages/fastify'),
      project('cli', 'packages/cli'),
      project('mcp', 'packages/mcp'),
      project('hono', 'packages/hono'),
      project('gateway', 'packages/gateway', { testTimeout: 60_000 }),
      project('otel', 'packages/otel'),
      project('redis', 'packages/redis'),
      project('bench', 'bench'),
      project('integration', 'test', {
        include: ['**/*.test.ts'],
        exclude: ['security/**', 'runtimes/**', '**/node_modules/**'],
        testTimeout: 60_000,
      }),
      project('security', 'test/security', { include: ['**/*.test.ts'] }),
      // Node, workerd, Deno, Bun and edge-runtime, each started once for every row.
      project('runtimes', 'test/runtimes', { include: ['**/*.test.ts'], testTimeout: 60_000 }),
    ],
  },
});

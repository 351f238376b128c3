/**
 * The published types resolve for every TypeScript user: "are the types wrong" finds nothing on
 * any packed tarball, and a fresh project that installs the tarballs type-checks code using
 * Express's `req.auth` and Fastify's `request.auth` under each `moduleResolution` a project may
 * use — including the legacy `node` mode, which ignores `exports` and reads `types`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackageName, type Packed, packAll, packages, root } from './pack.js';

let packDir: string;
let packed: (name: PackageName) => Packed;
let consumer: string;

/** The version of a package this workspace installed, so the consumer needs nothing new. */
function installedVersion(name: string, from: string): string {
  const manifest = createRequire(join(from, 'package.json')).resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const EXPRESS_APP = `
import express from 'express';
import { createAccessTokenVerifier, type AccessTokenResult, type TokenwardError } from '@tokenward/core';
import { requireAuth, requireScopes } from '@tokenward/express';

const verifier = createAccessTokenVerifier({ issuer: 'https://acme.okta.com/oauth2/default', audience: 'api://default' });
const app = express();
app.use('/api', requireAuth(verifier, { realm: 'orders-api' }));
app.use('/admin', requireAuth({ issuer: 'https://acme.okta.com/oauth2/default', audience: 'api://admin' }));
app.get('/api/orders', requireScopes(['orders:read']), (req, res) => {
  const auth: AccessTokenResult | undefined = req.auth;
  const scopes: readonly string[] = req.auth?.scopes ?? [];
  // @ts-expect-error: auth is a verified result, not any
  const wrong: number = req.auth;
  // @ts-expect-error: auth is unset on anonymous requests
  const subject: string = req.auth.subject;
  res.json({ auth, scopes, wrong, subject });
});
export const code: TokenwardError['code'] | undefined = undefined;
`;

const FASTIFY_APP = `
import Fastify from 'fastify';
import tokenward from '@tokenward/fastify';

export async function build() {
  const app = Fastify();
  await app.register(tokenward, { issuer: 'https://acme.okta.com/oauth2/default', audience: 'api://default' });
  app.get('/orders', { preHandler: app.requireAuth({ scopes: ['orders:read'] }) }, async (request) => {
    const subject: string | undefined = request.auth?.subject;
    // @ts-expect-error: auth is null on routes that did not authenticate
    const issuer: string = request.auth.issuer;
    // @ts-expect-error: auth is a verified result, not any
    const wrong: number = request.auth;
    return { subject, issuer, wrong };
  });
  return app;
}
`;

/** Compiler settings a project on each resolution mode would have. */
const MODES = {
  node: { module: 'commonjs', moduleResolution: 'node' },
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
} as const;

beforeAll(() => {
  ({ directory: packDir, packed } = packAll());
  consumer = mkdtempSync(join(tmpdir(), 'tokenward-consumer-'));
  const tarball = (name: PackageName) => `file:${packed(name).tarball}`;
  const test = join(root, 'test');
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'tokenward-consumer',
      private: true,
      type: 'module',
      dependencies: {
        '@tokenward/core': tarball('core'),
        '@tokenward/express': tarball('express'),
        '@tokenward/fastify': tarball('fastify'),
        express: installedVersion('express', test),
        fastify: installedVersion('fastify', test),
      },
      devDependencies: {
        '@types/express': installedVersion('@types/express', test),
        '@types/node': installedVersion('@types/node', root),
        typescript: installedVersion('typescript', root),
      },
    }),
  );
  // The adapters' dependency on @tokenward/core names a version no registry has yet: the tarball.
  writeFileSync(
    join(consumer, 'pnpm-workspace.yaml'),
    `overrides:\n  '@tokenward/core': '${tarball('core')}'\n`,
  );
  execFileSync('pnpm', ['install', '--prefer-offline', '--ignore-scripts'], { cwd: consumer, stdio: 'pipe' });
  writeFileSync(join(consumer, 'express-app.ts'), EXPRESS_APP);
  writeFileSync(join(consumer, 'fastify-app.ts'), FASTIFY_APP);
}, 180_000);

afterAll(() => {
  rmSync(packDir, { recursive: true, force: true });
  rmSync(consumer, { recursive: true, force: true });
});

describe.each(packages)('@tokenward/%s types', (name) => {
  it('are not wrong (arethetypeswrong on the packed tarball; ESM-only by design)', () => {
    const attw = join(root, 'test/node_modules/.bin/attw');
    const run = spawnSync(attw, [packed(name).tarball, '--format', 'json', '--no-definitely-typed'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const report = JSON.parse(run.stdout) as {
      problems: Record<string, Array<{ kind: string; resolutionKind?: string }>>;
      analysis: {
        entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>;
      };
    };
    // The one finding allowed: a CommonJS `require` reaches ESM. These packages are ESM only, and
    // Node >= 20.19 loads them with require() (packages.test.ts proves it).
    const problems = Object.values(report.problems)
      .flat()
      .filter((problem) => !(problem.kind === 'CJSResolvesToESM' && problem.resolutionKind === 'node16-cjs'));
    expect(problems).toEqual([]);
    const resolutions = report.analysis.entrypoints['.']!.resolutions;
    for (const mode of ['node10', 'node16-esm', 'bundler']) {
      expect(resolutions[mode]?.resolution?.fileName, mode).toMatch(/\/dist\/[a-z]+\.d\.ts$/);
    }
  });
});

describe.each(Object.entries(MODES))('a project with moduleResolution %s', (mode, options) => {
  it('type-checks req.auth (Express) and request.auth (Fastify) from the installed tarballs', () => {
    const config = join(consumer, `tsconfig.${mode}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          ...options,
          target: 'ES2022',
          strict: true,
          noEmit: true,
          esModuleInterop: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['express-app.ts', 'fastify-app.ts'],
      }),
    );
    const tsc = join(consumer, 'node_modules/.bin/tsc');
    const run = spawnSync(tsc, ['-p', config], { cwd: consumer, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 180_000); // a full type-check of Express's and Fastify's declarations: over a minute on a busy machine
});

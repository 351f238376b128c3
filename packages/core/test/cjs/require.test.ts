import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..', '..');
const builtEntry = join(packageRoot, 'dist', 'node.js');

/** True when dist is missing or older than any source file. */
function buildIsStale(): boolean {
  if (!existsSync(builtEntry)) return true;
  const builtAt = statSync(builtEntry).mtimeMs;
  const sources = readdirSync(join(packageRoot, 'src'), { recursive: true, encoding: 'utf8' });
  return sources.some((file) => statSync(join(packageRoot, 'src', file)).mtimeMs > builtAt);
}

beforeAll(() => {
  // `pnpm test` builds first; run alone, this test builds the package itself.
  if (buildIsStale())
    execFileSync('pnpm', ['--filter', '@tokenward/core', 'build'], { cwd: packageRoot, stdio: 'pipe' });
}, 180_000);

describe('CommonJS consumers (require of the built ESM package)', () => {
  it('require("@tokenward/core") exposes the API and builds a working verifier', () => {
    const output = execFileSync(process.execPath, [join(here, 'fixtures', 'require-core.cjs')], {
      cwd: packageRoot,
      encoding: 'utf8',
    });
    const report = JSON.parse(output);
    expect(report.exportTypes).toMatchObject({
      createAccessTokenVerifier: 'function',
      parseIssuer: 'function',
      TokenwardError: 'function',
      isTokenwardError: 'function',
      extractBearerToken: 'function',
      isCorsPreflight: 'function',
      checkScopes: 'function',
      checkClaims: 'function',
    });
    expect(report).toMatchObject({
      configCode: 'ERR_CONFIG',
      verifyCode: 'ERR_TOKEN_MALFORMED',
      parsed: { kind: 'custom', origin: 'https://acme.okta.com', id: 'default', isDefault: true },
      branded: true,
    });
  });
});

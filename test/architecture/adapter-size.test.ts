import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));
/** An adapter maps its framework's request onto core's request step and sends errors its framework's way. */
const MAX_ADAPTER_LINES = 265;
/**
 * The protected resource metadata handler is another concern (serving core's document, not
 * authenticating), held to its own budget below.
 */
const METADATA_HANDLER = 'resource-metadata.ts';
const MAX_METADATA_HANDLER_LINES = 60;

function sourceLines(folder: string): number {
  let lines = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name === METADATA_HANDLER) continue;
    lines += readFileSync(join(entry.parentPath, entry.name), 'utf8').split('\n').length - 1;
  }
  return lines;
}

describe('adapters stay thin: the request sequence lives once, in core', () => {
  it.each(['express', 'fastify', 'hono'])(
    `@tokenward/%s src/ holds at most ${MAX_ADAPTER_LINES} lines`,
    (name) => {
      const lines = sourceLines(join(packages, name, 'src'));
      expect(lines).toBeGreaterThan(0);
      expect(lines).toBeLessThanOrEqual(MAX_ADAPTER_LINES);
    },
  );
});

describe("adapters serve protected resource metadata through core's endpoint", () => {
  it.each(['express', 'fastify', 'hono'])(
    `@tokenward/%s maps core's answers in at most ${MAX_METADATA_HANDLER_LINES} lines`,
    (name) => {
      const text = readFileSync(join(packages, name, 'src', METADATA_HANDLER), 'utf8');
      expect(text.split('\n').length - 1).toBeLessThanOrEqual(MAX_METADATA_HANDLER_LINES);
      expect(text).toMatch(/\bprotectedResourceMetadataEndpoint\(/);
      // The document, its bytes and headers come from core, never built here.
      expect(text).not.toMatch(/JSON\.stringify|application\/json|Access-Control-/);
    },
  );
});

describe("the gateway decides through core's request step", () => {
  const source = (file: string) => readFileSync(join(packages, 'gateway', 'src', file), 'utf8');

  it('asks authenticateRequest (or its promise-free twin), and reads no credentials of its own', () => {
    expect(source('lib/decision/authenticate.ts')).toMatch(/\bauthenticateRequest(?:Now)?\(/);
    for (const entry of readdirSync(join(packages, 'gateway', 'src'), {
      withFileTypes: true,
      recursive: true,
    })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      expect(text, entry.name).not.toMatch(
        /extractBearerToken|TokenwardError\('ERR_TOKEN_MISSING'|\.verify\(/,
      );
    }
  });
});

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeSignatures } from '../../src/lib/runtime/node/node-crypto.js';
import { nodeCodec, nodeRuntime } from '../../src/lib/runtime/node/node-runtime.js';
import { webSignatures } from '../../src/lib/runtime/portable/web-crypto.js';
import { portableCodec, webRuntime } from '../../src/lib/runtime/portable/web-runtime.js';

const LIB = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/lib');

/** Every module specifier reachable from `entry` through relative imports, with the files visited. */
function importGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.includes(file)) continue;
    files.push(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gms)) {
      if (specifier?.startsWith('.')) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (specifier !== undefined) packages.add(specifier);
    }
  }
  return { files, packages };
}

describe('runtimes (DESIGN "Runtime split")', () => {
  it('keeps the web runtime and the key cache free of node: modules and undici, so browsers can run them', () => {
    for (const entry of ['runtime/portable/web-runtime.ts', 'keys/issuer-keys.ts', 'token/jwt.ts']) {
      const { files, packages } = importGraph(resolve(LIB, entry));
      expect(files.length).toBeGreaterThan(1);
      expect([...packages]).toEqual(expect.not.arrayContaining(['undici']));
      expect([...packages].filter((name) => name.startsWith('node:'))).toEqual([]);
    }
    // The scan does see Node-only imports where they are.
    expect(importGraph(resolve(LIB, 'runtime/node/node-runtime.ts')).packages).toEqual(
      new Set(['node:buffer', 'node:crypto', 'node:diagnostics_channel', 'undici']),
    );
  });

  it('pairs each runtime with its signature primitive and token codec', () => {
    expect(webRuntime.signatures).toBe(webSignatures);
    expect(nodeRuntime.signatures).toBe(nodeSignatures);
    expect(webRuntime.codec).toBe(portableCodec);
    expect(nodeRuntime.codec).toBe(nodeCodec);
  });

  it.each([
    ['web', webRuntime],
    ['node', nodeRuntime],
  ])('lets an injected fetch carry the %s runtime requests', async (_, runtime) => {
    const seen: string[] = [];
    const transport = runtime.createTransport({
      fetch: async (input) => {
        seen.push(String(input));
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      },
    });
    await transport.get('https://idp.example.test/keys', { maxBytes: 100, timeoutMs: 1000 });
    expect(seen).toEqual(['https://idp.example.test/keys']);
  });
});

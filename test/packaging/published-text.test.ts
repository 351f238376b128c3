/**
 * Published type declarations speak to users: no internal requirement ID (the `BCP-9` style IDs
 * that test names cite, explained in docs/security-requirements.md) in any `.d.ts` a tarball
 * ships, and no pointer to documents users do not have. RFC sections are cited instead.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirementIdsIn } from '../support/requirement-ids.js';
import { type PackageName, type Packed, packAll, packages } from './pack.js';

let packDir: string;
let packed: (name: PackageName) => Packed;

beforeAll(() => {
  ({ directory: packDir, packed } = packAll());
}, 120_000);

afterAll(() => rmSync(packDir, { recursive: true, force: true }));

describe.each(packages)('@tokenward/%s declarations', (name) => {
  const declarations = () => [...packed(name).files].filter((file) => file.endsWith('.d.ts'));

  it('cite no internal requirement ID', () => {
    expect(declarations().length).toBeGreaterThan(0);
    const found = declarations().flatMap((file) =>
      requirementIdsIn(packed(name).read(file)).map((id) => `${file}: ${id}`),
    );
    expect(found).toEqual([]);
  });

  it('point at no document outside the package', () => {
    const found = declarations().filter((file) =>
      /DESIGN(?:\.md)?\b|STYLE\.md|security-requirements §/.test(packed(name).read(file)),
    );
    expect(found).toEqual([]);
  });
});

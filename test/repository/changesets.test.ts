/**
 * Every pending changeset is one the release tooling can read: a front matter of package bumps
 * between two `---` lines, naming packages of this repository, then a description. A formatter that
 * turns the front matter into a heading (Markdown formatting once did) would silently drop the entry
 * from the next release.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packages } from '../packaging/pack.js';

const directory = resolve(import.meta.dirname, '../../.changeset');
const changesets = readdirSync(directory).filter((name) => name.endsWith('.md') && name !== 'README.md');
const BUMP = /^(["'])@tokenward\/([a-z-]+)\1: (major|minor|patch)$/;

describe('changesets', () => {
  it.each(changesets)('%s has a release front matter and a description', (name) => {
    const text = readFileSync(join(directory, name), 'utf8');
    const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
    expect(match, 'front matter between two --- lines').not.toBeNull();
    const [, frontMatter, description] = match!;
    const bumps = frontMatter!.split('\n').filter((line) => line.trim() !== '');
    expect(bumps.length).toBeGreaterThan(0);
    for (const line of bumps) {
      const bump = BUMP.exec(line);
      expect(bump, line).not.toBeNull();
      expect(packages, line).toContain(bump![2]);
    }
    expect(description!.trim()).not.toBe('');
  });
});

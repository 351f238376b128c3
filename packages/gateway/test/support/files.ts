/** Policy files written to a temporary folder for one test file, removed afterwards. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempFiles {
  /** Writes `text` to `name` in the folder and returns its path. */
  write(name: string, text: string): string;
  readonly dir: string;
  remove(): void;
}

export function tempFiles(prefix = 'tokenward-gateway-'): TempFiles {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

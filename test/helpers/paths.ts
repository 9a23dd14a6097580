// Tests run from source (Deno) and from dist/ (Node); both find the repository by its package.json.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The repository root: `examples/`, `test/fixtures/` and `schemas/` hang off it. */
export const repoRoot: string = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** True when the tests run under Deno. */
export const underDeno: boolean = 'Deno' in globalThis;

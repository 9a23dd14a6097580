// Reading the small files a compile looks into (manifests, values files, Dockerfiles) without the costs that
// dominate at 1,000 deployments: a thread-pool round trip per asynchronous call, and an Error with a stack
// trace for every file that does not exist.
import { readFileSync, statSync, type Stats } from 'node:fs';

/** The text of a file that is expected to exist, or undefined when it cannot be read. */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Like readText, but cheaper for a file that is often missing: a missing file costs a stat, not an Error. */
export function readTextIfExists(path: string): string | undefined {
  return statIfExists(path) ? readText(path) : undefined;
}

/** The file's stats, or undefined when it cannot be stat'ed. */
export function statIfExists(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

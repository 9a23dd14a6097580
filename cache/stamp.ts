// Stat stamps: cheap proof that a path is still what it was when something was computed from it. A file's
// stamp is its kind, size, mtime, ctime and inode; a folder's stat changes whenever an entry is added, removed
// or renamed in it, so its stamp proves a listing too; an absent path is a stamp as well. Checking thousands
// of stamps costs a few milliseconds, where reading and hashing the files again costs far more.
// Also the one racy-timestamp rule every memo of dsg follows (the file-digest memo, the graph cache, the run memo).
import { statSync, type Stats } from 'node:fs';

/** Numbers per stamp: kind (0 absent, 1 file, 2 folder, 3 other), size, mtimeMs, ctimeMs, inode. */
export const STAMP_FIELDS = 5;

/** The stat of `path` (links followed), or undefined when there is nothing to stat (absent, or below a file). */
export function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Writes the stamp of `s` (zeros: absent) at `at`. */
export function putStamp(stamps: Float64Array, at: number, s: Stats | undefined): void {
  if (!s) return;
  stamps[at] = kindOf(s);
  stamps[at + 1] = s.size;
  stamps[at + 2] = s.mtimeMs;
  stamps[at + 3] = s.ctimeMs;
  stamps[at + 4] = s.ino;
}

/** The stamps of `paths` now, in order. */
export function stampPaths(paths: readonly string[]): Float64Array {
  const stamps = new Float64Array(paths.length * STAMP_FIELDS);
  for (let i = 0; i < paths.length; i++) putStamp(stamps, i * STAMP_FIELDS, statOf(paths[i] as string));
  return stamps;
}

/** True when `path` still has the stamp at `at`. */
export function stampHolds(path: string, stamps: Float64Array, at: number): boolean {
  const s = statOf(path);
  if (!s) return stamps[at] === 0;
  return (
    stamps[at] === kindOf(s) &&
    stamps[at + 1] === s.size &&
    stamps[at + 2] === s.mtimeMs &&
    stamps[at + 3] === s.ctimeMs &&
    stamps[at + 4] === s.ino
  );
}

/** The indices of the paths whose stamps no longer hold. */
export function changedPaths(paths: readonly string[], stamps: Float64Array): number[] {
  const changed: number[] = [];
  for (let i = 0; i < paths.length; i++)
    if (!stampHolds(paths[i] as string, stamps, i * STAMP_FIELDS)) changed.push(i);
  return changed;
}

/**
 * Git's racy rule: a path written within a timestamp tick of `referenceMs` (when it was read, or when the
 * computation that read it started) could change again without its stamp changing, so nothing may be
 * remembered on its stamp. A tick is 0.5 s for fine timestamps. A whole-second mtime may come from a file
 * system that keeps nothing finer (FAT keeps two seconds): then the tick is 3 s, and the ctime, as coarse,
 * counts too. (Deno reports fine mtimes but whole-second ctimes on any file system: there the mtime decides,
 * and a rewrite within the same second that also restores the old mtime and size goes unseen, under Deno only.)
 */
export function isRacy(s: { mtimeMs: number; ctimeMs: number }, referenceMs: number): boolean {
  const coarse = s.mtimeMs % 1000 === 0;
  const window = coarse ? 3000 : 500;
  return s.mtimeMs > referenceMs - window || (coarse && s.ctimeMs > referenceMs - window);
}

/** The first of `paths` that is racy against `referenceMs` (by its current stat), or undefined. */
export function racyPath(paths: readonly string[], referenceMs: number): string | undefined {
  for (const path of paths) {
    const s = statOf(path);
    if (s && isRacy(s, referenceMs)) return path;
  }
  return undefined;
}

function kindOf(s: Stats): number {
  return s.isFile() ? 1 : s.isDirectory() ? 2 : 3;
}

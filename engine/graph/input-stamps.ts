// Cheap proof that the files a computation read are still the ones it read: a file's stat (size, mtime,
// ctime, inode) or its absence, a directory's entry names. Checking 2,000 stamps costs a few milliseconds,
// where reading and parsing the files again costs a hundred.
import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** A file as it was: `[path]` when absent, else `[path, kind, size, mtimeMs, ctimeMs, ino]`. */
export type FileStamp = [string] | [string, 'f' | 'd' | 'o', number, number, number, number];

/** A directory's entry names (sorted, filtered by `filter` when one was given), or null when absent. */
export interface DirStamp {
  path: string;
  /** A RegExp source the names were filtered with; '' keeps every name. */
  filter: string;
  names: string[] | null;
}

/** The stamps of one computation's inputs. */
export interface InputStamps {
  files: FileStamp[];
  dirs: DirStamp[];
}

/** The stat of `path`, or undefined when there is nothing to stat (absent, or below a file). */
export function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The stamp of `path` now. */
export function stampFile(path: string): FileStamp {
  const s = statOf(path);
  if (!s) return [path];
  const kind = s.isFile() ? 'f' : s.isDirectory() ? 'd' : 'o';
  return [path, kind, s.size, s.mtimeMs, s.ctimeMs, s.ino];
}

/** The names in directory `path` now (those matching `filter`, a RegExp source), sorted. */
export function stampDir(path: string, filter = ''): DirStamp {
  return { path, filter, names: listNames(path, filter) };
}

function listNames(path: string, filter: string): string[] | null {
  let names: string[];
  try {
    names = readdirSync(path);
  } catch {
    return null;
  }
  const re = filter === '' ? undefined : new RegExp(filter);
  return (re ? names.filter((n) => re.test(n)) : names).sort();
}

/** Limits of `stampTree`. */
export interface TreeOptions {
  /** Names of folders and files not to look at. */
  skip: ReadonlySet<string>;
  /** At most this many entries; a larger tree is not worth stamping. */
  limit: number;
}

/**
 * Adds the stamps of every folder and file under `base` to `out`. False when the tree holds more than
 * `limit` entries or a symbolic link to a folder (a glob library follows it; this walk would not).
 */
export function stampTree(base: string, out: InputStamps, options: TreeOptions): boolean {
  const stack = [base];
  let count = 0;
  while (stack.length > 0) {
    const dir = stack.pop() ?? '';
    const listing = stampDir(dir);
    out.dirs.push(listing);
    for (const name of listing.names ?? []) {
      if (++count > options.limit) return false;
      if (options.skip.has(name)) continue;
      const path = join(dir, name);
      const stamp = stampFile(path);
      out.files.push(stamp);
      if (stamp[1] !== 'd') continue;
      if (isLink(path)) return false;
      stack.push(path);
    }
  }
  return true;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return true;
  }
}

/** True when every stamp still describes the file system. */
export function stampsHold(stamps: InputStamps): boolean {
  for (const f of stamps.files) {
    const now = stampFile(f[0]);
    if (now.length !== f.length) return false;
    for (let i = 1; i < f.length; i++) if (now[i] !== f[i]) return false;
  }
  for (const d of stamps.dirs) {
    const now = listNames(d.path, d.filter);
    if (now === null || d.names === null) {
      if (now !== d.names) return false;
    } else if (now.length !== d.names.length || now.join('\0') !== d.names.join('\0')) return false;
  }
  return true;
}

/**
 * The first stamped path changed too recently to trust its stamp, or undefined. Timestamps are coarse (a
 * kernel clock tick; whole seconds, even two, on some file systems), so a file written again within the
 * same tick after it was read keeps its stamp; as in git's "racy" rule, only stamps older than the start of
 * the computation by more than that granularity are stored. `startMs` is when the computation started.
 */
export function racyPath(stamps: InputStamps, startMs: number): string | undefined {
  const racy = (mtimeMs: number): boolean => {
    // A whole-second mtime may come from a file system that keeps nothing finer (FAT keeps two seconds).
    const window = mtimeMs % 1000 === 0 ? 3000 : 500;
    return mtimeMs > startMs - window;
  };
  for (const f of stamps.files) if (f.length > 1 && racy(f[3] ?? 0)) return f[0];
  for (const d of stamps.dirs) {
    const s = statOf(d.path);
    if (s && racy(s.mtimeMs)) return d.path;
  }
  return undefined;
}

/** Validates the JSON shape of stamps read back from disk. */
export function isInputStamps(value: unknown): value is InputStamps {
  if (!value || typeof value !== 'object') return false;
  const { files, dirs } = value as { files?: unknown; dirs?: unknown };
  if (!Array.isArray(files) || !Array.isArray(dirs)) return false;
  const fileOk = (f: unknown): boolean =>
    Array.isArray(f) &&
    typeof f[0] === 'string' &&
    (f.length === 1 ||
      (f.length === 6 && typeof f[1] === 'string' && f.slice(2).every((n) => typeof n === 'number')));
  const dirOk = (d: unknown): boolean => {
    if (!d || typeof d !== 'object') return false;
    const { path, filter, names } = d as { path?: unknown; filter?: unknown; names?: unknown };
    return (
      typeof path === 'string' &&
      typeof filter === 'string' &&
      (names === null || (Array.isArray(names) && names.every((n) => typeof n === 'string')))
    );
  };
  return files.every(fileOk) && dirs.every(dirOk);
}

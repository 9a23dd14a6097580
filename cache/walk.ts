// Listing files under a folder: a parallel walk that never follows symlinks (a link is listed as itself),
// with a visitor deciding which folders to enter; and glob lists for custom builders and manifests.
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { errorDetail } from './types.ts';

/** Decides what a walk enters and lists; `S` is whatever a folder passes down to its children. */
export interface WalkVisitor<S> {
  /** For a folder: the state its children start from, or undefined to skip the whole folder. */
  enterDir(relPath: string, parent: S): S | undefined;
  /** For a regular file or a symlink: whether to list it. */
  includeFile(relPath: string, parent: S): boolean;
}

const readdirConcurrency = 16;

/**
 * Relative paths (forward slashes, sorted by code unit) of the files and symlinks under `root` that the
 * visitor keeps. Sockets, FIFOs and devices are left out, as Docker leaves them out of a context.
 * Rejects when a folder cannot be read.
 */
export async function walkFiles<S>(
  root: string,
  rootState: S,
  visitor: WalkVisitor<S>,
  /** A folder under `root` to start in (paths stay relative to `root`); default: `root` itself. */
  start = '',
  /** Told the absolute path of every folder the walk lists. */
  onRead?: (path: string) => void,
): Promise<string[]> {
  const files: string[] = [];
  const queue: { rel: string; state: S }[] = [{ rel: start, state: rootState }];
  let active = 0;
  let failure: unknown;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (failure === undefined && active < readdirConcurrency && queue.length > 0) {
        const dir = queue.pop() as { rel: string; state: S };
        active++;
        const path = join(root, dir.rel);
        onRead?.(path);
        readdir(path, { withFileTypes: true })
          .then((entries) => visit(dir.rel, dir.state, entries))
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => {
            active--;
            pump();
          });
      }
      if (active === 0 && (queue.length === 0 || failure !== undefined)) resolve();
    };
    const visit = (dirRel: string, state: S, entries: Dirent[]): void => {
      for (const entry of entries) {
        const rel = dirRel === '' ? entry.name : `${dirRel}/${entry.name}`;
        if (entry.isDirectory()) {
          const childState = visitor.enterDir(rel, state);
          if (childState !== undefined) queue.push({ rel, state: childState });
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          if (visitor.includeFile(rel, state)) files.push(rel);
        }
      }
    };
    pump();
  });
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(errorDetail(failure));
  // The default sort compares UTF-16 code units: the same on every runtime and locale.
  return files.sort();
}

/** Options of `globFiles`. */
export interface GlobOptions {
  /** Match names starting with a dot by `*` and `**` (default true: a `.env` is an input like any file). */
  dot?: boolean;
  /** Told the absolute path of every folder the listing depends on: those walked and those on the way. */
  onRead?: (path: string) => void;
}

/**
 * Files under `baseDir` matching any of `globs` (`!glob` excludes; a glob naming a folder means everything
 * in it), relative with forward slashes, sorted. Symlinks are listed like files and never followed, and
 * only the folders a glob can reach are walked.
 */
export async function globFiles(
  baseDir: string,
  globs: readonly string[],
  options: GlobOptions = {},
): Promise<string[]> {
  const clean = (g: string): string => g.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  const positive = globs.filter((g) => !g.startsWith('!')).map(clean);
  const negative = globs.filter((g) => g.startsWith('!')).map((g) => clean(g.slice(1)));
  if (positive.length === 0) return [];
  // A plain path may name a folder, meaning everything in it; a glob means what it matches.
  const everything = (list: string[]): string[] =>
    list.flatMap((g) => (g === '' || g === '.' ? ['**'] : picomatch.scan(g).isGlob ? [g] : [g, `${g}/**`]));
  const dot = options.dot ?? true;
  const included = picomatch(everything(positive), { dot });
  const excluded = negative.length > 0 ? picomatch(everything(negative), { dot }) : () => false;
  // The literal folder each glob starts in: only those folders (and the way down to them) are walked.
  const bases = positive.map((g) => (g === '.' ? '' : picomatch.scan(g).base));
  const reachable = (dir: string): boolean =>
    bases.some(
      (base) => base === '' || base === dir || base.startsWith(`${dir}/`) || dir.startsWith(`${base}/`),
    );
  // Start where every glob starts: a thousand `svc/**` globs must not each list the project root.
  // Only a real folder (no symlink on the way, which the walk would not follow) can be a starting point.
  let start = commonFolder(bases);
  if (start !== '' && !(await isRealFolder(baseDir, start, options.onRead))) start = '';
  return walkFiles(
    baseDir,
    true,
    {
      enterDir: (dir) => (reachable(dir) && !excluded(dir) ? true : undefined),
      includeFile: (file) => included(file) && !excluded(file),
    },
    start,
    options.onRead,
  );
}

/** The deepest folder that contains every one of `folders` ('' when they share none). */
function commonFolder(folders: readonly string[]): string {
  const split = folders.map((f) => (f === '' ? [] : f.split('/')));
  const first = split[0] ?? [];
  let depth = 0;
  while (depth < first.length && split.every((parts) => parts[depth] === first[depth])) depth++;
  return first.slice(0, depth).join('/');
}

// Each step down must be a folder itself (lstat), not a symlink the walk would otherwise follow.
async function isRealFolder(baseDir: string, rel: string, onRead?: (path: string) => void): Promise<boolean> {
  // The base itself is not reported: a step below it that goes away or changes kind has a stamp of its own.
  let path = baseDir;
  for (const part of rel.split('/')) {
    path = join(path, part);
    onRead?.(path);
    try {
      if (!(await lstat(path)).isDirectory()) return false;
    } catch {
      return false;
    }
  }
  return true;
}

// The folders a file listing depends on. A folder's stamp changes when an entry is added, removed or renamed
// in it, so the stamps of every folder a walk could enter prove that the walk would find the same names.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';

/** Folder names a listing does not enter unless its pattern names them: dsg's own state and git's. */
export const SKIPPED_FOLDERS: readonly string[] = ['.dsg', '.git'];

/** Glob `ignore` patterns that keep `SKIPPED_FOLDERS` out of a `**` listing, at any depth. */
export const SKIPPED_GLOBS: readonly string[] = SKIPPED_FOLDERS.map((name) => `**/${name}/**`);

/** How far `foldersUnder` goes. */
export interface FolderOptions {
  /** Levels below `base` to list (0: `base` alone); default: all of them. */
  depth?: number;
  /** Names of folders not to enter; default: `SKIPPED_FOLDERS`. */
  skip?: ReadonlySet<string>;
}

/**
 * `base` and every folder under it, as absolute paths; `base` even when it is absent or a file (its appearance
 * must be noticed). Links to folders are followed, once each, as glob libraries follow them.
 */
export async function foldersUnder(base: string, options: FolderOptions = {}): Promise<string[]> {
  const skip = options.skip ?? new Set(SKIPPED_FOLDERS);
  const depth = options.depth ?? Infinity;
  const folders = [base];
  const seen = new Set<string>();
  let level = [base];
  for (let d = 0; d < depth && level.length > 0; d++) {
    const next = await Promise.all(level.map((dir) => subfolders(dir, skip, seen)));
    level = next.flat();
    folders.push(...level);
  }
  return folders;
}

/**
 * The folders a glob (relative to `projectDir`, matched without `dot`) could walk: those under its static
 * base, as deep as it reaches; `SKIPPED_FOLDERS` only when the pattern names a dot folder.
 */
export function globFolders(projectDir: string, pattern: string): Promise<string[]> {
  const { base, glob } = picomatch.scan(pattern);
  // Past a `**`, or a brace or group that may hold a slash, the glob may reach any depth.
  const unbounded = glob.includes('**') || /[{(][^})]*\//.test(glob);
  const depth = unbounded ? Infinity : (glob.match(/\//g) ?? []).length;
  // Without `dot`, only a pattern that names a dot folder (`.git`, `.*`) can walk into one.
  const namesDotFolder = /(^|[/{,(|@!])\.[^./]/.test(pattern);
  const skip = new Set(namesDotFolder ? [] : SKIPPED_FOLDERS);
  return foldersUnder(join(projectDir, base), { depth, skip });
}

async function subfolders(dir: string, skip: ReadonlySet<string>, seen: Set<string>): Promise<string[]> {
  const real = await realpath(dir).catch(() => undefined);
  if (real === undefined || seen.has(real)) return [];
  seen.add(real);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await isFolder(path)))) found.push(path);
  }
  return found;
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

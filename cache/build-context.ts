// The files of a Docker build context, as Docker would send them: the ignore file chosen by BuildKit's
// rule, its patterns applied to every path, and the Dockerfile and ignore file sent even when ignored.
import { lstat, readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import process from 'node:process';
import { IgnoreMatcher, parseDockerignore, type MatchState } from './dockerignore.ts';
import { cacheFailure, errorCode, errorDetail, type CacheFailure } from './types.ts';
import { fail, ok, type Result } from '../core/result.ts';
import { walkFiles } from './walk.ts';

/** What `listContext` found. */
export interface ContextListing {
  /** Context files (and symlinks), relative to the context folder, forward slashes, sorted. */
  files: string[];
  /** The ignore file that applied, relative to the context folder (may start with `../`). */
  ignoreFile?: string;
  /** The Dockerfile relative to the context folder, when it lies inside it. */
  dockerfile?: string;
  /** Files the patterns exclude but Docker sends anyway (the Dockerfile, the ignore file); also in `files`. */
  forced: string[];
}

/** Options of `listContext`. */
export interface ListContextOptions {
  /** The Dockerfile, relative to the context folder or absolute. Default `Dockerfile`. */
  dockerfile?: string;
  /** Folder that paths in failure messages are shown relative to. Default: the working directory. */
  displayBase?: string;
  /** Told the absolute path of every file and folder the listing depends on, present or not. */
  onRead?: (path: string) => void;
}

/**
 * Lists a build context. The ignore file is `<Dockerfile>.dockerignore` beside the Dockerfile when it
 * exists (it then replaces `.dockerignore`, as in BuildKit), else `.dockerignore` at the context root.
 * Empty folders are not listed.
 */
export async function listContext(
  contextDir: string,
  options: ListContextOptions = {},
): Promise<Result<ContextListing, CacheFailure>> {
  const show = (path: string): string => relative(options.displayBase ?? process.cwd(), path) || '.';
  const root = resolve(contextDir);
  options.onRead?.(root);
  try {
    if (!(await stat(root)).isDirectory()) {
      return fail(
        cacheFailure('context-missing', `Cannot read build context "${show(root)}": not a directory`),
      );
    }
  } catch (error) {
    return fail(
      cacheFailure('context-missing', `Cannot read build context "${show(root)}": ${errorDetail(error)}`),
    );
  }
  const dockerfilePath = resolve(root, options.dockerfile ?? 'Dockerfile');
  const ignore = await readIgnoreFile(root, dockerfilePath, options.onRead);
  if (!ignore.ok) {
    const { path, error } = ignore.error;
    return fail(
      cacheFailure(
        'ignore-file-unreadable',
        `Cannot read ignore file "${show(path)}": ${errorDetail(error)}`,
      ),
    );
  }
  let matcher = new IgnoreMatcher([]);
  if (ignore.value) {
    const parsed = parseDockerignore(ignore.value.text, show(ignore.value.path));
    if (!parsed.ok) return parsed;
    matcher = new IgnoreMatcher(parsed.value);
  }
  let files: string[];
  try {
    files = await walkFiles<MatchState>(
      root,
      matcher.rootState(),
      {
        enterDir: (path, parent) => {
          const { excluded, state } = matcher.match(path, parent);
          return excluded && !matcher.mayReincludeBelow(path, state) ? undefined : state;
        },
        includeFile: (path, parent) => !matcher.match(path, parent).excluded,
      },
      '',
      options.onRead,
    );
  } catch (error) {
    return fail(cacheFailure('io-error', `Cannot list build context "${show(root)}": ${errorDetail(error)}`));
  }
  const listing: ContextListing = { files, forced: [] };
  const dockerfile = inside(root, dockerfilePath);
  if (dockerfile !== undefined) listing.dockerfile = dockerfile;
  if (ignore.value) listing.ignoreFile = toSlash(relative(root, ignore.value.path));
  // Docker sends these to the daemon even when the patterns exclude them: it needs to read them.
  for (const path of [dockerfile, ignore.value ? inside(root, ignore.value.path) : undefined]) {
    if (path === undefined || files.includes(path)) continue;
    options.onRead?.(join(root, path));
    if (!(await isFileOrLink(join(root, path)))) continue;
    listing.forced.push(path);
    files.push(path);
  }
  files.sort();
  listing.forced.sort();
  return ok(listing);
}

type IgnoreRead = Result<{ path: string; text: string } | undefined, { path: string; error: unknown }>;

async function readIgnoreFile(
  root: string,
  dockerfilePath: string,
  onRead?: (path: string) => void,
): Promise<IgnoreRead> {
  const candidates = [
    join(dirname(dockerfilePath), `${basename(dockerfilePath)}.dockerignore`),
    join(root, '.dockerignore'),
  ];
  for (const path of candidates) {
    onRead?.(path);
    try {
      return ok({ path, text: await readFile(path, 'utf8') });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') continue;
      return fail({ path, error });
    }
  }
  return ok(undefined);
}

function inside(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined;
  return toSlash(rel);
}

function toSlash(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

async function isFileOrLink(path: string): Promise<boolean> {
  try {
    const s = await lstat(path);
    return s.isFile() || s.isSymbolicLink();
  } catch {
    return false;
  }
}

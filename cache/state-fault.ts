// Why dsg cannot use its state folder: a file system error on `.dsg/` (a read-only or full disk, a
// directory where a file belongs, `.dsg` being a file) turned into one sentence naming the path and what
// to do. Every writer of `.dsg/` reports through here, so the user sees the same words whoever hit it.
import { lstatSync } from 'node:fs';
import { lstat, mkdir, open, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import process from 'node:process';
import { fail, ok, type Result } from '../core/result.ts';
import { cacheFailure, errorCode, errorDetail, type CacheFailure } from './types.ts';

/** Files of `.dsg/` that a directory in their place would break (each writer also reports its own). */
export const stateFileNames = ['lock', 'digests.json'] as const;

/** The failure of an operation on `path` (inside or equal to `stateDir`) that threw `error`. */
export function stateFault(error: unknown, path: string, stateDir: string): CacheFailure {
  const code = errorCode(error);
  const folder = `${shownPath(stateDir, stateDir)}/`;
  const shown = path === stateDir ? folder : shownPath(path, stateDir);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return cacheFailure(
        'state-unusable',
        `Cannot write "${shown}": ${code === 'ENOSPC' ? 'no space left on device' : 'disk quota exceeded'}`,
        {
          hint: `Free space on that disk (\`dsg cache gc --max-size MB\` trims ${folder}), then run again; tasks that finished before are recorded.`,
        },
      );
    case 'EROFS':
      return cacheFailure('state-unusable', `Cannot write "${shown}": read-only file system`, {
        hint: `dsg keeps its cache in ${folder} beside the config file: run it where that folder can be written (a writable copy of the project).`,
      });
    case 'EACCES':
    case 'EPERM':
      return cacheFailure('state-unusable', `Cannot write "${shown}": permission denied`, {
        hint: `Make "${shown}" writable for this user (check its owner, mode and \`lsattr\` flags), or delete ${folder} to start afresh.`,
      });
    case 'EISDIR':
      return cacheFailure(
        'state-unusable',
        `Cannot use "${shown}": it is a directory, where dsg keeps a file`,
        {
          hint: `Remove the directory "${shown}"; dsg writes the file again.`,
        },
      );
    case 'ENOTDIR':
    case 'EEXIST': {
      const file = shownPath(fileInTheWay(path, stateDir), stateDir);
      return cacheFailure('state-unusable', `Cannot use "${file}": it is a file, where dsg keeps a folder`, {
        hint: `Move or delete the file "${file}"; dsg creates the folder.`,
      });
    }
    default:
      return cacheFailure('state-unusable', `Cannot write "${shown}": ${errorDetail(error)}`, {
        hint: `Check that ${folder} can be written, or delete it to start afresh.`,
      });
  }
}

/**
 * Makes sure `stateDir` is a folder this process can write, with no directory where one of its files
 * belongs: one probe file is created and removed, so a read-only or full disk is reported before a run
 * starts rather than after its first task.
 */
export async function prepareStateDir(stateDir: string): Promise<Result<void, CacheFailure>> {
  try {
    const found = await lstat(stateDir).catch((error: unknown) => {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    });
    if (found && !found.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    // Not recursive: Node's recursive mkdir reports a read-only parent as ENOENT, hiding the cause.
    if (!found) await mkdir(stateDir, { mode: 0o700 });
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return prepareStateDir(stateDir);
    return fail(stateFault(error, stateDir, stateDir));
  }
  for (const name of stateFileNames) {
    const path = join(stateDir, name);
    const found = await lstat(path).catch(() => undefined);
    if (found?.isDirectory())
      return fail(stateFault(Object.assign(new Error(), { code: 'EISDIR' }), path, stateDir));
  }
  const probe = join(stateDir, `.probe-${process.pid}`);
  try {
    const handle = await open(probe, 'w');
    // One byte, so a disk with no free block says so now (an empty file needs none).
    await handle.write('.').finally(() => handle.close());
  } catch (error) {
    await rm(probe, { force: true }).catch(() => undefined);
    return fail(stateFault(error, stateDir, stateDir));
  }
  await rm(probe, { force: true });
  return ok(undefined);
}

/** The first of `stateDir` and the folders below it on the way to `path` that is not a folder. */
function fileInTheWay(path: string, stateDir: string): string {
  const rest = relative(stateDir, path)
    .split(sep)
    .filter((part) => part !== '' && part !== '..');
  let at = stateDir;
  for (const part of ['', ...rest]) {
    at = part === '' ? at : join(at, part);
    try {
      if (!lstatSync(at).isDirectory()) return at;
    } catch {
      return stateDir;
    }
  }
  return stateDir;
}

/** `.dsg/records/ab/…json`: the path as the user sees it from the project folder. */
function shownPath(path: string, stateDir: string): string {
  const rel = relative(dirname(stateDir), path);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

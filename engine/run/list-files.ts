// The file lister given to tasks: build contexts exactly as Docker sends them, globs for custom builders.
import { basename, join, posix, sep } from 'node:path';
import { listContext } from '../../cache/build-context.ts';
import { globFiles } from '../../cache/walk.ts';
import type { ListFiles } from '../../core/task-kind.ts';

/** A listing failed for a reason the user can fix (a missing context, a bad ignore pattern). */
export class ListFilesError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * The lister for one project directory; `displayBase` is where paths in messages are shown from. `onRead` is
 * told every file and folder (absolute) a listing depends on, so that a run can prove later that it would
 * list the same files.
 */
export function projectLister(
  projectDir: string,
  displayBase: string,
  onRead?: (path: string) => void,
): ListFiles {
  // Folders under dsg's own state change on every run and are never listed as inputs (withoutState).
  const state = join(projectDir, STATE_DIR);
  const inState = (path: string): boolean => path === state || path.startsWith(`${state}${sep}`);
  const heard =
    onRead &&
    ((path: string): void => {
      if (!inState(path)) onRead(path);
    });
  return async (dir, options = {}) => {
    const under = (file: string): string => (dir === '.' || dir === '' ? file : posix.join(dir, file));
    if (options.globs) {
      const found = await globFiles(join(projectDir, dir), options.globs, heard ? { onRead: heard } : {});
      return withoutState(found.map(under));
    }
    const dockerfile = options.dockerfile ?? dockerfileOfIgnoreFile(options.ignoreFiles?.[0]);
    const listed = await listContext(join(projectDir, dir), {
      displayBase,
      ...(heard ? { onRead: heard } : {}),
      ...(dockerfile !== undefined ? { dockerfile: join(projectDir, dockerfile) } : {}),
    });
    // Expected failures leave through an error class the run turns back into a diagnostic.
    if (!listed.ok) throw new ListFilesError(listed.error.message, listed.error.hint);
    return withoutState(listed.value.files.map(under));
  };
}

// dsg's own state changes on every run: inside a context or a glob it would make every build look changed.
function withoutState(files: string[]): string[] {
  return files.filter((f) => f !== STATE_DIR && !f.startsWith(`${STATE_DIR}/`));
}

const STATE_DIR = '.dsg';

// `api/Dockerfile.dockerignore` belongs to `api/Dockerfile`; a plain `.dockerignore` says nothing about it.
function dockerfileOfIgnoreFile(ignoreFile: string | undefined): string | undefined {
  if (ignoreFile === undefined || basename(ignoreFile) === '.dockerignore') return undefined;
  return ignoreFile.slice(0, -'.dockerignore'.length);
}

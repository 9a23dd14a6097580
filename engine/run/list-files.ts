// The file lister given to tasks: build contexts exactly as Docker sends them, globs for custom builders.
import { basename, join, posix } from 'node:path';
import { listContext } from '../../cache/build-context.ts';
import { globFiles } from '../../cache/walk.ts';
import type { ListFiles } from '../../tasks/types.ts';

/** A listing failed for a reason the user can fix (a missing context, a bad ignore pattern). */
export class ListFilesError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The lister for one project directory; `displayBase` is where paths in messages are shown from. */
export function projectLister(projectDir: string, displayBase: string): ListFiles {
  return async (dir, options = {}) => {
    const under = (file: string): string => (dir === '.' || dir === '' ? file : posix.join(dir, file));
    if (options.globs)
      return withoutState((await globFiles(join(projectDir, dir), options.globs)).map(under));
    const dockerfile = options.dockerfile ?? dockerfileOfIgnoreFile(options.ignoreFiles?.[0]);
    const listed = await listContext(join(projectDir, dir), {
      displayBase,
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

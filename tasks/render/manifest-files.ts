// The manifest files a kubectl deployment names: the one list that the compiler reads for image references
// and render applies. Loaded by every compile, so it loads the glob library only for entries that are globs.
import { readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fail, ok, type Result } from '../../core/result.ts';

/** Files in a folder entry that count as manifests, as `kubectl apply -f DIR` reads them (any case). */
const MANIFEST_FILE = /\.(ya?ml|json)$/i;

// Without one of these characters picomatch sees neither a glob nor a negation.
const GLOB_CHARS = /[*?[\]{}()!@+\\]/;

/**
 * The manifest files a deployment names, project-relative and `/`-separated: a file as is, a folder's
 * manifests (sorted, not recursive), a glob's YAML and JSON matches sorted; each file once, in order of first
 * mention. An entry that names nothing fails. `onRead` is told (absolute) each path named and every folder a
 * glob could walk, so that a later run can prove the list is the same.
 */
export async function manifestFiles(
  projectDir: string,
  entries: readonly string[],
  onRead?: (path: string) => void,
): Promise<Result<string[], string>> {
  const files = new Set<string>();
  for (const entry of entries) {
    const clean = posix
      .normalize(entry.replace(/\\/g, '/'))
      .replace(/^\.\//, '')
      .replace(/(.)\/+$/, '$1');
    const matched = GLOB_CHARS.test(clean) ? await globMatches(projectDir, clean, onRead) : undefined;
    if (matched) {
      if (matched.length === 0) return fail(`Cannot find manifests "${entry}": no YAML or JSON file matches`);
      for (const file of matched) files.add(file);
      continue;
    }
    const path = join(projectDir, clean);
    onRead?.(path);
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) return fail(`Cannot find manifests "${entry}": no such file or folder`);
    if (!info.isDirectory()) {
      files.add(clean);
      continue;
    }
    const names = readdirSync(path, { withFileTypes: true })
      .filter((e) => !e.isDirectory() && MANIFEST_FILE.test(e.name))
      .map((e) => e.name)
      .sort();
    if (names.length === 0)
      return fail(`Cannot find manifests "${entry}": the folder has no YAML or JSON files`);
    for (const name of names) files.add(clean === '.' ? name : `${clean}/${name}`);
  }
  return ok([...files]);
}

/** The sorted YAML and JSON files a glob matches; undefined when `pattern` is not a glob after all. */
async function globMatches(
  projectDir: string,
  pattern: string,
  onRead: ((path: string) => void) | undefined,
): Promise<string[] | undefined> {
  const { glob, isDynamicPattern } = await import('tinyglobby');
  if (!isDynamicPattern(pattern)) return undefined;
  if (onRead) {
    const { globFolders } = await import('./folders.ts');
    for (const folder of await globFolders(projectDir, pattern)) onRead(folder);
  }
  const matches = await glob(pattern, {
    cwd: projectDir,
    onlyFiles: true,
    dot: false,
    expandDirectories: false,
  });
  return matches.filter((m) => MANIFEST_FILE.test(m)).sort();
}

// Moving a project's file times out of the racy window, so that stamps of it may be trusted at once.
import { readdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Sets every file and folder under `dir` ten seconds into the past, out of the racy window. Setting times
 * moves the ctime to now: where ctimes are whole seconds (Deno), the racy rule needs them 3 s old, so wait.
 */
export async function age(dir: string, seconds = 10): Promise<void> {
  // Half past a second: a whole-second mtime reads as a coarse file system's, whose ctime then counts as racy.
  const when = new Date(Math.floor(Date.now() / 1000 - seconds) * 1000 + 500);
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      if (entry.name === '.dsg') continue;
      const child = join(path, entry.name);
      if (entry.isDirectory()) await walk(child);
      await utimes(child, when, when);
    }
  };
  await walk(dir);
  await utimes(dir, when, when);
  const { ctimeMs } = await stat(dir);
  if (ctimeMs % 1000 === 0) await new Promise((r) => setTimeout(r, ctimeMs + 3100 - Date.now()));
}

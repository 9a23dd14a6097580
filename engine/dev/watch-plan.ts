// Which folders `dsg dev` watches: every folder that holds an input of the graph (a file a task's key came from,
// a folder a listing walked, a file looked for), and no other. Inotify watches folders one by one, so a folder
// that holds no input (node_modules beside a context that ignores it, `.git`, dsg's own `.dsg/`) is left out:
// it costs nothing, and edits in it are not seen. Inputs outside every project (a kubeconfig, a tool binary) are
// watched through their own folder.
import { readdirSync, type Dirent } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { statOf } from '../../cache/stamp.ts';

/** One recursively watched folder and the folders below it to leave out. */
export interface WatchRoot {
  dir: string;
  /** Absolute folders under `dir` that hold no input. */
  ignore: string[];
}

/** What to watch: a few roots (the project folders first), none inside another. */
export interface WatchPlan {
  roots: WatchRoot[];
  /** How many folders the plan watches, for the ready line and the inotify limit. */
  folders: number;
}

/** Folders never watched: dsg's own state changes on every run, git's on every commit. */
const NEVER = new Set(['.dsg', '.git']);

/**
 * The plan for `projectDirs` and the absolute input `paths` of the graph and its config; folders in `whole`
 * (projects with a task that could not name its inputs) are watched with everything below them.
 */
export function planWatch(
  projectDirs: readonly string[],
  paths: Iterable<string>,
  whole: Iterable<string> = [],
): WatchPlan {
  const wholeDirs = [...whole];
  const needed = new Set<string>();
  const candidates = new Set(projectDirs.filter((d) => statOf(d)?.isDirectory()));
  const inside = (path: string, dir: string): boolean => path === dir || path.startsWith(dir + sep);
  for (const path of paths) {
    const isDir = statOf(path)?.isDirectory() === true;
    let dir = isDir ? path : dirname(path);
    if (![...candidates].some((root) => inside(path, root))) {
      // Outside every project: its own folder, when there is one.
      if (!statOf(dir)?.isDirectory()) continue;
      candidates.add(dir);
    }
    for (; !needed.has(dir); dir = dirname(dir)) {
      needed.add(dir);
      if (dirname(dir) === dir) break;
    }
  }
  // A root inside another root is watched through it.
  const sorted = [...candidates].sort((a, b) => a.length - b.length);
  const roots: string[] = [];
  for (const dir of sorted) if (!roots.some((r) => inside(dir, r))) roots.push(dir);
  let folders = 0;
  const plan = roots.map((dir): WatchRoot => {
    const ignore: string[] = [];
    const stack = [dir];
    for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
      folders++;
      for (const entry of folderEntries(at)) {
        if (!entry.isDirectory()) continue;
        const sub = join(at, entry.name);
        const wanted = needed.has(sub) || wholeDirs.some((w) => inside(sub, w));
        if (wanted && !NEVER.has(entry.name)) stack.push(sub);
        // The watcher reads a name with glob characters as a pattern: such a folder stays watched.
        else if (!/[*?[\]{}()!]/.test(sub)) ignore.push(sub);
        else stack.push(sub);
      }
    }
    return { dir, ignore: ignore.sort() };
  });
  return { roots: plan, folders };
}

/** The entries of a folder; none when it cannot be read (gone since, or not a folder). */
export function folderEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** True when two plans watch the same folders. */
export function samePlan(a: WatchPlan, b: WatchPlan): boolean {
  return JSON.stringify(a.roots) === JSON.stringify(b.roots);
}

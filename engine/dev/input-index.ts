// From a changed path to what it affects: the tasks whose keys were computed from it (the paths each decision
// named: input files, folders a listing walked, files looked for) and the config (the paths loading and
// compiling read). A file created or deleted also changes the listing of its folder; a file only written
// does not, so an edit of a file a .dockerignore leaves out affects nothing.
import { dirname, sep } from 'node:path';
import type { FileChange } from './watcher.ts';

/** What a batch of changes affects. */
export interface Affected {
  /** Task id → the changed paths that affect it. */
  tasks: Map<string, string[]>;
  /** Changed paths the config was read from: the graph must be compiled again. */
  config: string[];
  /** Changed paths that affect nothing. */
  unmatched: string[];
}

/** The index of every path the graph's keys and config were computed from. */
export class InputIndex {
  private readonly byPath = new Map<string, Set<string>>();
  private readonly pathsOf = new Map<string, readonly string[]>();
  /** Tasks that could not name their inputs, by project folder: any change in it affects them. */
  private readonly unnamed = new Map<string, string>();
  private config = new Set<string>();

  /** Records the paths `id`'s key came from (undefined: its kind cannot name them). */
  setTask(id: string, reads: readonly string[] | undefined, projectDir: string): void {
    this.dropTask(id);
    if (reads === undefined) {
      this.unnamed.set(id, projectDir);
      return;
    }
    this.pathsOf.set(id, reads);
    for (const path of reads) {
      let ids = this.byPath.get(path);
      if (!ids) this.byPath.set(path, (ids = new Set()));
      ids.add(id);
    }
  }

  /** Forgets a task (it left the graph). */
  dropTask(id: string): void {
    this.unnamed.delete(id);
    for (const path of this.pathsOf.get(id) ?? []) {
      const ids = this.byPath.get(path);
      ids?.delete(id);
      if (ids?.size === 0) this.byPath.delete(path);
    }
    this.pathsOf.delete(id);
  }

  /** Whether `id`'s inputs are known. */
  has(id: string): boolean {
    return this.pathsOf.has(id) || this.unnamed.has(id);
  }

  /** The ids of the indexed tasks. */
  tasks(): string[] {
    return [...this.pathsOf.keys(), ...this.unnamed.keys()];
  }

  /** The project folders of tasks that could not name their inputs: watched whole. */
  unnamedDirs(): Set<string> {
    return new Set(this.unnamed.values());
  }

  /** Replaces the paths the config was loaded and compiled from. */
  setConfig(paths: Iterable<string>): void {
    this.config = new Set(paths);
  }

  /** Every indexed path: the config's and every task's (what the watcher must cover). */
  paths(): IterableIterator<string> {
    const all = new Set([...this.config, ...this.byPath.keys()]);
    return all.values();
  }

  /** What `changes` affect. */
  affected(changes: readonly FileChange[]): Affected {
    const tasks = new Map<string, string[]>();
    const config: string[] = [];
    const unmatched: string[] = [];
    const add = (id: string, path: string): void => {
      const list = tasks.get(id);
      if (!list) tasks.set(id, [path]);
      else if (!list.includes(path)) list.push(path);
    };
    for (const { path, type } of changes) {
      // Created or deleted, the folder's listing changed too.
      const keys = type === 'update' ? [path] : [path, dirname(path)];
      let matched = false;
      if (keys.some((k) => this.config.has(k))) {
        config.push(path);
        matched = true;
      }
      for (const k of keys) {
        for (const id of this.byPath.get(k) ?? []) {
          add(id, path);
          matched = true;
        }
      }
      for (const [id, dir] of this.unnamed) {
        if (path.startsWith(dir + sep)) {
          add(id, path);
          matched = true;
        }
      }
      if (!matched) unmatched.push(path);
    }
    return { tasks, config: [...new Set(config)], unmatched: [...new Set(unmatched)] };
  }
}

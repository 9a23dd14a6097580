// The run memo (a memo of cache/memo.ts): what a successful `dsg run` found — each task's key and output —
// with the stamps of every path those keys were computed from (config files and what the compiler read, input
// files, folders listed, ignore files looked for, tool binaries, the local proofs of artifacts) and digests of
// the variables they depended on. A later identical run whose stamps all hold skips loading the config,
// compiling the graph, listing and digesting files and computing keys: the keys would come out the same. Only
// artifacts that live elsewhere (engine, registry, cluster) are asked again. When some task paths changed, only
// the tasks that name them are decided again. Loaded on every `dsg run`: node built-ins only.
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import process from 'node:process';
import { memoSlot, openMemo, sortedEntries, storeMemo, type MemoSlot } from '../../cache/memo.ts';
import { parseSection } from '../../cache/memo-file.ts';
import type { ReadLog } from '../../cache/read-log.ts';
import { recordFile } from '../../cache/record-file.ts';
import type { TaskOutput } from '../../core/task-kind.ts';

/** Version of the payload; memos of another version are misses. */
const FORMAT = 4;

/** Flags that change how a run is shown or scheduled, never what it computes. */
const PRESENTATION_FLAGS = new Set([
  'json',
  'verbose',
  'parallel',
  'keep-going',
  'max-concurrent-builds',
  'build-sequential',
  'dry-run',
  'lock-timeout',
  'cache-max-size',
]);

/** Flags that make tasks run whatever their keys say: such runs neither use nor store a memo. */
export const FORCING_FLAGS: readonly string[] = ['force-build', 'force-deploy', 'force'];

/** One task as the memoised run ended it. */
export interface MemoTask {
  id: string;
  kind: string;
  key: string;
  /** Upstream task ids within the pipeline. */
  deps: string[];
  output: TaskOutput;
  /** True when only the kind's `status` can tell whether the artifact is still there. */
  check: boolean;
}

/** A memoised task without its output: all a replay needs. */
export type MemoTaskHead = Omit<MemoTask, 'output'>;

/**
 * A memo read back: the pipeline's tasks in order and the warnings loading the config printed; the tasks'
 * outputs and paths are parsed only when asked (a replay needs neither).
 */
export interface RunMemo {
  tasks: MemoTaskHead[];
  notes: string[];
  /** The outputs in task order; undefined when that part of the file is damaged. */
  outputs(): TaskOutput[] | undefined;
  /** The absolute paths each task's key and proof depend on, in task order; undefined when damaged. */
  taskPaths(): string[][] | undefined;
}

/** What a run stores: its tasks with their outputs, and the warnings loading the config printed (as JSON). */
export interface RunMemoEntry {
  tasks: MemoTask[];
  notes: string[];
}

/** What a run's memo depends on, besides the paths it stamps. */
export interface RunMemoRequest {
  /** The project's `.dsg/` directory; its parent is the project directory. */
  stateDir: string;
  cwd: string;
  pipeline: string;
  flags: Record<string, unknown>;
  /** The deployments the run was limited to (`dsg run deploy web api`); none for every one. */
  deployments?: readonly string[];
}

/**
 * A memo found: `stale` are the tasks one of whose paths changed, or whose record is gone (with `reason`, the
 * first such change); every other task is answered by the memo.
 */
export type MemoLookup =
  { ok: true; memo: RunMemo; stale: ReadonlySet<string>; reason?: string } | { ok: false; reason: string };

/** The memo slot of a `dsg run` invocation. */
export function runMemoSlot(request: RunMemoRequest): MemoSlot {
  const key = JSON.stringify({
    pipeline: request.pipeline,
    flags: sortedEntries(request.flags).filter(([name]) => !PRESENTATION_FLAGS.has(name)),
    // Only when given, so the memos of runs over every deployment keep their slots.
    ...(request.deployments?.length ? { deployments: request.deployments } : {}),
    cwd: request.cwd,
    runtime: [process.execPath, process.version],
  });
  return memoSlot(join(request.stateDir, 'run-memo'), key);
}

/** The memo of the slot when its flags, environment, dsg and config still hold, with the tasks gone stale. */
export function lookupRunMemo(
  slot: MemoSlot,
  stateDir: string,
  env: Readonly<Record<string, string>>,
): MemoLookup {
  const found = openMemo(slot, FORMAT, env);
  if (!found.ok) return found;
  const { extra, sections, paths, changed } = found.memo;
  const notes = Array.isArray(extra) && extra.every((n) => typeof n === 'string') ? extra : undefined;
  const tasks = parseSection(sections[0], isTaskHead);
  if (!notes || !tasks || sections.length !== 3) return { ok: false, reason: 'unreadable memo' };
  // Parsed once, and only when needed: a replay needs neither the outputs nor the paths of each task.
  const taskSection = <T>(at: number, valid: (value: unknown) => value is T): (() => T[] | undefined) => {
    let parsed: T[] | undefined;
    return () => {
      parsed ??= parseSection(sections[at], valid);
      return parsed?.length === tasks.length ? parsed : undefined;
    };
  };
  const outputs = taskSection(1, isOutput);
  const indexLists = taskSection(2, isIndexList);
  const stale = new Set<string>();
  let reason: string | undefined;
  if (changed.length > 0) {
    reason = `"${shown(paths[changed[0] ?? 0] ?? '', dirname(stateDir))}" changed`;
    const lists = indexLists();
    if (!lists) return { ok: false, reason: 'unreadable memo' };
    const gone = new Set(changed);
    tasks.forEach((t, i) => {
      if ((lists[i] ?? []).some((n) => gone.has(n))) stale.add(t.id);
    });
  }
  // A record removed by `dsg cache gc` or by hand: its task is decided again.
  for (const task of tasks) {
    if (stale.has(task.id) || existsSync(join(stateDir, recordFile(task.key)))) continue;
    stale.add(task.id);
    reason ??= `the record of ${task.id} is gone`;
  }
  const taskPaths = (): string[][] | undefined =>
    indexLists()?.map((list) => list.map((n) => paths[n] ?? ''));
  const memo: RunMemo = { tasks, notes, outputs, taskPaths };
  return { ok: true, memo, stale, ...(reason !== undefined ? { reason } : {}) };
}

/**
 * Stores the memo of a successful run: `reads` are the paths each task's key and proof depend on, `loaded`
 * what loading and compiling the config read, `startMs` when the run started. Returns why nothing was stored,
 * or undefined.
 */
export function storeRunMemo(
  slot: MemoSlot,
  memo: RunMemoEntry,
  reads: ReadonlyMap<string, readonly string[]>,
  loaded: ReadLog,
  env: Readonly<Record<string, string>>,
  projectDir: string,
  startMs: number,
): Promise<string | undefined> {
  if (loaded.volatile !== undefined) return Promise.resolve(`the config uses ${loaded.volatile}`);
  const list = [...new Set([...reads.values()].flat())].sort();
  const index = new Map(list.map((p, i) => [p, i]));
  const heads: MemoTaskHead[] = memo.tasks.map((t) => ({
    id: t.id,
    kind: t.kind,
    key: t.key,
    deps: t.deps,
    check: t.check,
  }));
  return storeMemo(
    slot,
    {
      format: FORMAT,
      env,
      envNames: loaded.envNames,
      extra: memo.notes,
      sections: [
        JSON.stringify(heads),
        JSON.stringify(memo.tasks.map((t) => t.output)),
        JSON.stringify(memo.tasks.map((t) => (reads.get(t.id) ?? []).map((p) => index.get(p) ?? 0))),
      ],
      fixed: [...loaded.paths],
      paths: list,
      base: projectDir,
    },
    startMs,
  );
}

/** Forgets the slot's memo (a run that ran something has outputs the memo does not know). */
export function dropRunMemo(slot: MemoSlot): void {
  rmSync(slot.file, { force: true });
}

/** A path as a message shows it: relative to the project when inside it. */
function shown(path: string, projectDir: string): string {
  return path.startsWith(projectDir + sep) ? relative(projectDir, path) : path;
}

function isTaskHead(value: unknown): value is MemoTaskHead {
  if (!value || typeof value !== 'object') return false;
  const t = value as Partial<MemoTaskHead>;
  return (
    typeof t.id === 'string' &&
    typeof t.kind === 'string' &&
    typeof t.key === 'string' &&
    typeof t.check === 'boolean' &&
    Array.isArray(t.deps) &&
    t.deps.every((d) => typeof d === 'string')
  );
}

function isOutput(value: unknown): value is TaskOutput {
  if (!value || typeof value !== 'object') return false;
  const o = value as Partial<TaskOutput>;
  return typeof o.digest === 'string' && typeof o.data === 'object' && o.data !== null;
}

function isIndexList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((n) => Number.isInteger(n) && n >= 0);
}

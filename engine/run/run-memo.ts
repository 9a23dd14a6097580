// The run memo: what a successful `dsg run` found — each task's key and output — with the stamps (stat
// results) of every path those keys were computed from: config files, input files, folders listed, ignore
// files looked for, tool binaries, and the local proofs of artifacts. A later identical run whose stamps
// all hold skips loading the config, compiling the graph, listing and digesting files and computing keys:
// the keys would come out the same. Only artifacts that live elsewhere (engine, registry, cluster) are asked
// again. Loaded on every `dsg run`: node built-ins only.
import { Buffer } from 'node:buffer';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import process from 'node:process';
import { codeStamps, hash53, IGNORED_ENV, pruneEntries } from '../graph/output-cache.ts';
import { isInputStamps, racyPath, stampsHold, type InputStamps } from '../graph/input-stamps.ts';
import { recordFile } from '../../cache/record-file.ts';
import type { TaskOutput } from '../../tasks/types.ts';

/** Version of the file format; files of another version are misses. */
const FORMAT = 1;

/** Memos kept per project: one per pipeline and flag combination, the oldest go first. */
const MAX_ENTRIES = 16;

/** Flags that change how a run is shown or scheduled, never what it computes. */
const PRESENTATION_FLAGS = new Set([
  'json',
  'verbose',
  'parallel',
  'keep-going',
  'max-concurrent-builds',
  'build-sequential',
  'dry-run',
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
 * A memo read back: the pipeline's tasks in order, the warnings loading the config printed, and the tasks'
 * outputs, parsed only when asked (a replay never needs them).
 */
export interface RunMemo {
  tasks: MemoTaskHead[];
  notes: string[];
  outputs(): TaskOutput[];
  /** Every path the memo stamped, absolute. */
  paths(): string[];
}

/** What a run stores: its tasks with their outputs, and the warnings loading the config printed. */
export interface RunMemoEntry {
  tasks: MemoTask[];
  notes: string[];
}

/** What a run's memo depends on, besides the files it stamps. */
export interface RunMemoRequest {
  /** The project's `.dsg/` directory; its parent is the project directory. */
  stateDir: string;
  cwd: string;
  pipeline: string;
  flags: Record<string, unknown>;
  env: Readonly<Record<string, string>>;
}

/** Where a run's memo lives and what it must match. */
export interface RunMemoSlot {
  file: string;
  projectDir: string;
  key: string;
  env: string;
}

/**
 * The header line of a memo file. Sections follow, each ending in a newline: the tasks (JSON, without
 * outputs), the outputs (JSON, in task order), the paths (one per line, relative to the project when inside
 * it); then the paths' stats, STAT_FIELDS float64 numbers each.
 */
interface Header {
  format: number;
  key: string;
  env: string;
  code: InputStamps;
  graph: InputStamps;
  notes: string[];
  taskBytes: number;
  outputBytes: number;
  pathBytes: number;
  pathCount: number;
}

/** Per path: kind (0 absent, 1 file, 2 folder, 3 other), size, mtimeMs, ctimeMs, inode. */
const STAT_FIELDS = 5;

/** The memo slot of a `dsg run` invocation. */
export function runMemoSlot(request: RunMemoRequest): RunMemoSlot {
  const flags = Object.entries(request.flags)
    .filter(([name]) => !PRESENTATION_FLAGS.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = JSON.stringify({
    pipeline: request.pipeline,
    flags,
    cwd: request.cwd,
    runtime: [process.execPath, process.version],
  });
  const ignored = new Set([...IGNORED_ENV, 'DSG_DEBUG_RUN_MEMO']);
  const env = JSON.stringify(
    Object.entries(request.env)
      .filter(([k]) => !ignored.has(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  const projectDir = join(request.stateDir, '..');
  return { file: join(request.stateDir, 'run-memo', `${hash53(key)}.memo`), projectDir, key, env };
}

/** The memo of the slot when every stamp in it still holds, else why not. */
export function lookupRunMemo(
  slot: RunMemoSlot,
): { ok: true; memo: RunMemo } | { ok: false; reason: string } {
  let data: Buffer;
  try {
    data = readFileSync(slot.file);
  } catch {
    return { ok: false, reason: 'no memo' };
  }
  const newline = data.indexOf(10);
  let header: unknown;
  try {
    header = JSON.parse(data.toString('utf8', 0, newline < 0 ? data.length : newline));
  } catch {
    return { ok: false, reason: 'unreadable memo' };
  }
  if (!isHeader(header) || header.format !== FORMAT) return { ok: false, reason: 'unreadable memo' };
  if (header.key !== slot.key) return { ok: false, reason: 'other flags' };
  const tasksAt = newline + 1;
  const outputsAt = tasksAt + header.taskBytes + 1;
  const pathsAt = outputsAt + header.outputBytes + 1;
  const statsAt = pathsAt + header.pathBytes + 1;
  if (data.length !== statsAt + header.pathCount * STAT_FIELDS * 8)
    return { ok: false, reason: 'unreadable memo' };
  if (header.env !== slot.env) return { ok: false, reason: 'environment changed' };
  if (!stampsHold(header.code)) return { ok: false, reason: 'dsg changed' };
  if (!stampsHold(header.graph)) return { ok: false, reason: 'config changed' };
  const paths = header.pathCount === 0 ? [] : data.toString('utf8', pathsAt, statsAt - 1).split('\n');
  if (paths.length !== header.pathCount) return { ok: false, reason: 'unreadable memo' };
  // Copied out: a Float64Array needs an aligned buffer.
  const stats = new Float64Array(header.pathCount * STAT_FIELDS);
  data.copy(Buffer.from(stats.buffer), 0, statsAt);
  const prefix = slot.projectDir + sep;
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i] as string;
    const full = isAbsolute(path) ? path : prefix + path;
    if (!statMatches(full, stats, i * STAT_FIELDS)) return { ok: false, reason: `"${path}" changed` };
  }
  const tasks = parseSection(data, tasksAt, header.taskBytes, isTaskHead);
  if (!tasks) return { ok: false, reason: 'unreadable memo' };
  // A record removed by `dsg cache gc` or by hand is a miss for its task: the full path finds out which.
  for (const task of tasks) {
    if (!existsSync(join(slot.projectDir, '.dsg', recordFile(task.key))))
      return { ok: false, reason: `the record of ${task.id} is gone` };
  }
  const outputs = (): TaskOutput[] => {
    const parsed = parseSection(data, outputsAt, header.outputBytes, isOutput);
    if (!parsed || parsed.length !== tasks.length) throw new Error(`The run memo "${slot.file}" is damaged`);
    return parsed;
  };
  const absolute = (): string[] => paths.map((p) => (isAbsolute(p) ? p : prefix + p));
  return { ok: true, memo: { tasks, notes: header.notes, outputs, paths: absolute } };
}

/**
 * Stores the memo of a successful run: `paths` are every path the tasks' keys and proofs depend on, `graph`
 * the stamps of what the config loader and compiler read, `startMs` when the run started. Returns why
 * nothing was stored, or undefined.
 */
export async function storeRunMemo(
  slot: RunMemoSlot,
  memo: RunMemoEntry,
  paths: Iterable<string>,
  graph: InputStamps,
  startMs: number,
): Promise<string | undefined> {
  const code = codeStamps(import.meta.url);
  if (!code) return 'the code folder is too large to stamp';
  const prefix = slot.projectDir + sep;
  const list = [...new Set(paths)].sort();
  const stats = new Float64Array(list.length * STAT_FIELDS);
  const shown: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const path = list[i] as string;
    if (path.includes('\n')) return `the path "${path}" holds a line break`;
    const s = statOf(path);
    const at = i * STAT_FIELDS;
    if (s) {
      stats[at] = s.isFile() ? 1 : s.isDirectory() ? 2 : 3;
      stats[at + 1] = s.size;
      stats[at + 2] = s.mtimeMs;
      stats[at + 3] = s.ctimeMs;
      stats[at + 4] = s.ino;
      if (isRacy(s.mtimeMs, s.ctimeMs, startMs))
        return `"${path}" changed too recently to trust its timestamp`;
    }
    shown.push(path.startsWith(prefix) ? path.slice(prefix.length) : path);
  }
  // dsg's own code is not checked: it changes by a rebuild, never within a run's timestamp tick.
  const racy = racyPath(graph, startMs);
  if (racy !== undefined) return `"${racy}" changed too recently to trust its timestamp`;
  const heads: MemoTaskHead[] = memo.tasks.map((t) => ({
    id: t.id,
    kind: t.kind,
    key: t.key,
    deps: t.deps,
    check: t.check,
  }));
  const taskText = Buffer.from(JSON.stringify(heads));
  const outputText = Buffer.from(JSON.stringify(memo.tasks.map((t) => t.output)));
  const pathText = Buffer.from(shown.join('\n'), 'utf8');
  const header: Header = {
    format: FORMAT,
    key: slot.key,
    env: slot.env,
    code,
    graph,
    notes: memo.notes,
    taskBytes: taskText.length,
    outputBytes: outputText.length,
    pathBytes: pathText.length,
    pathCount: shown.length,
  };
  const newline = Buffer.from('\n');
  const entry = Buffer.concat([
    Buffer.from(`${JSON.stringify(header)}\n`),
    taskText,
    newline,
    outputText,
    newline,
    pathText,
    newline,
    Buffer.from(stats.buffer),
  ]);
  const dir = join(slot.file, '..');
  try {
    mkdirSync(dir, { recursive: true });
    const { writeFileAtomic } = await import('../../cache/atomic.ts');
    await writeFileAtomic(slot.file, entry);
  } catch {
    return `cannot write "${slot.file}"`;
  }
  pruneEntries(dir, slot.file, MAX_ENTRIES);
  return undefined;
}

/** Forgets the slot's memo (a run that ran something has outputs the memo does not know). */
export function dropRunMemo(slot: RunMemoSlot): void {
  rmSync(slot.file, { force: true });
}

/**
 * As in git's racy rule: a path written within a timestamp tick of the run's start could change again without
 * its stamp changing. Whole-second times may come from a file system (or runtime: Deno reports ctime in whole
 * seconds) that keeps nothing finer; a ctime that coarse is all that tells a rewrite under a restored mtime.
 */
function isRacy(mtimeMs: number, ctimeMs: number, startMs: number): boolean {
  if (mtimeMs > startMs - (mtimeMs % 1000 === 0 ? 3000 : 500)) return true;
  return ctimeMs % 1000 === 0 && ctimeMs > startMs - 3000;
}

/** The stat of `path`, or undefined when there is nothing to stat (absent, or below a file). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function statMatches(path: string, stats: Float64Array, at: number): boolean {
  const s = statOf(path);
  if (!s) return stats[at] === 0;
  return (
    stats[at] === (s.isFile() ? 1 : s.isDirectory() ? 2 : 3) &&
    stats[at + 1] === s.size &&
    stats[at + 2] === s.mtimeMs &&
    stats[at + 3] === s.ctimeMs &&
    stats[at + 4] === s.ino
  );
}

function parseSection<T>(
  data: Buffer,
  at: number,
  bytes: number,
  valid: (value: unknown) => value is T,
): T[] | undefined {
  try {
    const value = JSON.parse(data.toString('utf8', at, at + bytes)) as unknown;
    return Array.isArray(value) && value.every(valid) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isHeader(value: unknown): value is Header {
  if (!value || typeof value !== 'object') return false;
  const h = value as Partial<Header>;
  return (
    typeof h.format === 'number' &&
    typeof h.key === 'string' &&
    typeof h.env === 'string' &&
    isInputStamps(h.code) &&
    isInputStamps(h.graph) &&
    Array.isArray(h.notes) &&
    h.notes.every((n) => typeof n === 'string') &&
    [h.taskBytes, h.outputBytes, h.pathBytes, h.pathCount].every((n) => Number.isInteger(n))
  );
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

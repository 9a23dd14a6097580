// The run memo: what a successful `dsg run` found — each task's key and output — with the stamps (stat
// results) of every path those keys were computed from: config files, input files, folders listed, ignore
// files looked for, tool binaries, and the local proofs of artifacts. A later identical run whose stamps
// all hold skips loading the config, compiling the graph, listing and digesting files and computing keys:
// the keys would come out the same. Only artifacts that live elsewhere (engine, registry, cluster) are asked
// again. Loaded on every `dsg run`: node built-ins only.
import type { Buffer } from 'node:buffer';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import process from 'node:process';
import {
  codeStamps,
  envKey,
  hash53,
  IGNORED_ENV,
  pruneEntries,
  sortedEntries,
} from '../graph/output-cache.ts';
import { isInputStamps, racyPath, stampsHold, statOf, type InputStamps } from '../graph/input-stamps.ts';
import { recordFile } from '../../cache/record-file.ts';
import {
  decodeMemoFile,
  encodeMemoFile,
  isRacy,
  parseSection,
  putStat,
  STAT_FIELDS,
  statMatches,
} from './run-memo-file.ts';
import type { TaskOutput } from '../../core/task-kind.ts';

/** Version of the file format; files of another version are misses. */
const FORMAT = 2;

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
 * A memo found: `stale` are the tasks one of whose paths changed, or whose record is gone (with `reason`, the
 * first such change); every other task is answered by the memo.
 */
export type MemoLookup =
  { ok: true; memo: RunMemo; stale: ReadonlySet<string>; reason?: string } | { ok: false; reason: string };

/**
 * The header line of a memo file. Its sections: the tasks without outputs, the outputs, each task's path
 * indices (JSON), the paths (one per line, relative to the project when inside it); then each path's stats.
 */
interface Header {
  format: number;
  key: string;
  env: string;
  code: InputStamps;
  graph: InputStamps;
  notes: string[];
}

/** The memo slot of a `dsg run` invocation. */
export function runMemoSlot(request: RunMemoRequest): RunMemoSlot {
  const key = JSON.stringify({
    pipeline: request.pipeline,
    flags: sortedEntries(request.flags).filter(([name]) => !PRESENTATION_FLAGS.has(name)),
    cwd: request.cwd,
    runtime: [process.execPath, process.version],
  });
  const env = envKey(request.env, [...IGNORED_ENV, 'DSG_DEBUG_RUN_MEMO']);
  const projectDir = join(request.stateDir, '..');
  return { file: join(request.stateDir, 'run-memo', `${hash53(key)}.memo`), projectDir, key, env };
}

/** The memo of the slot when its flags, environment, dsg and config still hold, with the tasks gone stale. */
export function lookupRunMemo(slot: RunMemoSlot): MemoLookup {
  let data: Buffer;
  try {
    data = readFileSync(slot.file);
  } catch {
    return { ok: false, reason: 'no memo' };
  }
  const file = decodeMemoFile(data, isHeader);
  if (!file || file.header.format !== FORMAT || file.sections.length !== 4)
    return { ok: false, reason: 'unreadable memo' };
  const { header, sections, stats } = file;
  if (header.key !== slot.key) return { ok: false, reason: 'other flags' };
  if (header.env !== slot.env) return { ok: false, reason: 'environment changed' };
  if (!stampsHold(header.code)) return { ok: false, reason: 'dsg changed' };
  if (!stampsHold(header.graph)) return { ok: false, reason: 'config changed' };
  const text = sections[3]?.toString('utf8') ?? '';
  const paths = text === '' ? [] : text.split('\n');
  const tasks = parseSection(sections[0], isTaskHead);
  if (!tasks || paths.length * STAT_FIELDS !== stats.length) return { ok: false, reason: 'unreadable memo' };
  const prefix = slot.projectDir + sep;
  const full = (path: string): string => (isAbsolute(path) ? path : prefix + path);
  const changed = new Set<number>();
  for (let i = 0; i < paths.length; i++)
    if (!statMatches(full(paths[i] as string), stats, i * STAT_FIELDS)) changed.add(i);
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
  if (changed.size > 0) {
    reason = `"${paths[Math.min(...changed)] ?? ''}" changed`;
    const lists = indexLists();
    if (!lists) return { ok: false, reason: 'unreadable memo' };
    tasks.forEach((t, i) => {
      if ((lists[i] ?? []).some((n) => changed.has(n))) stale.add(t.id);
    });
  }
  // A record removed by `dsg cache gc` or by hand: its task is decided again.
  for (const task of tasks) {
    if (stale.has(task.id) || existsSync(join(slot.projectDir, '.dsg', recordFile(task.key)))) continue;
    stale.add(task.id);
    reason ??= `the record of ${task.id} is gone`;
  }
  const taskPaths = (): string[][] | undefined =>
    indexLists()?.map((list) => list.map((n) => full(paths[n] ?? '')));
  const memo: RunMemo = { tasks, notes: header.notes, outputs, taskPaths };
  return { ok: true, memo, stale, ...(reason !== undefined ? { reason } : {}) };
}

/**
 * Stores the memo of a successful run: `reads` are the paths each task's key and proof depend on, `graph`
 * the stamps of what the config loader and compiler read, `startMs` when the run started. Returns why
 * nothing was stored, or undefined.
 */
export async function storeRunMemo(
  slot: RunMemoSlot,
  memo: RunMemoEntry,
  reads: ReadonlyMap<string, readonly string[]>,
  graph: InputStamps,
  startMs: number,
): Promise<string | undefined> {
  const code = codeStamps(import.meta.url);
  if (!code) return 'the code folder is too large to stamp';
  const prefix = slot.projectDir + sep;
  const list = [...new Set([...reads.values()].flat())].sort();
  const index = new Map(list.map((p, i) => [p, i]));
  const stats = new Float64Array(list.length * STAT_FIELDS);
  for (let i = 0; i < list.length; i++) {
    const path = list[i] as string;
    if (path.includes('\n')) return `the path "${path}" holds a line break`;
    const s = statOf(path);
    if (s && isRacy(s, startMs)) return `"${path}" changed too recently to trust its timestamp`;
    putStat(stats, i * STAT_FIELDS, s);
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
  const header: Header = { format: FORMAT, key: slot.key, env: slot.env, code, graph, notes: memo.notes };
  const sections = [
    JSON.stringify(heads),
    JSON.stringify(memo.tasks.map((t) => t.output)),
    JSON.stringify(memo.tasks.map((t) => (reads.get(t.id) ?? []).map((p) => index.get(p) ?? 0))),
    list.map((p) => (p.startsWith(prefix) ? p.slice(prefix.length) : p)).join('\n'),
  ];
  const dir = join(slot.file, '..');
  try {
    mkdirSync(dir, { recursive: true });
    const { writeFileAtomic } = await import('../../cache/atomic.ts');
    await writeFileAtomic(slot.file, encodeMemoFile(header, sections, stats));
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
    h.notes.every((n) => typeof n === 'string')
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

function isIndexList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((n) => Number.isInteger(n) && n >= 0);
}

// Pruning the whole state folder by age and total size: records and task pointers, logs, run summaries, run
// and graph memos, rendered files. What the latest run needs stays whatever its age: the records its tasks
// point to, their logs and rendered files, the latest run summary, the newest memo of each kind, the
// file-digest memo, and what deploys left to prune by (`deployed/`). Everything else goes oldest first.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile } from './atomic.ts';
import { gcStore, type GcRemoval } from './gc.ts';
import { listRuns } from './runs.ts';
import { taskIdFromSafeName } from './safe-name.ts';
import { openStore, type StoredRecordInfo } from './store.ts';

/** What to prune. */
export interface StateGcOptions {
  /** Remove what is not needed and older than this. */
  maxAgeMs?: number;
  /** Then remove what is not needed, oldest first, until the whole folder holds at most this many bytes. */
  maxBytes?: number;
  /** The current time in ms, for tests. */
  now?: number;
}

/** One thing gc removed. */
export interface StateRemoval {
  /** Relative to the state folder. */
  file: string;
  part: StatePart;
  bytes: number;
  reason: GcRemoval['reason'];
}

/** The parts of `.dsg/` gc prunes. */
export type StatePart = 'record' | 'log' | 'run' | 'memo' | 'rendered';

/** What gc did, and what is left. */
export interface StateGcReport {
  removed: StateRemoval[];
  freedBytes: number;
  /** Bytes of the whole folder after pruning. */
  keptBytes: number;
  keptRecords: number;
}

/** One removable thing. */
interface Item {
  file: string;
  part: StatePart;
  bytes: number;
  timeMs: number;
  needed: boolean;
  remove(): Promise<void>;
}

/** Prunes `stateDir` (see the file comment); damaged records and stray temp files always go. */
export async function gcStateDir(stateDir: string, options: StateGcOptions = {}): Promise<StateGcReport> {
  const now = options.now ?? Date.now();
  const store = openStore(stateDir);
  // Damaged records and a crash's temp files first, with no limit: nothing of value is lost.
  const swept = await gcStore(store, { now });
  const removed: StateRemoval[] = swept.removed.map((r) => ({
    file: r.file,
    part: 'record',
    bytes: r.bytes,
    reason: r.reason,
  }));
  const items = await collect(stateDir, store);
  const drop = async (item: Item, reason: GcRemoval['reason']): Promise<void> => {
    await item.remove();
    removed.push({ file: item.file, part: item.part, bytes: item.bytes, reason });
  };
  const kept: Item[] = [];
  for (const item of items.sort((a, b) => a.timeMs - b.timeMs)) {
    const expired = options.maxAgeMs !== undefined && now - item.timeMs > options.maxAgeMs;
    if (expired && !item.needed) await drop(item, 'age');
    else kept.push(item);
  }
  let total = await bytesOf(stateDir);
  const survivors: Item[] = [];
  for (const item of kept) {
    if (options.maxBytes !== undefined && total > options.maxBytes && !item.needed) {
      await drop(item, 'size');
      total -= item.bytes;
    } else {
      survivors.push(item);
    }
  }
  return {
    removed,
    freedBytes: removed.reduce((sum, r) => sum + r.bytes, 0),
    keptBytes: await bytesOf(stateDir),
    keptRecords: survivors.filter((i) => i.part === 'record').length,
  };
}

/** Everything gc may remove, each marked with whether the latest run needs it. */
async function collect(stateDir: string, store: ReturnType<typeof openStore>): Promise<Item[]> {
  const latestRun = (await listRuns(stateDir, 1))[0];
  // Without a run summary (a cache written before summaries existed), every task's last success is needed.
  const tasks = latestRun ? new Set(latestRun.tasks.map((t) => t.id)) : undefined;
  const neededRecord = (r: StoredRecordInfo): boolean =>
    r.latest && (tasks === undefined || tasks.has(r.taskId));
  const records = await store.list();
  const renderedNeeded = new Set<string>();
  for (const r of records.filter(neededRecord)) {
    const read = await readJsonFile(join(stateDir, r.file));
    const data =
      read.status === 'ok' ? (read.value as { output?: { data?: unknown } }).output?.data : undefined;
    for (const key of ['file', 'valuesFile']) {
      const value = (data as Record<string, unknown> | undefined)?.[key];
      if (typeof value === 'string' && value.startsWith('rendered/')) renderedNeeded.add(renderedBase(value));
    }
  }
  const items: Item[] = records.map((r) => ({
    file: r.file,
    part: 'record',
    bytes: r.bytes,
    timeMs: Date.parse(r.finishedAt),
    needed: neededRecord(r),
    remove: () => store.remove(r),
  }));
  const files = async (dir: string, part: StatePart, needed: (name: string, newest: boolean) => boolean) => {
    const found = await filesIn(join(stateDir, dir));
    const newest = found.reduce((a, f) => Math.max(a, f.timeMs), 0);
    for (const f of found) {
      items.push({
        file: `${dir}/${f.name}`,
        part,
        bytes: f.bytes,
        timeMs: f.timeMs,
        needed: needed(f.name, f.timeMs === newest),
        remove: () => rm(join(stateDir, dir, f.name), { force: true }),
      });
    }
  };
  await files('logs', 'log', (name) => tasks?.has(taskIdFromSafeName(name.replace(/\.log$/, ''))) ?? true);
  // Another reader (the HTML graph view) reads the run summaries too: the latest always stays.
  await files('runs', 'run', (_, newest) => newest);
  await files('run-memo', 'memo', (_, newest) => newest);
  await files('graph-cache', 'memo', (_, newest) => newest);
  await files('rendered', 'rendered', (name) => renderedNeeded.has(renderedBase(`rendered/${name}`)));
  return items;
}

/** `rendered/web.values.yaml` → `web`: the task's files share one base name. */
function renderedBase(file: string): string {
  return file.slice('rendered/'.length).replace(/(\.values)?\.(yaml|json)$/, '');
}

async function filesIn(dir: string): Promise<{ name: string; bytes: number; timeMs: number }[]> {
  const out: { name: string; bytes: number; timeMs: number }[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    try {
      const s = await stat(join(dir, name));
      if (s.isFile()) out.push({ name, bytes: s.size, timeMs: s.mtimeMs });
    } catch {
      // Removed meanwhile.
    }
  }
  return out;
}

/** Total bytes of a file, or of every file under a folder; 0 when absent. */
export async function bytesOf(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) return s.size;
    let total = 0;
    for (const entry of await readdir(path)) total += await bytesOf(join(path, entry));
    return total;
  } catch {
    return 0;
  }
}

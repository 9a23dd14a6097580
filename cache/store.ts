// The record store: one JSON file per successful task run, stored by key (`records/ab/abcdef….json`),
// plus a pointer per task to its last success (`tasks/<task>.json`) for `dsg why`. Written only after the
// task succeeded, each file atomically; a damaged file is a miss with a warning, never a throw.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile, tempMarker, writeFileAtomic } from './atomic.ts';
import { stateFault } from './state-fault.ts';
import type { KeyRecord } from './key.ts';
import { recordFile } from './record-file.ts';
import { safeTaskName } from './safe-name.ts';
import { cacheFailure, type CacheFailure } from './types.ts';
import { fail, ok, type Result } from '../core/result.ts';
import type { Json } from '../core/json.ts';

/** A task's output as stored: its digest (for downstream keys) and its data (for downstream tasks). */
export interface StoredOutput {
  digest: string;
  data: { [key: string]: Json };
}

/** One successful run of one task. */
export interface StoreEntry {
  key: string;
  taskId: string;
  record: KeyRecord;
  output: StoredOutput;
  /** ISO timestamp. */
  finishedAt: string;
  durationMs: number;
}

/** A lookup: a hit, or a miss that may carry a warning about a damaged file. */
export type StoreLookup = { hit: true; entry: StoreEntry } | { hit: false; warning?: CacheFailure };

/** A stored record as listed by `list`, without its content. */
export interface StoredRecordInfo {
  key: string;
  taskId: string;
  finishedAt: string;
  durationMs: number;
  bytes: number;
  /** True when it is its task's last success. */
  latest: boolean;
  /** True when the file cannot be read as a record (its other fields are then placeholders). */
  damaged: boolean;
  /** Path relative to the state directory. */
  file: string;
}

/** The record store of one state directory (`.dsg/`). */
export class Store {
  constructor(readonly stateDir: string) {}

  /** Path of the record for `key`, relative to the state directory. */
  recordFile(key: string): string {
    return recordFile(key);
  }

  /** Path of the pointer to a task's last success, relative to the state directory. */
  taskFile(taskId: string): string {
    return `tasks/${safeTaskName(taskId)}.json`;
  }

  /** The entry stored under `key`. */
  async get(key: string): Promise<StoreLookup> {
    const file = this.recordFile(key);
    const read = await readJsonFile(join(this.stateDir, file));
    if (read.status === 'missing') return { hit: false };
    if (read.status === 'corrupt') return damaged(file, read.detail);
    const problem = entryProblem(read.value, key);
    if (problem !== undefined) return damaged(file, problem);
    return { hit: true, entry: read.value as StoreEntry };
  }

  /** Stores a successful run: the record first, then the task's pointer to it. */
  async put(entry: StoreEntry): Promise<Result<void, CacheFailure>> {
    const recordPath = join(this.stateDir, this.recordFile(entry.key));
    const pointerPath = join(this.stateDir, this.taskFile(entry.taskId));
    let writing = recordPath;
    try {
      await writeFileAtomic(recordPath, JSON.stringify(entry));
      writing = pointerPath;
      const pointer = { taskId: entry.taskId, key: entry.key, finishedAt: entry.finishedAt };
      await writeFileAtomic(pointerPath, JSON.stringify(pointer));
      return ok(undefined);
    } catch (error) {
      return fail(stateFault(error, writing, this.stateDir));
    }
  }

  /** The key of a task's last success, if known. */
  async lastKey(taskId: string): Promise<string | undefined> {
    const read = await readJsonFile(join(this.stateDir, this.taskFile(taskId)));
    if (read.status !== 'ok' || typeof read.value !== 'object' || read.value === null) return undefined;
    const { key, taskId: id } = read.value as { key?: unknown; taskId?: unknown };
    return typeof key === 'string' && id === taskId ? key : undefined;
  }

  /** A task's last successful run, for `dsg why` and the `input changed: …` reason. */
  async lastSuccess(taskId: string): Promise<StoreLookup> {
    const key = await this.lastKey(taskId);
    return key === undefined ? { hit: false } : this.get(key);
  }

  /** Every stored record (damaged ones included, with what could be read), oldest first. */
  async list(): Promise<StoredRecordInfo[]> {
    const latest = new Set<string>();
    for (const name of await names(join(this.stateDir, 'tasks'))) {
      const read = await readJsonFile(join(this.stateDir, 'tasks', name));
      const key = read.status === 'ok' ? (read.value as { key?: unknown } | null)?.key : undefined;
      if (typeof key === 'string') latest.add(key);
    }
    const infos: StoredRecordInfo[] = [];
    for (const shard of await names(join(this.stateDir, 'records'))) {
      for (const name of await names(join(this.stateDir, 'records', shard))) {
        if (!name.endsWith('.json')) continue;
        const file = `records/${shard}/${name}`;
        const key = name.slice(0, -'.json'.length);
        const read = await readJsonFile(join(this.stateDir, file));
        const damaged = read.status !== 'ok' || entryProblem(read.value, key) !== undefined;
        const value = damaged ? null : (read.value as StoreEntry);
        const bytes = read.status === 'ok' ? read.bytes : await size(join(this.stateDir, file));
        infos.push({
          key,
          taskId: typeof value?.taskId === 'string' ? value.taskId : '(damaged)',
          finishedAt: typeof value?.finishedAt === 'string' ? value.finishedAt : new Date(0).toISOString(),
          durationMs: typeof value?.durationMs === 'number' ? value.durationMs : 0,
          bytes,
          latest: latest.has(key),
          damaged,
          file,
        });
      }
    }
    return infos.sort((a, b) => Date.parse(a.finishedAt) - Date.parse(b.finishedAt));
  }

  /** Removes one record (and the task pointer, if it pointed to it). */
  async remove(info: Pick<StoredRecordInfo, 'key' | 'taskId' | 'file'>): Promise<void> {
    await rm(join(this.stateDir, info.file), { force: true });
    if ((await this.lastKey(info.taskId)) === info.key) {
      await rm(join(this.stateDir, this.taskFile(info.taskId)), { force: true });
    }
  }

  /** Removes every record and pointer; returns how many records and bytes went. */
  async clear(): Promise<{ records: number; bytes: number }> {
    const all = await this.list();
    await rm(join(this.stateDir, 'records'), { recursive: true, force: true });
    await rm(join(this.stateDir, 'tasks'), { recursive: true, force: true });
    return { records: all.length, bytes: all.reduce((sum, r) => sum + r.bytes, 0) };
  }

  /** Temp files left by writes a crash interrupted, relative to the state directory. */
  async strayTempFiles(): Promise<string[]> {
    const found: string[] = [];
    for (const dir of [
      'tasks',
      ...(await names(join(this.stateDir, 'records'))).map((s) => `records/${s}`),
    ]) {
      for (const name of await names(join(this.stateDir, dir))) {
        if (name.includes(tempMarker)) found.push(`${dir}/${name}`);
      }
    }
    return found;
  }
}

/** Opens the store of a state directory; nothing is created until the first `put`. */
export function openStore(stateDir: string): Store {
  return new Store(stateDir);
}

function damaged(file: string, detail: string): StoreLookup {
  return {
    hit: false,
    warning: cacheFailure('corrupt-file', `Ignoring damaged cache record "${file}": ${detail}`, {
      hint: 'The task runs again and the record is rewritten; `dsg cache gc` removes damaged records.',
    }),
  };
}

/** What is wrong with a parsed record, or undefined when it has the shape of a StoreEntry for `key`. */
function entryProblem(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const e = value as Partial<Record<keyof StoreEntry, unknown>>;
  if (e.key !== key) return 'it is stored under another key';
  if (typeof e.taskId !== 'string' || typeof e.finishedAt !== 'string' || typeof e.durationMs !== 'number') {
    return 'a field is missing';
  }
  const record = e.record as Partial<KeyRecord> | null | undefined;
  if (typeof record !== 'object' || record === null || record.schema !== 1)
    return 'the input record is missing';
  const output = e.output as Partial<StoredOutput> | null | undefined;
  if (typeof output?.digest !== 'string' || typeof output.data !== 'object' || output.data === null) {
    return 'the output is missing';
  }
  return undefined;
}

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function size(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

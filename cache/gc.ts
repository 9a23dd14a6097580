// Pruning the record store by age and total size. A task's last success is kept by default: removing it
// would turn the next run of an unchanged task into a rebuild.
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store, StoredRecordInfo } from './store.ts';

/** What to prune. With neither limit, only damaged records and stray temp files go. */
export interface GcOptions {
  /** Remove records that finished longer ago than this. */
  maxAgeMs?: number;
  /** Then remove the oldest records until the store holds at most this many bytes. */
  maxBytes?: number;
  /** Keep every task's last success whatever its age or size (default true). */
  keepLatest?: boolean;
  /** The current time in ms, for tests. */
  now?: number;
}

/** One file gc removed. */
export interface GcRemoval {
  file: string;
  key: string;
  taskId: string;
  bytes: number;
  reason: 'age' | 'size' | 'damaged' | 'temp';
}

/** What gc did. */
export interface GcReport {
  removed: GcRemoval[];
  freedBytes: number;
  keptRecords: number;
  keptBytes: number;
}

/** Temp files younger than this may belong to a run writing right now. */
const strayTempAgeMs = 60 * 60 * 1000;

/** Removes damaged records, stray temp files, then records by age and by total size, oldest first. */
export async function gcStore(store: Store, options: GcOptions = {}): Promise<GcReport> {
  const now = options.now ?? Date.now();
  const keepLatest = options.keepLatest ?? true;
  const removed: GcRemoval[] = [];
  const drop = async (info: StoredRecordInfo, reason: GcRemoval['reason']): Promise<void> => {
    await store.remove(info);
    removed.push({ file: info.file, key: info.key, taskId: info.taskId, bytes: info.bytes, reason });
  };
  let kept: StoredRecordInfo[] = [];
  // list() is oldest first, so age and size both walk from the front.
  for (const info of await store.list()) {
    const expired = options.maxAgeMs !== undefined && now - Date.parse(info.finishedAt) > options.maxAgeMs;
    if (info.damaged) await drop(info, 'damaged');
    else if (expired && !(keepLatest && info.latest)) await drop(info, 'age');
    else kept.push(info);
  }
  if (options.maxBytes !== undefined) {
    let total = kept.reduce((sum, r) => sum + r.bytes, 0);
    const survivors: StoredRecordInfo[] = [];
    for (const info of kept) {
      if (total > options.maxBytes && !(keepLatest && info.latest)) {
        await drop(info, 'size');
        total -= info.bytes;
      } else {
        survivors.push(info);
      }
    }
    kept = survivors;
  }
  for (const file of await store.strayTempFiles()) {
    const path = join(store.stateDir, file);
    try {
      const s = await stat(path);
      if (now - s.mtimeMs < strayTempAgeMs) continue;
      await rm(path, { force: true });
      removed.push({ file, key: '', taskId: '', bytes: s.size, reason: 'temp' });
    } catch {
      // Gone already: another gc or the writer renamed it.
    }
  }
  return {
    removed,
    freedBytes: removed.reduce((sum, r) => sum + r.bytes, 0),
    keptRecords: kept.length,
    keptBytes: kept.reduce((sum, r) => sum + r.bytes, 0),
  };
}

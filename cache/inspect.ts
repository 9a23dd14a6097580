// Data for `dsg cache ls|clear|gc`: what the cache holds, emptying it, pruning it. The CLI prints these.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { digestsFileName } from './file-digests.ts';
import { bytesOf, gcStateDir, type StateGcOptions, type StateGcReport } from './gc-state.ts';
import { shortKey } from './key.ts';
import { openStore } from './store.ts';

/** One row of `dsg cache ls`. */
export interface CacheRow {
  taskId: string;
  /** The first 12 hex digits of the key. */
  keyPrefix: string;
  key: string;
  ageMs: number;
  bytes: number;
  /** The task's last success (what `dsg why` diffs against). */
  latest: boolean;
  damaged: boolean;
}

/** `dsg cache ls`: records newest first, and the size of each part of the state directory. */
export interface CacheListing {
  rows: CacheRow[];
  recordBytes: number;
  /** Bytes of the file-digest memo, task logs, run summaries, rendered manifests, run and graph memos. */
  otherBytes: { digests: number; logs: number; runs: number; rendered: number; memos: number };
}

/** Lists the cache of a state directory. */
export async function cacheList(stateDir: string, now = Date.now()): Promise<CacheListing> {
  const infos = await openStore(stateDir).list();
  const rows = infos.reverse().map((r) => ({
    taskId: r.taskId,
    keyPrefix: shortKey(r.key),
    key: r.key,
    ageMs: Math.max(0, now - Date.parse(r.finishedAt)),
    bytes: r.bytes,
    latest: r.latest,
    damaged: r.damaged,
  }));
  return {
    rows,
    recordBytes: rows.reduce((sum, r) => sum + r.bytes, 0),
    otherBytes: {
      digests: await bytesOf(join(stateDir, digestsFileName)),
      logs: await bytesOf(join(stateDir, 'logs')),
      runs: await bytesOf(join(stateDir, 'runs')),
      rendered: await bytesOf(join(stateDir, 'rendered')),
      memos: (await bytesOf(join(stateDir, 'run-memo'))) + (await bytesOf(join(stateDir, 'graph-cache'))),
    },
  };
}

/** What `cacheClear` removed. */
export interface ClearReport {
  records: number;
  bytes: number;
}

/**
 * `dsg cache clear`: removes every record, task pointer, the file-digest memo and the run and graph memos, so
 * every task runs again. Logs and run summaries are history, not cache, and stay.
 */
export async function cacheClear(stateDir: string): Promise<ClearReport> {
  const cleared = await openStore(stateDir).clear();
  const memo = join(stateDir, digestsFileName);
  const memoBytes = await bytesOf(memo);
  await rm(memo, { force: true });
  // `dsg graph` keeps its replayable outputs here, `dsg run` its memos; they are cache too.
  const memos = [join(stateDir, 'graph-cache'), join(stateDir, 'run-memo')];
  let memosBytes = 0;
  for (const dir of memos) {
    memosBytes += await bytesOf(dir);
    await rm(dir, { recursive: true, force: true });
  }
  return { records: cleared.records, bytes: cleared.bytes + memoBytes + memosBytes };
}

/** `dsg cache gc`: prunes the whole state folder by age and size, keeping what the latest run needs. */
export async function cacheGc(stateDir: string, options: StateGcOptions = {}): Promise<StateGcReport> {
  return gcStateDir(stateDir, options);
}

// Opens what a run needs in `.dsg/`: the lock, the record store, the file-digest memo, logs and past durations.
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { FileDigests } from '../../cache/file-digests.ts';
import { acquireLock, describeHolder, type HeldLock, type LockTiming } from '../../cache/lock.ts';
import { roughDuration } from '../../cache/lock-holder.ts';
import { stateFault } from '../../cache/state-fault.ts';
import type { CacheFailure } from '../../cache/types.ts';
import { openTaskLog, type TaskLog } from '../../cache/logs.ts';
import { lastDurations, writeRunSummary } from '../../cache/runs.ts';
import { openStore } from '../../cache/store.ts';
import { error, warning, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { RunSummary } from './events.ts';
import { formatReason } from './reasons.ts';
import type { RunStore } from './run-store.ts';

/** The state a run holds open. */
export interface Session {
  stateDir: string;
  store: RunStore;
  /** The file-digest memo, read on first use: a run that replays a run memo digests nothing. */
  digests(): Promise<FileDigests>;
  /** Each task's last known duration, read on first use. */
  durations(): Promise<Record<string, number>>;
  openLog(taskId: string): { write(line: string): void; close(): Promise<void> };
  /**
   * Writes a run summary (and the digest memo) without ending the session: `dsg dev` records every iteration.
   * A write that fails is kept as the fault `close` returns.
   */
  record(summary: RunSummary, command: string, facts?: RunFacts): Promise<void>;
  /**
   * Saves the digest memo and the run summary (with `facts` when known), releases the lock. Returns the first
   * write to `.dsg/` that failed during the session (a full or read-only disk), as the one error the run ends with.
   */
  close(summary: RunSummary | undefined, command: string, facts?: RunFacts): Promise<Diagnostic | undefined>;
}

/** What a run knows of its tasks beyond the summary, kept in the run summary for `dsg graph --format html`. */
export interface RunFacts {
  /** Task id → its key in this run. */
  keys: ReadonlyMap<string, string>;
  /** Task id → the ids of the tasks it waited for. */
  deps: ReadonlyMap<string, readonly string[]>;
}

/** Options of opening a session. */
export interface SessionOptions {
  projectDir: string;
  command: string;
  signal: AbortSignal;
  /** Told about waiting for another run, a stale lock taken over, damaged cache files. */
  note: (d: Diagnostic) => void;
  /** `--lock-timeout`: how long to wait for another run. Default: as long as that run lives. */
  lockTimeoutMs?: number;
  /** Heartbeat and take-over bound of the lock (tests shorten them). */
  lockTiming?: Partial<LockTiming>;
  /** Prune `.dsg/` after a run that ran something when it holds more than this; 0 never. Default 500 MB. */
  cacheMaxBytes?: number;
}

/** The size past which a run prunes `.dsg/` by default (`--cache-max-size`, `DSG_CACHE_MAX_SIZE`). */
export const defaultCacheMaxBytes = 500 * 1024 * 1024;

/** Default `--parallel`: enough to overlap I/O-bound tasks on a small machine. */
export function defaultParallel(): number {
  return Math.max(4, availableParallelism() * 2);
}

/** Takes the project lock (waiting for another run) and opens the cache. */
export async function openSession(options: SessionOptions): Promise<Result<Session, Diagnostic>> {
  const stateDir = join(options.projectDir, '.dsg');
  const timeout = options.lockTimeoutMs;
  const lock = await acquireLock(stateDir, {
    wait: true,
    signal: options.signal,
    command: options.command,
    ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
    ...(options.lockTiming ? { timing: options.lockTiming } : {}),
    onWait: (holder) =>
      options.note(
        warning(
          `Waiting for another dsg run on this project (${describeHolder(holder)}): ${timeout === undefined ? 'until it finishes (--lock-timeout SECONDS bounds the wait)' : `up to ${roughDuration(timeout)} (--lock-timeout)`}`,
        ),
      ),
    onLost: (by) =>
      options.note(
        warning(
          `This run's lock on .dsg/ was taken over${by ? ` by ${describeHolder(by)}` : ''}: it was not refreshed in time`,
        ),
      ),
  });
  if (!lock.ok) return fail(error(lock.error.message, undefined, lock.error.hint));
  const gone = lock.value.tookOverFrom;
  if (gone) {
    const silent = lock.value.silentMs;
    options.note(
      warning(
        `Took over the lock of a dsg run that is gone: ${describeHolder(gone)}${silent === undefined ? '' : ` (its lock was not refreshed for ${roughDuration(silent)})`}`,
      ),
    );
  }
  // Writes to .dsg/ that fail (a full disk) do not stop the run: what finished stays recorded, and the
  // first failure is the run's one error at the end.
  const faults: CacheFailure[] = [];
  const fault = (e: unknown, path = stateDir): void =>
    void faults.push(stateFault(e, faultPath(e, path), stateDir));
  const raw = openStore(stateDir);
  const store: RunStore = {
    get: async (key) => found(await raw.get(key), options.note),
    lastSuccess: async (taskId) => found(await raw.lastSuccess(taskId), options.note),
    put: async (entry) => {
      const written = await raw.put(entry);
      if (!written.ok) faults.push(written.error);
    },
  };
  let digests: Promise<FileDigests> | undefined;
  let durations: Promise<Record<string, number>> | undefined;
  const logs = new Set<Promise<TaskLog | undefined>>();
  return ok({
    stateDir,
    store,
    // Loaded on first use: lru-cache and the memo file cost a replayed run time it does not need to spend.
    digests: () =>
      (digests ??= import('../../cache/file-digests.ts').then(({ FileDigests }) =>
        FileDigests.open(options.projectDir, stateDir),
      )),
    durations: () => (durations ??= lastDurations(stateDir)),
    openLog: (taskId) => {
      const opened = openTaskLog(stateDir, taskId).catch((e: unknown) => {
        fault(e, join(stateDir, 'logs'));
        return undefined;
      });
      logs.add(opened);
      return {
        write: (line) => void opened.then((log) => log?.line(line)),
        close: async () => {
          await (await opened)?.close().catch((e: unknown) => fault(e, join(stateDir, 'logs')));
          logs.delete(opened);
        },
      };
    },
    record: async (summary, command, facts) => {
      await (await digests)?.save().catch((e: unknown) => fault(e));
      await writeSummary(stateDir, summary, command, facts).catch((e: unknown) => fault(e));
    },
    close: async (summary, command, facts) => {
      await closeSession(stateDir, digests, lock.value, summary, command, facts, (e) => fault(e)).catch(
        (e: unknown) => fault(e),
      );
      if (summary && summary.counts.ran > 0 && faults.length === 0) {
        const limit = options.cacheMaxBytes ?? defaultCacheMaxBytes;
        await pruneIfOver(stateDir, limit, options.note).catch((e: unknown) => fault(e));
      }
      const first = faults[0];
      return first && error(first.message, undefined, first.hint);
    },
  });
}

/**
 * Keeps a CI machine's cache from growing without end: after a run that ran something (a no-op run adds
 * almost nothing, and pays no walk of the folder), a folder past `limit` is pruned to 80% of it, so that the
 * next runs do not each prune again.
 */
async function pruneIfOver(stateDir: string, limit: number, note: (d: Diagnostic) => void): Promise<void> {
  if (limit <= 0) return;
  const { bytesOf, gcStateDir } = await import('../../cache/gc-state.ts');
  const before = await bytesOf(stateDir);
  if (before <= limit) return;
  const report = await gcStateDir(stateDir, { maxBytes: Math.floor(limit * 0.8) });
  note(
    warning(
      `Pruned .dsg/ from ${megabytes(before)} to ${megabytes(report.keptBytes)}: it had grown past ${megabytes(limit)} (--cache-max-size)`,
    ),
  );
}

function megabytes(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The path a file system error names (Node sets it), else `fallback`. */
function faultPath(e: unknown, fallback: string): string {
  const path = typeof e === 'object' && e !== null && 'path' in e ? e.path : undefined;
  return typeof path === 'string' ? path.replace(/\.tmp-[^/\\]*$/, '') : fallback;
}

async function closeSession(
  stateDir: string,
  digests: Promise<FileDigests> | undefined,
  lock: HeldLock,
  summary: RunSummary | undefined,
  command: string,
  facts: RunFacts | undefined,
  fault: (e: unknown) => void,
): Promise<void> {
  try {
    // Each write on its own: a digest memo that cannot be saved still leaves the run summary.
    await (await digests)?.save().catch(fault);
    if (summary) await writeSummary(stateDir, summary, command, facts).catch(fault);
  } finally {
    await lock.release();
  }
}

/** Writes the run summary of `summary` to `.dsg/runs/`. */
function writeSummary(
  stateDir: string,
  summary: RunSummary,
  command: string,
  facts: RunFacts | undefined,
): Promise<string> {
  return writeRunSummary(stateDir, {
    version: 2,
    command,
    pipeline: summary.pipeline,
    startedAt: summary.startedAt,
    finishedAt: new Date().toISOString(),
    outcome: summary.ok ? 'succeeded' : summary.counts.failed > 0 ? 'failed' : 'cancelled',
    tasks: summary.tasks.map((t) => ({
      id: t.id,
      outcome: t.status,
      reason: formatReason(t.reason),
      startMs: t.startMs,
      durationMs: t.durationMs,
      kind: t.kind,
      ...optional('key', facts?.keys.get(t.id)),
      ...optional('deps', facts?.deps.get(t.id)?.slice()),
      ...optional('error', t.error),
    })),
    criticalPath: summary.criticalPath.map((s) => s.id),
  });
}

function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}

type Lookup = Awaited<ReturnType<ReturnType<typeof openStore>['get']>>;

function found(
  lookup: Lookup,
  note: (d: Diagnostic) => void,
): ReturnType<RunStore['get']> extends Promise<infer T> ? T : never {
  if (lookup.hit) return lookup.entry;
  if (lookup.warning)
    note(warning(`${lookup.warning.message} — treated as not cached`, undefined, lookup.warning.hint));
  return undefined;
}

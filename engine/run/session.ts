// Opens what a run needs in `.dsg/`: the lock, the record store, the file-digest memo, logs and past durations.
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { FileDigests } from '../../cache/file-digests.ts';
import { acquireLock, describeHolder, type HeldLock } from '../../cache/lock.ts';
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
  /** Saves the digest memo and the run summary (with `facts` when known), releases the lock. */
  close(summary: RunSummary | undefined, command: string, facts?: RunFacts): Promise<void>;
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
}

/** Default `--parallel`: enough to overlap I/O-bound tasks on a small machine. */
export function defaultParallel(): number {
  return Math.max(4, availableParallelism() * 2);
}

/** Takes the project lock (waiting for another run) and opens the cache. */
export async function openSession(options: SessionOptions): Promise<Result<Session, Diagnostic>> {
  const stateDir = join(options.projectDir, '.dsg');
  const lock = await acquireLock(stateDir, {
    wait: true,
    signal: options.signal,
    command: options.command,
    onWait: (holder) =>
      options.note(warning(`Waiting for another dsg run on this project: ${describeHolder(holder)}`)),
  });
  if (!lock.ok) return fail(error(lock.error.message, undefined, lock.error.hint));
  if (lock.value.tookOverFrom) {
    options.note(
      warning(`Took over the lock of a dsg run that is gone: ${describeHolder(lock.value.tookOverFrom)}`),
    );
  }
  const raw = openStore(stateDir);
  const store: RunStore = {
    get: async (key) => found(await raw.get(key), options.note),
    lastSuccess: async (taskId) => found(await raw.lastSuccess(taskId), options.note),
    put: async (entry) => {
      const written = await raw.put(entry);
      if (!written.ok) options.note(warning(written.error.message, undefined, written.error.hint));
    },
  };
  let digests: Promise<FileDigests> | undefined;
  let durations: Promise<Record<string, number>> | undefined;
  const logs = new Set<Promise<TaskLog>>();
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
      const opened = openTaskLog(stateDir, taskId);
      logs.add(opened);
      return {
        write: (line) => void opened.then((log) => log.line(line)),
        close: async () => {
          await (await opened).close();
          logs.delete(opened);
        },
      };
    },
    close: (summary, command, facts) => closeSession(stateDir, digests, lock.value, summary, command, facts),
  });
}

async function closeSession(
  stateDir: string,
  digests: Promise<FileDigests> | undefined,
  lock: HeldLock,
  summary: RunSummary | undefined,
  command: string,
  facts: RunFacts | undefined,
): Promise<void> {
  try {
    await (await digests)?.save();
    if (summary) {
      await writeRunSummary(stateDir, {
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
  } finally {
    await lock.release();
  }
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

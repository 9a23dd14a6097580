// The run drawn over the HTML page's graph: a run summary (cache/runs.ts) with, for each task, what the cache
// still knows of it: its key record in a few fields (cache/store.ts) and the tail of its last log
// (cache/logs.ts). Read fresh on every `dsg graph --format html`, never memoised: runs happen between two calls.
import { readTaskLog } from '../../cache/logs.ts';
import { findRun, type RunSummary, type RunTaskSummary } from '../../cache/runs.ts';
import { openStore, type Store } from '../../cache/store.ts';
import type { CacheFailure } from '../../cache/types.ts';
import { fail, ok, type Result } from '../../core/result.ts';

/** A task's key record in a few fields: what a person needs to see what the key was made of. */
export interface RecordSummary {
  files: number;
  /** The first few input files. */
  sample: string[];
  env: Record<string, string>;
  tools: Record<string, string>;
  /** Upstream task → the first 12 characters of its output digest. */
  upstream: Record<string, string>;
}

/** One task of the run, as the page shows it. */
export interface PageRunTask extends RunTaskSummary {
  /** Where `key` came from: this run's summary, or (older summaries) the task's last success. */
  keyFrom?: 'run' | 'last-success';
  record?: RecordSummary;
  /** The last lines of the task's last log. */
  log?: string;
}

/** The run of the page. */
export interface PageRun {
  /** The summary's id (`--run ID`). */
  id: string;
  command: string;
  pipeline?: string;
  startedAt: string;
  finishedAt: string;
  outcome: string;
  tasks: PageRunTask[];
  criticalPath: string[];
  /** True when this is not the newest run: logs may then come from a later run. */
  older: boolean;
}

/** Lines of a task's log the page keeps. */
const LOG_LINES = 40;
/** Input files named in a record summary. */
const SAMPLE_FILES = 8;

/**
 * The run `id` (a prefix will do), or the newest readable one: undefined when none is recorded. Notes say what
 * was passed over (a damaged newer summary).
 */
export async function readPageRun(
  stateDir: string,
  id: string | undefined,
): Promise<Result<{ run?: PageRun; notes: string[] }, CacheFailure>> {
  const found = await findRun(stateDir, id);
  if (!found.ok) return fail(found.error);
  if (!found.value) return ok({ notes: [] });
  const notes = found.value.damaged.map(
    (d) =>
      `Skipped the damaged run summary ".dsg/runs/${d.id}.json" (${d.detail}): showing the run before it`,
  );
  const { run, damaged } = found.value;
  const newest = id === undefined ? damaged.length === 0 : await isNewest(stateDir, run.id);
  return ok({ run: await pageRun(stateDir, run.id, run.summary, !newest), notes });
}

async function isNewest(stateDir: string, id: string): Promise<boolean> {
  const newest = await findRun(stateDir);
  return newest.ok && newest.value?.run.id === id && newest.value.damaged.length === 0;
}

async function pageRun(stateDir: string, id: string, s: RunSummary, older: boolean): Promise<PageRun> {
  const store = openStore(stateDir);
  const tasks = await Promise.all(s.tasks.map((t) => pageTask(stateDir, store, t)));
  return {
    id,
    command: s.command,
    ...(s.pipeline !== undefined ? { pipeline: s.pipeline } : {}),
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    outcome: s.outcome,
    tasks,
    criticalPath: s.criticalPath ?? [],
    older,
  };
}

async function pageTask(stateDir: string, store: Store, t: RunTaskSummary): Promise<PageRunTask> {
  // Summaries before version 2 name no key: the task's last success is the best guess, and says so.
  const lastKey = t.key === undefined ? await store.lastKey(t.id) : undefined;
  const key = t.key ?? lastKey;
  const keyFrom = t.key !== undefined ? 'run' : lastKey !== undefined ? 'last-success' : undefined;
  const entry = key !== undefined ? await store.get(key) : undefined;
  const log = await readTaskLog(stateDir, t.id);
  return {
    ...t,
    ...(key !== undefined ? { key } : {}),
    ...(keyFrom !== undefined ? { keyFrom } : {}),
    ...(entry?.hit ? { record: summarise(entry.entry.record) } : {}),
    ...(log !== undefined && log !== '' ? { log: tail(log, LOG_LINES) } : {}),
  };
}

function summarise(record: {
  files: Record<string, string>;
  env: Record<string, string>;
  tools: Record<string, string>;
  upstream: Record<string, string>;
}): RecordSummary {
  const files = Object.keys(record.files).sort();
  return {
    files: files.length,
    sample: files.slice(0, SAMPLE_FILES),
    env: record.env,
    tools: record.tools,
    upstream: Object.fromEntries(Object.entries(record.upstream).map(([k, v]) => [k, v.slice(0, 12)])),
  };
}

function tail(text: string, lines: number): string {
  const all = text.replace(/\n$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

// Run summaries, `<stateDir>/runs/<iso-time>-<pid>.json`, one per run, the last 50 kept. The scheduler
// reads the newest ones for task durations (critical-path priority); `dsg graph --format html` shows them.
// Version 2 adds optional fields (each task's kind, key, upstream ids and error; the pipeline): a summary
// written before them still loads, and a reader must not count on them.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { fail, ok, type Result } from '../core/result.ts';
import { readJsonFile, writeFileAtomic } from './atomic.ts';
import { cacheFailure, type CacheFailure } from './types.ts';

/** One task in a run summary. */
export interface RunTaskSummary {
  id: string;
  /** The engine's task status: `ran` (and succeeded), `cached`, `failed`, `cancelled`, `skipped`. */
  outcome: string;
  /** Why it ran or not, e.g. `input changed: api/main.go`. */
  reason: string;
  /** Start, in ms after the run started. */
  startMs: number;
  durationMs: number;
  /** Since version 2: `build`, `tag`, `render` or `deploy`. */
  kind?: string;
  /** Since version 2: the task's key in this run, when it was computed (not when reading its inputs failed). */
  key?: string;
  /** Since version 2: the ids of the tasks it waited for in this run. */
  deps?: string[];
  /** Since version 2: the one-message error of a failed task. */
  error?: string;
}

/** A finished run. */
export interface RunSummary {
  /** 2 since the optional task fields; absent in older summaries. */
  version?: number;
  /** Since version 2: `deploy`, `build`, `render` or `purge`. */
  pipeline?: string;
  /** e.g. `dsg run deploy`. */
  command: string;
  /** ISO timestamps. */
  startedAt: string;
  finishedAt: string;
  /** e.g. `succeeded`, `failed`, `cancelled`. */
  outcome: string;
  tasks: RunTaskSummary[];
  /** Task ids on the critical path, first to last. */
  criticalPath?: string[];
}

/** A run summary as stored: its id (the file name without `.json`) and content. */
export interface StoredRunSummary {
  id: string;
  summary: RunSummary;
}

/** A run chosen by `findRun`, with the newer summaries that had to be passed over because they are damaged. */
export interface FoundRun {
  run: StoredRunSummary;
  damaged: { id: string; detail: string }[];
}

/** Outcomes of a task that ran to success: the only durations worth planning with. */
const completedRun = new Set(['ran', 'succeeded']);

/** How many summaries are kept. */
export const keptRuns = 50;

/** Writes a run summary and prunes the oldest beyond `keptRuns`; returns its path relative to the state dir. */
export async function writeRunSummary(
  stateDir: string,
  summary: RunSummary,
  pid = process.pid,
): Promise<string> {
  // Colons are not allowed in Windows file names; the ISO form otherwise sorts by time.
  const file = `runs/${summary.startedAt.replace(/:/g, '-')}-${pid}.json`;
  await writeFileAtomic(join(stateDir, file), JSON.stringify(summary));
  const all = await runFiles(stateDir);
  await Promise.all(
    all
      .slice(0, Math.max(0, all.length - keptRuns))
      .map((name) => rm(join(stateDir, 'runs', name), { force: true })),
  );
  return file;
}

/** Run summaries, newest first, at most `limit`; damaged files are skipped. */
export async function listRuns(stateDir: string, limit = keptRuns): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for (const name of (await runFiles(stateDir)).reverse()) {
    if (runs.length >= limit) break;
    const read = await readJsonFile(join(stateDir, 'runs', name));
    if (read.status === 'ok' && isSummary(read.value)) runs.push(read.value);
  }
  return runs;
}

/**
 * One run: the summary whose id is `id` or starts with it, or without `id` the newest readable one (then the
 * damaged newer ones are listed). A missing, ambiguous or damaged requested run is a failure that says so;
 * no run at all is `undefined`.
 */
export async function findRun(
  stateDir: string,
  id?: string,
): Promise<Result<FoundRun | undefined, CacheFailure>> {
  const names = (await runFiles(stateDir)).reverse().map((n) => n.slice(0, -'.json'.length));
  const damaged: { id: string; detail: string }[] = [];
  const candidates = id === undefined ? names : names.filter((n) => n.startsWith(id));
  if (id !== undefined && candidates.length !== 1) {
    const newest = names.slice(0, 3).map((n) => `"${n}"`);
    const hint =
      names.length === 0
        ? 'No run is recorded yet in .dsg/runs/: run "dsg run deploy" first, or leave --run out.'
        : `The newest runs: ${newest.join(', ')}.`;
    const what = candidates.length === 0 ? 'no such run in .dsg/runs/' : `${candidates.length} runs start so`;
    return fail(cacheFailure('io-error', `Cannot find the run "${id}": ${what}`, { hint }));
  }
  for (const name of candidates) {
    const file = join(stateDir, 'runs', `${name}.json`);
    const read = await readJsonFile(file);
    const detail =
      read.status === 'ok'
        ? isSummary(read.value)
          ? undefined
          : 'not a run summary'
        : read.status === 'missing'
          ? 'removed while reading'
          : read.detail;
    if (detail === undefined && read.status === 'ok') {
      return ok({ run: { id: name, summary: read.value as RunSummary }, damaged });
    }
    if (id !== undefined) {
      return fail(
        cacheFailure(
          'corrupt-file',
          `Cannot read the run "${name}" in ".dsg/runs/${name}.json": ${detail ?? ''}`,
          {
            hint: 'The file is damaged (a run killed while writing it?): pick another run with --run, or delete it.',
          },
        ),
      );
    }
    damaged.push({ id: name, detail: detail ?? '' });
  }
  return ok(undefined);
}

/**
 * The last known duration of each task that actually ran (cached hits take no time and say nothing),
 * from the newest summaries.
 */
export async function lastDurations(stateDir: string, lookBack = 10): Promise<Record<string, number>> {
  const durations: Record<string, number> = {};
  for (const run of await listRuns(stateDir, lookBack)) {
    for (const task of run.tasks) {
      if (!completedRun.has(task.outcome) || Object.hasOwn(durations, task.id)) continue;
      durations[task.id] = task.durationMs;
    }
  }
  return durations;
}

async function runFiles(stateDir: string): Promise<string[]> {
  try {
    return (await readdir(join(stateDir, 'runs'))).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
}

function isSummary(value: unknown): value is RunSummary {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<RunSummary>;
  return typeof v.startedAt === 'string' && Array.isArray(v.tasks) && v.tasks.every(isTask);
}

function isTask(value: unknown): value is RunTaskSummary {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<RunTaskSummary>;
  const optional = (v: unknown, type: string): boolean => v === undefined || typeof v === type;
  return (
    typeof t.id === 'string' &&
    typeof t.outcome === 'string' &&
    typeof t.durationMs === 'number' &&
    optional(t.startMs, 'number') &&
    optional(t.reason, 'string') &&
    optional(t.kind, 'string') &&
    optional(t.key, 'string') &&
    optional(t.error, 'string') &&
    (t.deps === undefined || (Array.isArray(t.deps) && t.deps.every((d) => typeof d === 'string')))
  );
}

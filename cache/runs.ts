// Run summaries, `<stateDir>/runs/<iso-time>-<pid>.json`, one per run, the last 50 kept. The scheduler
// reads the newest ones for task durations (critical-path priority); `dsg graph --format html` shows them.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { readJsonFile, writeFileAtomic } from './atomic.ts';

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
}

/** A finished run. */
export interface RunSummary {
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
  return typeof t.id === 'string' && typeof t.outcome === 'string' && typeof t.durationMs === 'number';
}

// The typed events a run emits and reporters consume. `--json` prints them verbatim, one per line, so these shapes
// are a public format: add optional fields if needed, never rename or remove one.

/** Why a task ran, was skipped, or did not finish. */
export type Reason =
  | {
      type: 'cached';
      /** Set when the artifact was made elsewhere, e.g. `image in registry`. */ from?: string;
    }
  | { type: 'first-run' }
  | { type: 'input-changed'; changes: string[] }
  | { type: 'forced'; by: string /* '-b', '-d', '--force build:api' */ }
  | { type: 'artifact-missing'; what: string }
  | { type: 'upstream-failed'; upstream: string }
  | { type: 'cancelled' };

/** How a task ended, as the user sees it. */
export type TaskStatus = 'ran' | 'cached' | 'failed' | 'cancelled' | 'skipped';

/** Every task status, in the order summaries count them. */
export const TASK_STATUSES: readonly TaskStatus[] = ['ran', 'cached', 'failed', 'cancelled', 'skipped'];

/** One task of a finished run. `startMs`/`endMs` are milliseconds since the run started. */
export interface TaskSummary {
  id: string;
  kind: string;
  status: TaskStatus;
  reason: Reason;
  startMs: number;
  endMs: number;
  durationMs: number;
  /** An already formatted one-message string. */
  error?: string;
  /** Warnings the task reported while it ran, in order. */
  warnings?: string[];
}

/** A finished run: what happened to every task, the totals and the chain that set the makespan. */
export interface RunSummary {
  pipeline: string;
  /** ISO 8601 timestamp. */
  startedAt: string;
  durationMs: number;
  tasks: TaskSummary[];
  counts: Record<TaskStatus, number>;
  criticalPath: { id: string; durationMs: number }[];
  ok: boolean;
}

/** What a run reports while it happens. */
export type RunEvent =
  | {
      type: 'run-start';
      pipeline: string;
      total: number;
      tasks: { id: string; kind: string }[];
      dryRun: boolean;
    }
  | { type: 'task-start'; id: string; kind: string; reason: Reason }
  | { type: 'task-log'; id: string; line: string }
  | {
      type: 'task-end';
      id: string;
      kind: string;
      status: TaskStatus;
      reason: Reason;
      durationMs: number;
      /** An already formatted one-message string. */
      error?: string;
      /** Warnings the task reported while it ran, in order. */
      warnings?: string[];
    }
  | { type: 'run-end'; summary: RunSummary };

/** Counts task summaries by status, every status present (zero when none). */
export function countStatuses(tasks: readonly { status: TaskStatus }[]): Record<TaskStatus, number> {
  const counts: Record<TaskStatus, number> = { ran: 0, cached: 0, failed: 0, cancelled: 0, skipped: 0 };
  for (const task of tasks) counts[task.status]++;
  return counts;
}

// The end of a run: an outcome for every task that never started, the summary with its critical path, and the
// run memo when every task ended with a key whose inputs its kind could name.
import type { TaskNode } from '../../core/task.ts';
import { criticalPath } from './critical-path.ts';
import { countStatuses, type RunSummary } from './events.ts';
import type { Ledger, MemoSlot } from './ledger.ts';
import type { MemoTask } from './run-memo.ts';
import type { TaskOutcome } from './scheduler.ts';

/** The memo of a run: its tasks in pipeline order and the paths each depends on. */
export interface RunMemoParts {
  tasks: MemoTask[];
  reads: Map<string, readonly string[]>;
}

/** Records the outcome of a task the scheduler ended without starting it (upstream failed, or cancelled). */
export function endUnstarted(
  ledger: Ledger,
  node: TaskNode,
  outcome: TaskOutcome,
  upstream: readonly string[],
): void {
  if (ledger.summaries.has(node.id)) return;
  const failedDep = upstream.find((d) => {
    const s = ledger.summaries.get(d);
    return (
      s?.status === 'failed' ||
      s?.status === 'cancelled' ||
      (s?.status === 'skipped' && s.reason.type === 'upstream-failed')
    );
  });
  if (outcome === 'upstream-failed' && failedDep !== undefined)
    ledger.end(node, 'skipped', { type: 'upstream-failed', upstream: failedDep });
  else ledger.end(node, outcome === 'cancelled' ? 'cancelled' : 'skipped', { type: 'cancelled' });
}

/** The summary of a finished run, tasks in pipeline order. */
export function summarise(
  ledger: Ledger,
  pipeline: string,
  nodes: readonly TaskNode[],
  upstream: ReadonlyMap<string, readonly string[]>,
  ok: boolean,
): RunSummary {
  const tasks = nodes.flatMap((n) => ledger.summaries.get(n.id) ?? []);
  return {
    pipeline,
    startedAt: ledger.startedAt,
    durationMs: ledger.since(),
    tasks,
    counts: countStatuses(tasks),
    criticalPath: criticalPath(tasks, upstream),
    ok,
  };
}

/** The memo of a successful run where every task ended with a traceable key; undefined otherwise. */
export function memoOf(
  nodes: readonly TaskNode[],
  entries: ReadonlyMap<string, MemoSlot>,
): RunMemoParts | undefined {
  const tasks: MemoTask[] = [];
  const reads = new Map<string, readonly string[]>();
  for (const { id } of nodes) {
    const entry = entries.get(id);
    if (!entry) return undefined;
    tasks.push(entry.task);
    reads.set(id, entry.reads);
  }
  return { tasks, reads };
}

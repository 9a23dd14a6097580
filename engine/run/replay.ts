// A run answered entirely by a run memo: every task ends cached with the output the memo recorded, in
// pipeline order, with the same events a run emits. No graph, no scheduler, no task kind is loaded.
import { criticalPath } from './critical-path.ts';
import { countStatuses, type RunEvent, type RunSummary, type TaskSummary } from './events.ts';
import type { RunMemo } from './run-memo.ts';

/** Replays `memo` as a run of `pipeline`; returns its summary. */
export function replayRun(
  memo: RunMemo,
  pipeline: string,
  dryRun: boolean,
  emit: (event: RunEvent) => void,
): RunSummary {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  emit({
    type: 'run-start',
    pipeline,
    total: memo.tasks.length,
    tasks: memo.tasks.map((t) => ({ id: t.id, kind: t.kind })),
    dryRun,
  });
  const tasks: TaskSummary[] = [];
  for (const t of memo.tasks) {
    const at = performance.now() - started;
    tasks.push({
      id: t.id,
      kind: t.kind,
      status: 'cached',
      reason: { type: 'cached' },
      startMs: at,
      endMs: at,
      durationMs: 0,
    });
    emit({
      type: 'task-end',
      id: t.id,
      kind: t.kind,
      status: 'cached',
      reason: { type: 'cached' },
      durationMs: 0,
    });
  }
  const summary: RunSummary = {
    pipeline,
    startedAt,
    durationMs: performance.now() - started,
    tasks,
    counts: countStatuses(tasks),
    criticalPath: criticalPath(tasks, new Map(memo.tasks.map((t) => [t.id, t.deps]))),
    ok: true,
  };
  emit({ type: 'run-end', summary });
  return summary;
}

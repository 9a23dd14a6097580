// The chain that set the makespan, found after the run from real timings (not the estimates the scheduler used).

/** The timing of one task, as in a TaskSummary. */
export interface TaskTiming {
  id: string;
  status: string;
  startMs: number;
  endMs: number;
  durationMs: number;
}

/** One link of the critical path. */
export interface PathStep {
  id: string;
  durationMs: number;
}

/**
 * Walks back from the task that ended last through, at each step, the dependency that ended last, and returns that
 * chain first to last. Tasks that never started (`skipped`) take no part. Ties go to the smaller id.
 */
export function criticalPath(
  tasks: readonly TaskTiming[],
  deps: ReadonlyMap<string, readonly string[]>,
): PathStep[] {
  const byId = new Map<string, TaskTiming>();
  for (const task of tasks) if (task.status !== 'skipped') byId.set(task.id, task);
  const path: PathStep[] = [];
  const seen = new Set<string>();
  let current = latest(byId.values());
  // `seen` guards against a cycle in bad input; the walk is a loop, so a 10,000-task chain is fine.
  while (current !== undefined && !seen.has(current.id)) {
    seen.add(current.id);
    path.push({ id: current.id, durationMs: current.durationMs });
    const upstream = (deps.get(current.id) ?? []).map((id) => byId.get(id));
    current = latest(upstream);
  }
  return path.reverse();
}

function latest(tasks: Iterable<TaskTiming | undefined>): TaskTiming | undefined {
  let best: TaskTiming | undefined;
  for (const task of tasks) {
    if (task === undefined) continue;
    if (best === undefined || task.endMs > best.endMs || (task.endMs === best.endMs && task.id < best.id))
      best = task;
  }
  return best;
}

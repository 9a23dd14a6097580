// The two ends of a run memo inside a run: deciding a task from the memo without computing its key, and the
// memo entry of a task that finished, with the paths its key and artifact proof depend on.
import type { TaskNode } from '../../core/task.ts';
import type {
  ArtifactStatus,
  BoundTask,
  RunSettings,
  TaskContext,
  TaskOutput,
} from '../../core/task-kind.ts';
import { bindTask, type TaskKinds } from '../../tasks/index.ts';
import type { MemoTask } from './run-memo.ts';
import { resolveNode } from './resolve-node.ts';

/** A task a run memo answers for, with the paths its key and proof depend on. */
export type KnownTask = MemoTask & { reads: readonly string[] };

/** The memo's entry for `id`, when every upstream task of this run ended with the output the memo knows. */
export function knownTask(
  known: ReadonlyMap<string, KnownTask>,
  id: string,
  outputs: ReadonlyMap<string, TaskOutput>,
): KnownTask | undefined {
  const task = known.get(id);
  if (!task) return undefined;
  for (const up of task.deps) if (outputs.get(up)?.digest !== known.get(up)?.output.digest) return undefined;
  return task;
}

/**
 * Whether the artifact of a memoised task is still there (and where it was found, when that is worth saying):
 * asked of the kind's `status` for tasks whose artifact lives elsewhere; the others were proven by the memo's
 * stamps already.
 */
export async function knownPresent(
  task: MemoTask,
  node: TaskNode,
  kinds: TaskKinds,
  outputs: ReadonlyMap<string, TaskOutput>,
  ctx: TaskContext,
): Promise<ArtifactStatus> {
  if (!task.check) return { present: true };
  const resolved = resolveNode(node, outputs);
  if (!resolved.ok) return { present: false, missing: resolved.error.message };
  return bindTask(kinds, resolved.value).status(task.output, ctx);
}

/** A finished task as a memo keeps it, and the paths it depends on; undefined when they cannot be named. */
export function memoEntry(
  node: TaskNode,
  task: BoundTask,
  key: string,
  deps: readonly string[],
  output: TaskOutput,
  reads: readonly string[] | undefined,
  settings: RunSettings,
): { task: MemoTask; reads: readonly string[] } | undefined {
  if (reads === undefined) return undefined;
  const proof = task.proof(output, settings);
  const entry: MemoTask = { id: node.id, kind: node.kind, key, deps: [...deps], output, check: !proof };
  return { task: entry, reads: proof && proof.length > 0 ? [...reads, ...proof] : reads };
}

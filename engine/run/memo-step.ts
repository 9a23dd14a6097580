// The two ends of a run memo inside a run: deciding a task from the memo without computing its key, and the
// memo entry of a task that finished, with the paths its key and artifact proof depend on.
import type { TaskNode } from '../../core/task.ts';
import type {
  ArtifactStatus,
  RunSettings,
  TaskContext,
  TaskKindImpl,
  TaskOutput,
} from '../../core/task-kind.ts';
import type { MemoTask } from './run-memo.ts';
import { resolveRuntimeRefs, runtimeImages } from './runtime-refs.ts';

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
 * Whether the artifact of a memoised task is still there (and where it was found, when that is worth
 * saying): asked of the kind's `status` for tasks whose artifact lives elsewhere; the others were proven by
 * the memo's stamps already.
 */
export async function knownPresent(
  task: MemoTask,
  node: TaskNode,
  kind: TaskKindImpl | undefined,
  upstream: readonly TaskOutput[],
  ctx: (node: TaskNode) => TaskContext,
): Promise<ArtifactStatus> {
  if (!task.check) return { present: true };
  if (!kind?.status) return { present: false, missing: `the ${node.kind} task kind` };
  const resolved = resolveRuntimeRefs(node, runtimeImages(upstream));
  return kind.status(resolved, task.output, ctx(resolved));
}

/** A finished task as a memo keeps it, and the paths it depends on; undefined when they cannot be named. */
export function memoEntry(
  node: TaskNode,
  kind: TaskKindImpl,
  key: string,
  deps: readonly string[],
  output: TaskOutput,
  reads: readonly string[] | undefined,
  settings: RunSettings,
): { task: MemoTask; reads: readonly string[] } | undefined {
  if (reads === undefined) return undefined;
  const proof = kind.status ? kind.proof?.(node, output, settings) : [];
  const task: MemoTask = { id: node.id, kind: node.kind, key, deps: [...deps], output, check: !proof };
  return { task, reads: proof && proof.length > 0 ? [...reads, ...proof] : reads };
}

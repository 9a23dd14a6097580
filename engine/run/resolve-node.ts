// A task's `${runtime...}` references filled in from the outputs of the tasks the compiler resolved them to,
// just before its inputs are read: the values are part of its key, and its kind sees only plain strings.
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { refLookup, substituteRuntimeRefsIn } from '../../core/runtime-refs.ts';
import type { TaskKind, TaskNode } from '../../core/task.ts';
import type { TaskOutput } from '../../core/task-kind.ts';

/** `node` with its references filled in (its own image's left to its kind); a reference without an output fails. */
export function resolveNode<K extends TaskKind>(
  node: TaskNode<K>,
  outputs: ReadonlyMap<string, TaskOutput>,
): Result<TaskNode<K>, Diagnostic> {
  if (Object.keys(node.refs).length === 0) return ok(node);
  const lookup = refLookup(node.refs, (id) => outputs.get(id), node.id);
  const spec = substituteRuntimeRefsIn(node.spec, lookup);
  if (!spec.ok) {
    const from = node.refs[spec.error.subject] ?? 'its upstream task';
    return fail(error(`Cannot fill in "${spec.error.text}" for ${node.id}: ${from} gave no image`, node.at));
  }
  return ok({ ...node, spec: spec.value });
}

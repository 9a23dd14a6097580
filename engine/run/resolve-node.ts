// A task's `${runtime...}` references filled in from the outputs of the tasks the compiler resolved them to,
// just before its inputs are read: the values are part of its key, and its kind sees only plain strings.
import { error, type Diagnostic, type SourceLocation } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { refLookup, substituteRuntimeRefsIn, type RuntimeRef } from '../../core/runtime-refs.ts';
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
  // Hooks' references to the task's own image are kept: an after: hook fills them in (engine/run/hooks.ts).
  const hooks = node.hooks ? substituteRuntimeRefsIn(node.hooks, lookup) : ok(undefined);
  if (!spec.ok) return fail(unfilled(node.id, node.refs, node.at, spec.error));
  if (!hooks.ok) return fail(unfilled(node.id, node.refs, node.at, hooks.error));
  return ok({ ...node, spec: spec.value, ...(hooks.value ? { hooks: hooks.value } : {}) });
}

function unfilled(
  id: string,
  refs: Readonly<Record<string, string>>,
  at: SourceLocation,
  ref: RuntimeRef,
): Diagnostic {
  const from = refs[ref.subject] ?? 'its upstream task';
  return error(`Cannot fill in "${ref.text}" for ${id}: ${from} gave no image`, at);
}

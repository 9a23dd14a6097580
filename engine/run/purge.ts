// `dsg run purge`, one task: remove what the task created outside dsg, in reverse dependency order (the
// pipeline reverses the edges). Kinds that create nothing outside dsg are skipped.
import type { TaskNode } from '../../core/task.ts';
import type { TaskContext } from '../../core/task-kind.ts';
import { bindTask, type TaskKinds } from '../../tasks/index.ts';
import type { Reason, RunEvent } from './events.ts';
import type { RunHooks } from './hooks.ts';
import type { Ledger } from './ledger.ts';

/** What purging one task needs from the run. */
export interface PurgeContext {
  kinds: TaskKinds;
  dryRun: boolean;
  emit: (event: RunEvent) => void;
  ledger: Ledger;
}

/** Removes what a task created outside dsg (a deploy's objects or release); other kinds are skipped. */
export async function purgeTask(
  node: TaskNode,
  ctx: TaskContext,
  signal: AbortSignal,
  x: PurgeContext,
  hooks?: RunHooks,
): Promise<'succeeded' | 'failed'> {
  const reason: Reason = { type: 'forced', by: 'purge' };
  const { purge } = bindTask(x.kinds, node);
  if (!purge) {
    x.ledger.end(node, 'skipped', reason);
    return 'succeeded';
  }
  x.emit({ type: 'task-start', id: node.id, kind: node.kind, reason });
  if (x.dryRun) {
    x.ledger.end(node, 'skipped', reason);
    return 'succeeded';
  }
  const before = hooks ? await hooks.before(node, ctx) : undefined;
  if (before && !before.ok) return x.ledger.failed(node, reason, before.error, signal);
  const result = await purge(ctx);
  if (!result.ok) {
    await hooks?.failed(node, ctx);
    return x.ledger.failed(node, reason, result.error, signal);
  }
  // A purge has no output of its own: after: hooks of a purge reference no image of it.
  const after = hooks ? await hooks.after(node, ctx, { digest: '', data: {} }) : undefined;
  if (after && !after.ok) return x.ledger.failed(node, reason, after.error, signal);
  x.ledger.end(node, 'ran', reason);
  return 'succeeded';
}

// One task of a run, start to end: answered by the run memo when it can be, else decided (key, record,
// artifact), then run and recorded, or purged. Every path ends in exactly one ledger entry.
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { Result } from '../../core/result.ts';
import type { TaskNode } from '../../core/task.ts';
import type { InputsContext, RunSettings, TaskContext, TaskOutput } from '../../core/task-kind.ts';
import type { TaskKinds } from '../../tasks/index.ts';
import type { FileDigests } from '../../cache/file-digests.ts';
import { decide, type Decision } from './decide.ts';
import type { RunHooks } from './hooks.ts';
import type { RunEvent } from './events.ts';
import { cachedReason } from './reasons.ts';
import type { Ledger } from './ledger.ts';
import { knownPresent, knownTask, memoEntry, type KnownTask } from './memo-step.ts';
import { purgeTask } from './purge.ts';
import { standInBuild } from './skip-build.ts';
import type { RunStore } from './run-store.ts';

/** A task's log for this run: the line writer and a close function. */
export interface TaskLogHandle {
  write(line: string): void;
  close(): Promise<void>;
}

/** Everything running one task needs from the run around it. */
export interface ExecuteContext {
  kinds: TaskKinds;
  settings: RunSettings;
  force: ReadonlySet<string>;
  purge: boolean;
  dryRun: boolean;
  /** `--skip-build`: builds that would run are not run (skip-build.ts). */
  skipBuild: boolean;
  store: RunStore;
  digests: FileDigests;
  env: Readonly<Record<string, string>>;
  emit: (event: RunEvent) => void;
  openLog: (taskId: string) => TaskLogHandle;
  listFiles: (node: TaskNode, onRead?: (path: string) => void) => InputsContext['listFiles'];
  /** Upstream task ids of each task within the pipeline. */
  upstream: ReadonlyMap<string, readonly string[]>;
  /** Secret values of the graph: key records hold their digests (core/secrets.ts). */
  secrets: readonly string[];
  /** Hides secret values in what a task logs. */
  mask: (text: string) => string;
  /** The tasks of a run memo whose stamps still hold. */
  known?: ReadonlyMap<string, KnownTask>;
  /** The hooks of the pipeline's tasks; undefined when none has any (or in a dry run). */
  hooks?: RunHooks;
  onDecision?: (taskId: string, decision: Decision) => void;
  ledger: Ledger;
}

/** Runs `node` to its end; `'failed'` also for a cancelled task. */
export async function executeTask(
  node: TaskNode,
  signal: AbortSignal,
  x: ExecuteContext,
): Promise<'succeeded' | 'failed'> {
  const { ledger } = x;
  ledger.start(node.id);
  const known = x.known && knownTask(x.known, node.id, ledger.outputs);
  const present =
    known &&
    (await knownPresent(known, node, x.kinds, ledger.outputs, taskContext(x, node, known.key, signal)));
  // The log is opened (and the last run's truncated) only when the task really runs: a cache hit keeps it,
  // unless its project's phase ends with it and an after: hook writes there.
  let log: TaskLogHandle | undefined;
  const ctxFor = (key: string): TaskContext => taskContext(x, node, key, signal, (line) => log?.write(line));
  const hookCtx = (key: string): TaskContext =>
    taskContext(x, node, key, signal, (line) => (log ??= x.openLog(node.id)).write(line));
  try {
    if (known && present?.present === true) {
      ledger.outputs.set(node.id, known.output);
      const hooked = x.hooks ? await x.hooks.cached(node, hookCtx(known.key)) : undefined;
      if (hooked && !hooked.ok) return ledger.failed(node, cachedReason(present.from), hooked.error, signal);
      ledger.memo.set(node.id, { task: known, reads: known.reads });
      ledger.end(node, 'cached', cachedReason(present.from));
      return 'succeeded';
    }
    if (x.purge) {
      log = x.openLog(node.id);
      return await purgeTask(node, ctxFor(''), signal, x, x.hooks);
    }
    const step = await decide({ ...x, outputs: ledger.outputs, deps: x.upstream }, node, ctxFor);
    if (!step.ok) return ledger.failed(node, { type: 'first-run' }, step.error, signal);
    const decision = step.value;
    x.onDecision?.(node.id, decision);
    if (!decision.run) {
      // An artifact found elsewhere is recorded here, so the next run is a plain hit.
      if (decision.reused) await record(x, node, decision.key, decision, decision.output);
      const hooked = x.hooks ? await x.hooks.cached(node, hookCtx(decision.key)) : undefined;
      if (hooked && !hooked.ok) return ledger.failed(node, decision.reason, hooked.error, signal);
      finish(x, node, decision, decision.output);
      ledger.end(node, 'cached', decision.reason);
      return 'succeeded';
    }
    if (x.skipBuild && node.kind === 'build') {
      // Not recorded under this key, nor memoised: the stand-in was not built from these inputs.
      const standIn = await standInBuild(node, decision.task, x.store, ctxFor(decision.key));
      if (!standIn.ok) return ledger.failed(node, decision.reason, standIn.error, signal);
      ledger.outputs.set(node.id, standIn.value.output);
      ledger.warnings.set(node.id, [standIn.value.warning]);
      ledger.end(node, 'cached', cachedReason(standIn.value.reason));
      return 'succeeded';
    }
    if (x.dryRun) {
      ledger.outputs.set(node.id, { digest: `would-run:${decision.key}`, data: {} });
      ledger.end(node, 'skipped', decision.reason);
      return 'succeeded';
    }
    // A run that was stopped while this task was deciding starts nothing new.
    if (signal.aborted) {
      ledger.end(node, 'cancelled', { type: 'cancelled' });
      return 'failed';
    }
    x.emit({ type: 'task-start', id: node.id, kind: node.kind, reason: decision.reason });
    log = x.openLog(node.id);
    const rerun = decision.reason.type;
    const ctx = {
      ...ctxFor(decision.key),
      ...(rerun === 'forced' || rerun === 'artifact-missing' ? { rerun } : {}),
    };
    const result = x.hooks ? await runHooked(x.hooks, node, ctx, decision) : await decision.task.run(ctx);
    if (!result.ok) return ledger.failed(node, decision.reason, result.error, signal);
    await record(x, node, decision.key, decision, result.value);
    finish(x, node, decision, result.value);
    ledger.end(node, 'ran', decision.reason);
    return 'succeeded';
  } finally {
    await log?.close();
  }
}

/** The task's work between its hooks: a failing before: hook stops it, a failed run fires its error: hooks. */
async function runHooked(
  hooks: RunHooks,
  node: TaskNode,
  ctx: TaskContext,
  decision: Decision,
): Promise<Result<TaskOutput, Diagnostic>> {
  const before = await hooks.before(node, ctx);
  if (!before.ok) return before;
  const result = await decision.task.run(ctx);
  if (!result.ok) {
    await hooks.failed(node, ctx);
    return result;
  }
  const after = await hooks.after(node, ctx, result.value);
  return after.ok ? result : after;
}

function taskContext(
  x: ExecuteContext,
  node: TaskNode,
  key: string,
  signal: AbortSignal,
  toLog?: (line: string) => void,
): TaskContext {
  const upstream = new Map<string, TaskOutput>();
  for (const id of x.upstream.get(node.id) ?? []) {
    const output = x.ledger.outputs.get(id);
    if (output) upstream.set(id, output);
  }
  return {
    key,
    env: x.env,
    signal,
    log: (text) => {
      const line = x.mask(text);
      toLog?.(line);
      x.emit({ type: 'task-log', id: node.id, line });
    },
    warn: (text) => {
      const line = x.mask(text);
      x.ledger.warnings.set(node.id, [...(x.ledger.warnings.get(node.id) ?? []), line]);
      toLog?.(`warning: ${line}`);
      x.emit({ type: 'task-log', id: node.id, line: `warning: ${line}` });
    },
    upstream,
    settings: x.settings,
    listFiles: x.listFiles(node),
  };
}

/** Stores the record of a task that succeeded: only now may a later run skip it. */
function record(
  x: ExecuteContext,
  node: TaskNode,
  key: string,
  decision: Decision,
  output: TaskOutput,
): Promise<void> {
  return x.store.put({
    key,
    taskId: node.id,
    record: decision.record,
    output,
    finishedAt: new Date().toISOString(),
    durationMs: x.ledger.since() - x.ledger.startOf(node.id),
  });
}

/** Makes a finished task's output visible downstream and notes its memo entry. */
function finish(x: ExecuteContext, node: TaskNode, decision: Decision, output: TaskOutput): void {
  x.ledger.outputs.set(node.id, output);
  const deps = x.upstream.get(node.id) ?? [];
  x.ledger.memo.set(
    node.id,
    memoEntry(node, decision.task, decision.key, deps, output, decision.reads, x.settings),
  );
}

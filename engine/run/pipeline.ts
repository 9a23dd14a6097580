// Runs a pipeline over the graph: the scheduler decides when, task-step decides whether, reporters hear about it.
import type { FileDigests } from '../../cache/file-digests.ts';
import type { KeyRecord } from '../../cache/key.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { TaskGraph } from '../graph/types.ts';
import type { TaskNode } from '../../core/task.ts';
import type {
  InputsContext,
  RunSettings,
  TaskContext,
  TaskKindImpl,
  TaskOutput,
} from '../../core/task-kind.ts';
import { criticalPath } from './critical-path.ts';
import { knownPresent, knownTask, memoEntry, type KnownTask } from './memo-step.ts';
import type { MemoTask } from './run-memo.ts';
import {
  countStatuses,
  type Reason,
  type RunEvent,
  type RunSummary,
  type TaskStatus,
  type TaskSummary,
} from './events.ts';
import type { RunStore } from './run-store.ts';
import { schedule, type TaskOutcome } from './scheduler.ts';
import { selectTasks, type PipelineName } from './select.ts';
import { decide, type Decision } from './task-step.ts';

/** How to run. */
export interface PipelineOptions {
  pipeline: PipelineName;
  settings: RunSettings;
  /** Task ids given with `--force`. */
  force: readonly string[];
  parallel: number;
  kindLimits: Readonly<Record<string, number>>;
  keepGoing: boolean;
  dryRun: boolean;
  /** Run only these tasks (their upstream must be included); `dsg why` uses it. */
  only?: ReadonlySet<string>;
}

/** What the pipeline uses from outside: cache, logs, clock, events. */
export interface PipelineDeps {
  kinds: ReadonlyMap<string, TaskKindImpl>;
  store: RunStore;
  digests: FileDigests;
  env: Readonly<Record<string, string>>;
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
  /** Opens the log of a task for this run; returns the line writer and a close function. */
  openLog: (taskId: string) => { write(line: string): void; close(): Promise<void> };
  listFiles: (node: TaskNode, onRead?: (path: string) => void) => InputsContext['listFiles'];
  estimateMs: (taskId: string) => number;
  formatError: (d: Diagnostic) => string;
  /** Hears every decision, with the key record of tasks that would run (`dsg why`). */
  onDecision?: (taskId: string, decision: Decision) => void;
  /** The tasks of a run memo whose stamps still hold: decided without computing their keys. */
  known?: ReadonlyMap<string, KnownTask>;
}

/**
 * A finished pipeline: the summary and the diagnostics of the tasks that failed; and, when every task
 * succeeded with a key whose inputs its kind can name, the memo of the run and the paths it depends on.
 */
export interface PipelineResult {
  summary: RunSummary;
  failures: Diagnostic[];
  memo?: { tasks: MemoTask[]; reads: Map<string, readonly string[]> };
}

/** Runs the pipeline and resolves when every task has an outcome. */
export async function runPipeline(
  graph: TaskGraph,
  options: PipelineOptions,
  deps: PipelineDeps,
): Promise<PipelineResult> {
  const { nodes, deps: upstream } = selectTasks(graph, options.pipeline, options.only);
  const memoEntries = new Map<string, { task: MemoTask; reads: readonly string[] } | undefined>();
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const outputs = new Map<string, TaskOutput>();
  const summaries = new Map<string, TaskSummary>();
  const starts = new Map<string, number>();
  const failures: Diagnostic[] = [];
  const since = (): number => performance.now() - started;
  const forcedBy = forcing(options);

  const end = (node: TaskNode, status: TaskStatus, reason: Reason, error?: string): void => {
    const startMs = starts.get(node.id) ?? since();
    const endMs = since();
    const summary: TaskSummary = {
      id: node.id,
      kind: node.kind,
      status,
      reason,
      startMs,
      endMs,
      durationMs: endMs - startMs,
    };
    if (error !== undefined) summary.error = error;
    summaries.set(node.id, summary);
    deps.emit({
      type: 'task-end',
      id: node.id,
      kind: node.kind,
      status,
      reason,
      durationMs: summary.durationMs,
      ...(error !== undefined ? { error } : {}),
    });
  };
  const failed = (node: TaskNode, reason: Reason, d: Diagnostic, signal: AbortSignal): 'failed' => {
    if (signal.aborted) {
      end(node, 'cancelled', { type: 'cancelled' });
    } else {
      failures.push(d);
      end(node, 'failed', reason, deps.formatError(d));
    }
    return 'failed';
  };

  const taskContext = (
    node: TaskNode,
    key: string,
    signal: AbortSignal,
    toLog?: (line: string) => void,
  ): TaskContext => ({
    task: node,
    key,
    env: deps.env,
    signal,
    log: (line) => {
      toLog?.(line);
      deps.emit({ type: 'task-log', id: node.id, line });
    },
    upstream: new Map(
      (upstream.get(node.id) ?? []).flatMap((id) => {
        const o = outputs.get(id);
        return o ? [[id, o] as const] : [];
      }),
    ),
    settings: options.settings,
    listFiles: deps.listFiles(node),
  });
  const remember = (node: TaskNode, key: string, output: TaskOutput, reads: string[] | undefined): void => {
    const kind = deps.kinds.get(node.kind);
    const entry =
      kind && memoEntry(node, kind, key, upstream.get(node.id) ?? [], output, reads, options.settings);
    memoEntries.set(node.id, entry);
  };

  const putRecord = (node: TaskNode, key: string, record: KeyRecord, output: TaskOutput): Promise<void> =>
    deps.store.put({
      key,
      taskId: node.id,
      record,
      output,
      finishedAt: new Date().toISOString(),
      durationMs: since() - (starts.get(node.id) ?? 0),
    });

  const execute = async (node: TaskNode, signal: AbortSignal): Promise<'succeeded' | 'failed'> => {
    starts.set(node.id, since());
    const known = deps.known && knownTask(deps.known, node.id, outputs);
    const present =
      known &&
      (await knownPresent(
        known,
        node,
        deps.kinds.get(node.kind),
        (upstream.get(node.id) ?? []).flatMap((id) => outputs.get(id) ?? []),
        (n) => taskContext(n, known.key, signal),
      ));
    if (known && present?.present === true) {
      outputs.set(node.id, known.output);
      memoEntries.set(node.id, { task: known, reads: known.reads });
      end(
        node,
        'cached',
        present.from === undefined ? { type: 'cached' } : { type: 'cached', from: present.from },
      );
      return 'succeeded';
    }
    // The log is opened (and the last run's truncated) only when the task really runs: a cache hit keeps it.
    let log: ReturnType<PipelineDeps['openLog']> | undefined;
    const ctxFor = (key: string): TaskContext => taskContext(node, key, signal, (line) => log?.write(line));
    try {
      if (options.pipeline === 'purge') {
        log = deps.openLog(node.id);
        return await purge(node, ctxFor(''), signal);
      }
      const step = await decide(
        {
          kinds: deps.kinds,
          settings: options.settings,
          env: deps.env,
          store: deps.store,
          digests: deps.digests,
          outputs,
          deps: upstream,
          forcedBy,
          listFiles: deps.listFiles,
          dryRun: options.dryRun,
        },
        node,
        ctxFor,
      );
      if (!step.ok) return failed(node, { type: 'first-run' }, step.error, signal);
      const decision = step.decision;
      deps.onDecision?.(node.id, decision);
      if (!decision.run) {
        // An artifact found elsewhere is recorded here, so the next run is a plain hit.
        if (decision.reused) await putRecord(node, decision.key, decision.record, decision.output);
        outputs.set(node.id, decision.output);
        remember(node, decision.key, decision.output, decision.reads);
        end(node, 'cached', decision.reason);
        return 'succeeded';
      }
      if (options.dryRun) {
        outputs.set(node.id, { digest: `would-run:${decision.key}`, data: {} });
        end(node, 'skipped', decision.reason);
        return 'succeeded';
      }
      // A run that was stopped while this task was deciding starts nothing new.
      if (signal.aborted) {
        end(node, 'cancelled', { type: 'cancelled' });
        return 'failed';
      }
      deps.emit({ type: 'task-start', id: node.id, kind: node.kind, reason: decision.reason });
      const kind = deps.kinds.get(node.kind);
      if (!kind) throw new Error(`No task kind "${node.kind}"`);
      log = deps.openLog(node.id);
      const result = await kind.run(decision.node, ctxFor(decision.key));
      if (!result.ok) return failed(node, decision.reason, result.error, signal);
      await putRecord(node, decision.key, decision.record, result.value);
      outputs.set(node.id, result.value);
      remember(decision.node, decision.key, result.value, decision.reads);
      end(node, 'ran', decision.reason);
      return 'succeeded';
    } finally {
      await log?.close();
    }
  };

  const purge = async (
    node: TaskNode,
    ctx: TaskContext,
    signal: AbortSignal,
  ): Promise<'succeeded' | 'failed'> => {
    const reason: Reason = { type: 'forced', by: 'purge' };
    const kind = deps.kinds.get(node.kind);
    if (!kind?.purge) {
      end(node, 'skipped', reason);
      return 'succeeded';
    }
    deps.emit({ type: 'task-start', id: node.id, kind: node.kind, reason });
    if (options.dryRun) {
      end(node, 'skipped', reason);
      return 'succeeded';
    }
    const result = await kind.purge(node, ctx);
    if (!result.ok) return failed(node, reason, result.error, signal);
    end(node, 'ran', reason);
    return 'succeeded';
  };

  deps.emit({
    type: 'run-start',
    pipeline: options.pipeline,
    total: nodes.length,
    tasks: nodes.map((n) => ({ id: n.id, kind: n.kind })),
    dryRun: options.dryRun,
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const outcomes = await schedule(
    nodes.map((n) => ({ id: n.id, kind: n.kind, deps: upstream.get(n.id) ?? [], node: n })),
    {
      parallel: options.parallel,
      kindLimits: options.kindLimits,
      keepGoing: options.keepGoing,
      signal: deps.signal,
      estimateMs: deps.estimateMs,
      execute: (task, signal) => execute(task.node, signal),
      onEnd: (id, outcome) => {
        const node = byId.get(id);
        if (node && !summaries.has(id)) endUnstarted(node, outcome);
      },
    },
  );
  function endUnstarted(node: TaskNode, outcome: TaskOutcome): void {
    const failedDep = (upstream.get(node.id) ?? []).find((d) => {
      const s = summaries.get(d)?.status;
      return (
        s === 'failed' ||
        s === 'cancelled' ||
        (s === 'skipped' && summaries.get(d)?.reason.type === 'upstream-failed')
      );
    });
    if (outcome === 'upstream-failed' && failedDep !== undefined)
      end(node, 'skipped', { type: 'upstream-failed', upstream: failedDep });
    else end(node, outcome === 'cancelled' ? 'cancelled' : 'skipped', { type: 'cancelled' });
  }

  const tasks = nodes.flatMap((n) => summaries.get(n.id) ?? []);
  const ok = [...outcomes.values()].every((o) => o === 'succeeded') && !deps.signal.aborted;
  const summary: RunSummary = {
    pipeline: options.pipeline,
    startedAt,
    durationMs: since(),
    tasks,
    counts: countStatuses(tasks),
    criticalPath: criticalPath(tasks, upstream),
    ok,
  };
  deps.emit({ type: 'run-end', summary });
  return { summary, failures, ...memoOf(nodes, memoEntries, ok && !options.dryRun) };
}

/** The memo of a run where every task ended with a traceable key, in pipeline order. */
function memoOf(
  nodes: readonly TaskNode[],
  entries: ReadonlyMap<string, { task: MemoTask; reads: readonly string[] } | undefined>,
  complete: boolean,
): Pick<PipelineResult, 'memo'> {
  if (!complete) return {};
  const tasks: MemoTask[] = [];
  const reads = new Map<string, readonly string[]>();
  for (const { id } of nodes) {
    const entry = entries.get(id);
    if (!entry) return {};
    tasks.push(entry.task);
    reads.set(id, entry.reads);
  }
  return { memo: { tasks, reads } };
}
function forcing(options: PipelineOptions): (node: TaskNode) => string | undefined {
  const force = new Set(options.force);
  return (node) => {
    if (force.has(node.id)) return `--force ${node.id}`;
    // -b rebuilds and pushes again: a rebuilt image under an unchanged tag must still reach the registry.
    if ((node.kind === 'build' || node.kind === 'tag') && options.settings.forceBuild) return '-b';
    if (node.kind === 'deploy' && options.settings.forceDeploy) return '-d';
    if (node.spec.kind === 'build' && node.spec.image.rebuildStrategy === 'always')
      return 'rebuildStrategy: always';
    return undefined;
  };
}

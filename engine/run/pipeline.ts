// Runs a pipeline over the graph: the scheduler decides when, execute.ts decides whether and runs, the ledger
// records every outcome, reporters hear about it through events.
import type { FileDigests } from '../../cache/file-digests.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { maskSecrets } from '../../core/secrets.ts';
import type { TaskNode } from '../../core/task.ts';
import type { InputsContext, RunSettings } from '../../core/task-kind.ts';
import type { TaskKinds } from '../../tasks/index.ts';
import type { Decision } from './decide.ts';
import type { RunEvent, RunSummary } from './events.ts';
import { executeTask, type TaskLogHandle } from './execute.ts';
import { RunHooks } from './hooks.ts';
import { openLedger } from './ledger.ts';
import type { KnownTask } from './memo-step.ts';
import type { RunStore } from './run-store.ts';
import { schedule } from './scheduler.ts';
import { selectTasks, type PipelineName } from './select.ts';
import type { TaskGraph } from '../graph/types.ts';
import { endUnstarted, memoOf, summarise, type RunMemoParts } from './summarise.ts';

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
  /** Run only these tasks (their upstream must be included); `dsg why` and narrowed runs use it. */
  only?: ReadonlySet<string>;
  /** `--skip-build`: a build whose inputs have no record is not run; its last recorded image stands in. */
  skipBuild?: boolean;
}

/** What the pipeline uses from outside: task kinds, cache, logs, clock, events. */
export interface PipelineDeps {
  kinds: TaskKinds;
  store: RunStore;
  digests: FileDigests;
  env: Readonly<Record<string, string>>;
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
  /** Opens the log of a task for this run. */
  openLog: (taskId: string) => TaskLogHandle;
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
  memo?: RunMemoParts;
}

/** Runs the pipeline and resolves when every task has an outcome. */
export async function runPipeline(
  graph: TaskGraph,
  options: PipelineOptions,
  deps: PipelineDeps,
): Promise<PipelineResult> {
  const { nodes, deps: upstream } = selectTasks(graph, options.pipeline, options.only);
  const purge = options.pipeline === 'purge';
  // Hooks run only when tasks really run: a dry run runs none.
  const hooks =
    !options.dryRun && nodes.some((n) => n.hooks)
      ? new RunHooks(nodes, purge ? 'purge' : 'run', () => ledger.outputs)
      : undefined;
  const emit = hooks
    ? (event: RunEvent): void => {
        hooks.observe(event);
        deps.emit(event);
      }
    : deps.emit;
  // Secrets never leave in clear: task logs, errors and events are masked, key records hold digests.
  const mask = maskSecrets(graph.secrets);
  const ledger = openLedger(emit, deps.formatError, mask);
  const context = {
    ...deps,
    emit,
    ...(hooks ? { hooks } : {}),
    secrets: graph.secrets,
    mask,
    settings: options.settings,
    force: new Set(options.force),
    purge,
    dryRun: options.dryRun,
    skipBuild: options.skipBuild ?? false,
    upstream,
    ledger,
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
      execute: (task, signal) => executeTask(task.node, signal, context),
      onEnd: (id, outcome) => {
        const node = byId.get(id);
        if (node) endUnstarted(ledger, node, outcome, upstream.get(id) ?? []);
      },
    },
  );
  const ok = [...outcomes.values()].every((o) => o === 'succeeded') && !deps.signal.aborted;
  const summary = summarise(ledger, options.pipeline, nodes, upstream, ok);
  deps.emit({ type: 'run-end', summary });
  const memo = ok && !options.dryRun ? memoOf(nodes, ledger.memo) : undefined;
  return { summary, failures: ledger.failures, ...(memo ? { memo } : {}) };
}

// `dsg run` past the memo: load and compile the graph, decide every task (or only re-ask the artifacts a
// memo could not prove), run, and memoise a run that decided every task.
import { maskSecrets } from '../../../core/secrets.ts';
import { dirname } from 'node:path';
import { formatOneLine } from '../../diagnostics-format.ts';
import { runPipeline, type PipelineResult } from '../../run/pipeline.ts';
import { projectLister } from '../../run/list-files.ts';
import type { MemoSlot } from '../../../cache/memo.ts';
import type { ReadLog } from '../../../cache/read-log.ts';
import { dropRunMemo, storeRunMemo, type RunMemo } from '../../run/run-memo.ts';
import type { KnownTask } from '../../run/memo-step.ts';
import {
  deploymentNames,
  narrowTasks,
  pipelineKinds,
  selectTasks,
  type Narrowing,
  type PipelineName,
} from '../../run/select.ts';
import { error, type Diagnostic } from '../../../core/diagnostics.ts';
import { defaultParallel, type RunFacts, type Session } from '../../run/session.ts';
import { loadTaskKinds } from '../../../tasks/index.ts';
import type { RunSettings } from '../../../core/task-kind.ts';
import { bool, list, num, str, suggest, type FlagValues } from '../args.ts';
import { printDiagnostics, printWarnings, type Io } from '../io.ts';
import { runReporter } from '../run-reporter.ts';
import { unknownTask } from '../unknown-task.ts';
import { loadGraph, type LoadedGraph } from '../load-project.ts';

/** Where a run's memo stands: its slot (none for runs never memoised), the memo if it holds, debug output. */
export interface MemoState {
  slot: MemoSlot | undefined;
  memo: RunMemo | undefined;
  /** Tasks of the memo that must be decided again. */
  stale: ReadonlySet<string>;
  debug: Io['stderr'] | undefined;
}

/**
 * Loads and compiles the project; undefined after printing why not. The warnings are kept in `notes` (as data,
 * so a memo replays them as text or as `--json` events) and printed, except those in `replayed` (the notes of a
 * memo, printed already): a config edited since the memo was stored can warn about something new.
 * `reads` records what loading read.
 */
export async function loadRunGraph(
  io: Io,
  flags: FlagValues,
  notes: string[],
  replayed: readonly string[] = [],
  run?: RunRequest,
  reads?: ReadLog,
): Promise<LoadedGraph | undefined> {
  const json = bool(flags, 'json');
  const onWarnings = (ds: readonly Diagnostic[]): void => {
    const noted = ds.map((d) => JSON.stringify(d));
    notes.push(...noted);
    printWarnings(
      io,
      ds.filter((_, i) => !replayed.includes(noted[i] ?? '')),
      json,
    );
  };
  const loaded = await loadGraph(io, flags, { purpose: 'run', onWarnings, ...(reads ? { reads } : {}) });
  if (!loaded) return undefined;
  const { graph } = loaded;
  const unknown = list(flags, 'force').filter((id) => !graph.nodes.has(id));
  const narrowed = run && narrowTasks(graph, run.pipeline, narrowing(flags, run));
  if (unknown.length === 0 && narrowed?.ok !== false) return loaded;
  printDiagnostics(io, [
    ...unknown.map((id) => unknownTask(graph, id, ' given to --force')),
    ...(narrowed?.ok === false ? narrowed.error.map((name) => unknownDeployment(graph, name)) : []),
  ]);
  return undefined;
}

/** The pipeline of a `dsg run` and the deployments it was limited to. */
export interface RunRequest {
  pipeline: PipelineName;
  deployments: readonly string[];
}

function narrowing(flags: FlagValues, run: RunRequest): Narrowing {
  return { deployments: run.deployments, skipDeploy: bool(flags, 'skip-deploy') };
}

function unknownDeployment(graph: LoadedGraph['graph'], name: string): Diagnostic {
  const known = deploymentNames(graph);
  const close = suggest(name, known);
  return error(
    `Deployment "${name}" is not defined in ${graph.root.file}${close ? ` — did you mean "${close}"?` : ''}`,
    undefined,
    `defined deployments: ${known.map((n) => `"${n}"`).join(', ') || 'none'}`,
  );
}

/** A graph loaded before the lock was taken, with what loading read and the warnings it printed. */
export type LoadedRunGraph = LoadedGraph & { notes: string[] };

/**
 * The run with the lock held, for a run the memo cannot answer alone (the graph is loaded here unless given):
 * an exit code when it ended before running, else its result and the keys and dependencies of its tasks.
 */
export async function runWithGraph(
  io: Io,
  flags: FlagValues,
  run: RunRequest,
  s: Session,
  { slot, memo, stale, debug }: MemoState,
  given?: LoadedRunGraph,
): Promise<number | (PipelineResult & { facts: RunFacts })> {
  const { pipeline } = run;
  const notes = given?.notes ?? [];
  const loaded = given ?? (await loadRunGraph(io, flags, notes, memo?.notes, run));
  if (!loaded) return 1;
  const { graph } = loaded;
  const narrowed = narrowTasks(graph, pipeline, narrowing(flags, run));
  // loadRunGraph refused unknown names already.
  const only = narrowed.ok ? narrowed.value : undefined;
  if (graph.root.dir !== dirname(s.stateDir))
    throw new Error(`The config's folder "${graph.root.dir}" is not beside "${s.stateDir}"`);
  const settings = runSettings(flags, s.stateDir);
  const reporter = runReporter(io, flags);
  const kindLimits: Record<string, number> = {};
  const maxBuilds = bool(flags, 'build-sequential') ? 1 : num(flags, 'max-concurrent-builds');
  if (maxBuilds !== undefined) kindLimits.build = maxBuilds;
  const durations = await s.durations();
  const known = memo ? knownTasks(memo, stale) : undefined;
  // Keys as decided, or as the memo knew them for the tasks it answered.
  const keys = new Map([...(known?.values() ?? [])].map((t) => [t.id, t.key]));
  let result: PipelineResult;
  try {
    result = await runPipeline(
      graph,
      {
        pipeline,
        settings,
        force: list(flags, 'force'),
        parallel: num(flags, 'parallel') ?? defaultParallel(),
        kindLimits,
        keepGoing: bool(flags, 'keep-going'),
        dryRun: bool(flags, 'dry-run'),
        skipBuild: bool(flags, 'skip-build'),
        ...(only ? { only } : {}),
      },
      {
        kinds: await loadTaskKinds(pipelineKinds(graph, pipeline, only)),
        store: s.store,
        digests: await s.digests(),
        env: io.env,
        signal: io.signal,
        emit: (e) => reporter.onEvent(e),
        openLog: (id) => s.openLog(id),
        listFiles: (node, onRead) => projectLister(node.project.dir, io.cwd, onRead),
        estimateMs: (id) => durations[id] ?? 1,
        formatError: formatOneLine,
        onDecision: (id, decision) => keys.set(id, decision.key),
        ...(known ? { known } : {}),
      },
    );
  } finally {
    reporter.close();
  }
  if (slot && !bool(flags, 'dry-run'))
    await keepMemo(io, slot, loaded, memo && stale.size === 0 ? memo : undefined, notes, result, debug);
  return { ...result, facts: { keys, deps: selectTasks(graph, pipeline, only).deps } };
}

/** Stores the memo of a run that decided every task, or drops one that no longer describes the project. */
export async function keepMemo(
  io: Io,
  slot: MemoSlot,
  loaded: LoadedGraph,
  used: RunMemo | undefined,
  notes: string[],
  result: PipelineResult,
  debug: Io['stderr'] | undefined,
): Promise<void> {
  if (used && result.summary.ok && result.summary.counts.ran === 0) return;
  if (!result.memo) {
    if (used) dropRunMemo(slot);
    debug?.write(
      `run memo: not stored (${result.summary.ok ? 'a task cannot name its inputs' : 'the run failed'})\n`,
    );
    return;
  }
  const notStored = await storeRunMemo(
    slot,
    { tasks: result.memo.tasks, notes: notes.map(maskSecrets(loaded.graph.secrets)) },
    result.memo.reads,
    loaded.reads,
    io.env,
    loaded.graph.root.dir,
    performance.timeOrigin,
  );
  if (notStored !== undefined && used) dropRunMemo(slot);
  debug?.write(notStored === undefined ? 'run memo: stored\n' : `run memo: not stored (${notStored})\n`);
}

/** The memo's tasks not gone stale; none when a part of the memo is damaged (every task is then decided). */
export function knownTasks(memo: RunMemo, stale: ReadonlySet<string>): Map<string, KnownTask> {
  const outputs = memo.outputs();
  const paths = memo.taskPaths();
  const known = new Map<string, KnownTask>();
  if (!outputs || !paths) return known;
  memo.tasks.forEach((t, i) => {
    const output = outputs[i];
    if (output && !stale.has(t.id)) known.set(t.id, { ...t, output, reads: paths[i] ?? [] });
  });
  return known;
}

/** The settings every task of a run sees, from the flags. */
export function runSettings(flags: FlagValues, stateDir: string): RunSettings {
  const namespace = str(flags, 'namespace');
  const kubeContext = str(flags, 'kube-context');
  return {
    skipPush: bool(flags, 'skip-push'),
    tags: list(flags, 'tag'),
    forceBuild: bool(flags, 'force-build'),
    forceDeploy: bool(flags, 'force-deploy'),
    stateDir,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(kubeContext !== undefined ? { kubeContext } : {}),
  };
}

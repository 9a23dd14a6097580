// `dsg run` past the memo: load and compile the graph, decide every task (or only re-ask the artifacts a
// memo could not prove), run, and memoise a run that decided every task.
import { dirname } from 'node:path';
import { formatOneLine } from '../../diagnostics-format.ts';
import { runPipeline, type PipelineResult } from '../../run/pipeline.ts';
import { projectLister } from '../../run/list-files.ts';
import type { MemoSlot } from '../../../cache/memo.ts';
import { dropRunMemo, storeRunMemo, type RunMemo } from '../../run/run-memo.ts';
import type { KnownTask } from '../../run/memo-step.ts';
import { pipelineKinds, selectTasks, type PipelineName } from '../../run/select.ts';
import { defaultParallel, type RunFacts, type Session } from '../../run/session.ts';
import { loadTaskKinds } from '../../../tasks/index.ts';
import type { RunSettings } from '../../../core/task-kind.ts';
import { bool, list, num, str, type FlagValues } from '../args.ts';
import { printDiagnostics, type Io } from '../io.ts';
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
 * Loads and compiles the project; undefined after printing why not. With `quiet`, warnings are only
 * collected in `notes` (a memo replays them already) unless loading fails.
 */
export async function loadRunGraph(
  io: Io,
  flags: FlagValues,
  notes: string[],
  quiet = false,
): Promise<LoadedGraph | undefined> {
  const recording: Io = {
    ...io,
    stderr: { write: (text: string) => (notes.push(text), quiet ? true : io.stderr.write(text)) },
  };
  const loaded = await loadGraph(recording, flags, 'run');
  if (!loaded && quiet) for (const text of notes) io.stderr.write(text);
  if (!loaded) return undefined;
  const { graph } = loaded;
  const unknown = list(flags, 'force').filter((id) => !graph.nodes.has(id));
  if (unknown.length === 0) return loaded;
  printDiagnostics(
    io,
    unknown.map((id) => unknownTask(graph, id, ' given to --force')),
  );
  return undefined;
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
  pipeline: PipelineName,
  s: Session,
  { slot, memo, stale, debug }: MemoState,
  given?: LoadedRunGraph,
): Promise<number | (PipelineResult & { facts: RunFacts })> {
  const notes = given?.notes ?? [];
  const loaded = given ?? (await loadRunGraph(io, flags, notes, memo !== undefined));
  if (!loaded) return 1;
  const { graph } = loaded;
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
      },
      {
        kinds: await loadTaskKinds(pipelineKinds(graph, pipeline)),
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
  return { ...result, facts: { keys, deps: selectTasks(graph, pipeline).deps } };
}

/** Stores the memo of a run that decided every task, or drops one that no longer describes the project. */
async function keepMemo(
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
    { tasks: result.memo.tasks, notes },
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
function knownTasks(memo: RunMemo, stale: ReadonlySet<string>): Map<string, KnownTask> {
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

function runSettings(flags: FlagValues, stateDir: string): RunSettings {
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

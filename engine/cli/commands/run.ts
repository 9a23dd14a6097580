// `dsg run PIPELINE`: take the project lock; when the run memo's stamps all hold and no artifact needs asking
// again, replay it without loading the config; otherwise load, compile and decide (run-graph.ts).
import type { LoadedRunGraph } from './run-graph.ts';
import type { RunSummary } from '../../run/events.ts';
import { replayRun } from '../../run/replay.ts';
import { FORCING_FLAGS, lookupRunMemo, runMemoSlot, type MemoLookup } from '../../run/run-memo.ts';
import { PIPELINES, type PipelineName } from '../../run/select.ts';
import type { RunFacts, Session } from '../../run/session.ts';
import { bool, suggest, type FlagValues } from '../args.ts';
import { printDiagnostics, replayWarnings, type Io } from '../io.ts';
import { runReporter } from '../run-reporter.ts';
import { interruptCode } from '../interrupt.ts';
import { openCommandSession } from '../command-session.ts';
import type { PipelineResult } from '../../run/pipeline.ts';

/** Runs `dsg run`; returns the exit code. */
export async function runCommand(io: Io, flags: FlagValues, positionals: string[]): Promise<number> {
  const [pipeline, ...deployments] = positionals;
  const usage = runUsage(pipeline, deployments, flags);
  if (usage !== undefined) {
    io.stderr.write(`dsg run: ${usage}\nUsage: dsg run ${PIPELINES.join('|')} [DEPLOYMENT...] [flags]\n`);
    return 2;
  }
  const command = ['dsg', 'run', pipeline, ...deployments, ...Object.keys(flags).map((f) => `--${f}`)].join(
    ' ',
  );
  // Without a state folder there is no memo: the config is loaded first, so that a bad one leaves nothing.
  const opened = await openCommandSession(io, flags, command, () =>
    loadFirst(io, flags, pipeline as PipelineName, deployments),
  );
  if (!opened) return 1;
  const { session, loaded } = opened;
  let summary;
  let facts: RunFacts | undefined;
  let code: number | undefined;
  try {
    const result = await runLocked(io, flags, pipeline as PipelineName, deployments, session, loaded);
    if (typeof result === 'number') code = result;
    else {
      ({ summary, facts } = result);
      if (result.failures.length > 0 && !bool(flags, 'json')) printDiagnostics(io, result.failures);
    }
  } finally {
    const fault = await session.close(summary, command, facts);
    // A write to .dsg/ that failed (a full disk) is the run's one error, whatever the tasks did.
    if (fault) {
      printDiagnostics(io, [fault]);
      code = 1;
    }
  }
  if (code !== undefined || !summary) return code ?? 1;
  if (io.signal.aborted) {
    io.stderr.write('dsg: interrupted — finished tasks are recorded; run again to resume\n');
    return interruptCode(io.signal);
  }
  return summary.ok ? 0 : 1;
}

/** The run with the lock held: replayed from the memo when it answers for every task. */
async function runLocked(
  io: Io,
  flags: FlagValues,
  pipeline: PipelineName,
  deployments: string[],
  s: Session,
  loaded?: LoadedRunGraph,
): Promise<number | (Pick<PipelineResult, 'summary' | 'failures'> & { facts: RunFacts })> {
  const debug = (io.env['DSG_DEBUG_RUN_MEMO'] ?? '') !== '' ? io.stderr : undefined;
  const memoable = pipeline !== 'purge' && FORCING_FLAGS.every((f) => !(f in flags));
  const request = { stateDir: s.stateDir, cwd: io.cwd, pipeline, flags, deployments };
  const slot = memoable ? runMemoSlot(request) : undefined;
  const run = { pipeline, deployments };
  if (loaded) {
    const { runWithGraph } = await import('./run-graph.ts');
    return runWithGraph(io, flags, run, s, { slot, memo: undefined, stale: new Set(), debug }, loaded);
  }
  const hit = slot && lookupRunMemo(slot, s.stateDir, io.env);
  if (hit) debug?.write(`run memo: ${memoVerdict(hit)}\n`);
  const memo = hit?.ok ? hit.memo : undefined;
  const stale = hit?.ok ? hit.stale : new Set<string>();
  if (memo) replayWarnings(io, memo.notes, bool(flags, 'json'));
  if (memo && stale.size === 0 && memo.tasks.every((t) => !t.check)) {
    const reporter = runReporter(io, flags);
    let summary: RunSummary;
    try {
      summary = replayRun(memo, pipeline, bool(flags, 'dry-run'), (e) => reporter.onEvent(e));
    } finally {
      reporter.close();
    }
    const facts: RunFacts = {
      keys: new Map(memo.tasks.map((t) => [t.id, t.key])),
      deps: new Map(memo.tasks.map((t) => [t.id, t.deps])),
    };
    return { summary, failures: [], facts };
  }
  const { runWithGraph } = await import('./run-graph.ts');
  return runWithGraph(io, flags, run, s, { slot, memo, stale, debug });
}

/** `hit`, `partial (2 of 40 tasks to decide: "api/main.go" changed)` or `miss (input changed)`. */
function memoVerdict(lookup: MemoLookup): string {
  if (!lookup.ok) return `miss (${lookup.reason})`;
  if (lookup.stale.size === 0) return 'hit';
  const { length } = lookup.memo.tasks;
  return `partial (${lookup.stale.size} of ${length} tasks to decide: ${lookup.reason ?? 'changed'})`;
}

async function loadFirst(
  io: Io,
  flags: FlagValues,
  pipeline: PipelineName,
  deployments: string[],
): Promise<LoadedRunGraph | undefined> {
  const { loadRunGraph } = await import('./run-graph.ts');
  const notes: string[] = [];
  const loaded = await loadRunGraph(io, flags, notes, [], { pipeline, deployments });
  return loaded && { ...loaded, notes };
}

/** What is wrong with the words and flags of `dsg run`, or undefined. */
function runUsage(
  pipeline: string | undefined,
  deployments: string[],
  flags: FlagValues,
): string | undefined {
  if (pipeline === undefined) return 'missing pipeline';
  if (!PIPELINES.includes(pipeline as PipelineName)) {
    const close = suggest(pipeline, PIPELINES);
    return `unknown pipeline "${pipeline}"${close ? ` — did you mean "${close}"?` : ''}`;
  }
  if (pipeline === 'build' && deployments.length > 0)
    return `unexpected "${deployments.join(' ')}": dsg run build takes no deployments`;
  const clash = [
    ['skip-build', 'force-build'],
    ['skip-deploy', 'force-deploy'],
  ].find(([a, b]) => bool(flags, a ?? '') && bool(flags, b ?? ''));
  if (clash) return `--${clash[0] ?? ''} and --${clash[1] ?? ''} cannot be given together`;
  if (pipeline === 'purge' && (bool(flags, 'skip-build') || bool(flags, 'skip-deploy')))
    return '--skip-build and --skip-deploy do not apply to purge';
  return undefined;
}

// `dsg run PIPELINE`: take the project lock; when the run memo's stamps all hold and no artifact needs asking
// again, replay it without loading the config; otherwise load, compile and decide (run-graph.ts).
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Diagnostic } from '../../../core/diagnostics.ts';
import type { LoadedRunGraph } from './run-graph.ts';
import type { RunSummary } from '../../run/events.ts';
import { replayRun } from '../../run/replay.ts';
import { FORCING_FLAGS, lookupRunMemo, runMemoSlot, type MemoLookup } from '../../run/run-memo.ts';
import { PIPELINES, type PipelineName } from '../../run/select.ts';
import { openSession, type RunFacts, type Session } from '../../run/session.ts';
import { bool, suggest, type FlagValues } from '../args.ts';
import { printDiagnostics, type Io } from '../io.ts';
import { runReporter } from '../run-reporter.ts';
import { interruptCode } from '../interrupt.ts';
import { stateDirOf } from '../state-dir.ts';
import { lockSettings } from '../lock-settings.ts';
import { cacheLimit } from '../cache-limit.ts';
import type { PipelineResult } from '../../run/pipeline.ts';

/** Runs `dsg run`; returns the exit code. */
export async function runCommand(io: Io, flags: FlagValues, positionals: string[]): Promise<number> {
  const [pipeline, ...extra] = positionals;
  if (pipeline === undefined || !PIPELINES.includes(pipeline as PipelineName) || extra.length > 0) {
    const close = pipeline ? suggest(pipeline, PIPELINES) : undefined;
    io.stderr.write(
      `dsg run: ${pipeline === undefined ? 'missing pipeline' : extra.length > 0 ? `unexpected "${extra.join(' ')}"` : `unknown pipeline "${pipeline}"${close ? ` — did you mean "${close}"?` : ''}`}\nUsage: dsg run ${PIPELINES.join('|')} [flags]\n`,
    );
    return 2;
  }
  const command = ['dsg', 'run', pipeline, ...Object.keys(flags).map((f) => `--${f}`)].join(' ');
  const note = (d: Diagnostic): void => void printDiagnostics(io, [d]);
  const stateDir = stateDirOf(io.cwd, flags, io.env);
  // Without a state folder there is no memo: the config is loaded first, so that a bad one leaves nothing.
  const fresh = !existsSync(stateDir);
  const loaded = fresh ? await loadFirst(io, flags) : undefined;
  if (fresh && !loaded) return 1;
  const session = await openSession({
    projectDir: dirname(stateDir),
    command,
    signal: io.signal,
    note,
    ...lockSettings(flags, io.env),
    ...cacheLimit(flags, io.env),
  });
  if (!session.ok) {
    printDiagnostics(io, [session.error]);
    return 1;
  }
  let summary;
  let facts: RunFacts | undefined;
  let code: number | undefined;
  try {
    const result = await runLocked(io, flags, pipeline as PipelineName, session.value, loaded);
    if (typeof result === 'number') code = result;
    else {
      ({ summary, facts } = result);
      if (result.failures.length > 0 && !bool(flags, 'json')) printDiagnostics(io, result.failures);
    }
  } finally {
    const fault = await session.value.close(summary, command, facts);
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
  s: Session,
  loaded?: LoadedRunGraph,
): Promise<number | (Pick<PipelineResult, 'summary' | 'failures'> & { facts: RunFacts })> {
  const debug = (io.env['DSG_DEBUG_RUN_MEMO'] ?? '') !== '' ? io.stderr : undefined;
  const memoable = pipeline !== 'purge' && FORCING_FLAGS.every((f) => !(f in flags));
  const slot = memoable ? runMemoSlot({ stateDir: s.stateDir, cwd: io.cwd, pipeline, flags }) : undefined;
  if (loaded) {
    const { runWithGraph } = await import('./run-graph.ts');
    return runWithGraph(io, flags, pipeline, s, { slot, memo: undefined, stale: new Set(), debug }, loaded);
  }
  const hit = slot && lookupRunMemo(slot, s.stateDir, io.env);
  if (hit) debug?.write(`run memo: ${memoVerdict(hit)}\n`);
  const memo = hit?.ok ? hit.memo : undefined;
  const stale = hit?.ok ? hit.stale : new Set<string>();
  if (memo) for (const text of memo.notes) io.stderr.write(text);
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
  return runWithGraph(io, flags, pipeline, s, { slot, memo, stale, debug });
}

/** `hit`, `partial (2 of 40 tasks to decide: "api/main.go" changed)` or `miss (input changed)`. */
function memoVerdict(lookup: MemoLookup): string {
  if (!lookup.ok) return `miss (${lookup.reason})`;
  if (lookup.stale.size === 0) return 'hit';
  const { length } = lookup.memo.tasks;
  return `partial (${lookup.stale.size} of ${length} tasks to decide: ${lookup.reason ?? 'changed'})`;
}

async function loadFirst(io: Io, flags: FlagValues): Promise<LoadedRunGraph | undefined> {
  const { loadRunGraph } = await import('./run-graph.ts');
  const notes: string[] = [];
  const loaded = await loadRunGraph(io, flags, notes);
  return loaded && { ...loaded, notes };
}

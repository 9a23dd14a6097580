// `dsg dev`: take the project lock for the whole session, run the deploy pipeline, then keep the project deployed
// while files change (engine/dev/loop.ts). Ctrl-C stops it: running tasks are cancelled, the lock released.
import { relative, sep } from 'node:path';
import type { Diagnostic } from '../../../core/diagnostics.ts';
import { formatOneLine } from '../../diagnostics-format.ts';
import { defaultMaxWait } from '../../dev/debounce.ts';
import { WATCHER_STREAM_MS } from '../../dev/watcher.ts';
import { DevServices } from '../../dev/dev-services.ts';
import { createDevView } from '../../dev/view.ts';
import type { DevViewEvent } from '../../dev/events.ts';
import type { DevGraph } from '../../dev/loop.ts';
import type { PageServer } from '../../graph/page-server.ts';
import type { TaskGraph } from '../../graph/types.ts';
import type { RunEvent, RunSummary } from '../../run/events.ts';
import { projectLister } from '../../run/list-files.ts';
import type { KnownTask } from '../../run/memo-step.ts';
import type { PipelineOptions } from '../../run/pipeline.ts';
import { FORCING_FLAGS, lookupRunMemo, runMemoSlot } from '../../run/run-memo.ts';
import { pipelineKinds, selectTasks } from '../../run/select.ts';
import { defaultParallel, type RunFacts, type Session } from '../../run/session.ts';
import { loadTaskKinds } from '../../../tasks/index.ts';
import { bool, list, num, str, type FlagValues } from '../args.ts';
import { interruptCode } from '../interrupt.ts';
import { printDiagnostics, type Io } from '../io.ts';
import { openCommandSession } from '../command-session.ts';
import { keepMemo, knownTasks, loadRunGraph, runSettings } from './run-graph.ts';

/** Flags only `dsg dev` has: they change how the loop waits and shows, never what a run computes. */
const DEV_ONLY_FLAGS = ['debounce', 'ui'];

/** Runs `dsg dev`; returns the exit code: 130 after Ctrl-C (143 after SIGTERM), the shell's code for a stop. */
export async function devCommand(io: Io, flags: FlagValues, positionals: string[]): Promise<number> {
  if (positionals.length > 0) {
    io.stderr.write(`dsg dev: unexpected "${positionals.join(' ')}"\nUsage: dsg dev [flags]\n`);
    return 2;
  }
  const command = 'dsg dev';
  // A project without .dsg/ gets none until its config loads: a bad config leaves nothing behind.
  const notes: string[] = [];
  const opened = await openCommandSession(io, flags, command, () => loadRunGraph(io, flags, notes));
  if (!opened) return 1;
  const { session, loaded: early } = opened;
  let last: { summary: RunSummary; facts: RunFacts } | undefined;
  let code = 1;
  try {
    const loaded = early ?? (await loadRunGraph(io, flags, notes));
    if (loaded) code = await devSession(io, flags, session, loaded, notes, (l) => (last = l));
  } finally {
    const fault = await session.close(last?.summary, command, last?.facts);
    if (fault) {
      printDiagnostics(io, [fault]);
      code = 1;
    }
  }
  return code;
}

/** The session with the lock held and the graph loaded. */
async function devSession(
  io: Io,
  flags: FlagValues,
  s: Session,
  loaded: DevGraph,
  notes: string[],
  keep: (last: { summary: RunSummary; facts: RunFacts }) => void,
): Promise<number> {
  const json = bool(flags, 'json');
  const view = createDevView(io.stdout, {
    mode: json ? 'json' : io.stdoutIsTTY ? 'tty' : 'plain',
    color: io.color,
    verbose: bool(flags, 'verbose'),
  });
  const ui = bool(flags, 'ui') ? await openUi(io, loaded.graph, s.stateDir) : undefined;
  if (ui === null) {
    view.close();
    return 1;
  }
  const emit = (e: DevViewEvent): void => {
    view.onEvent(e.type === 'dev-ready' && ui ? { ...e, url: ui.url } : e);
    if (ui && isRunEvent(e)) ui.send(e);
  };
  const memo = initialMemo(io, flags, s.stateDir);
  const { DevLoop } = await import('../../dev/loop.ts');
  const digests = await s.digests();
  const durations = await s.durations();
  const root = loaded.graph.root.dir;
  /** A path as the root project's digest memo names it, or undefined outside the root project. */
  const inRoot = (path: string): string | undefined =>
    path.startsWith(root + sep) ? relative(root, path).split(sep).join('/') : undefined;
  const quiet = num(flags, 'debounce') ?? 100;
  const namespace = str(flags, 'namespace');
  const kubeContext = str(flags, 'kube-context');
  const services = new DevServices({
    env: io.env,
    emit,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(kubeContext !== undefined ? { kubeContext } : {}),
  });
  services.setConfig(loaded.graph.root.dev);
  const loop = new DevLoop(
    {
      load: (reads) => loadRunGraph(io, flags, [], [], undefined, reads),
      options: (first) => pipelineOptions(flags, s.stateDir, first),
      pipeline: async (graph) => ({
        kinds: await loadTaskKinds(pipelineKinds(graph, 'deploy')),
        store: s.store,
        digests,
        env: io.env,
        openLog: (id) => s.openLog(id),
        listFiles: (node, onRead) => projectLister(node.project.dir, io.cwd, onRead),
        estimateMs: (id) => durations[id] ?? 1,
        formatError: formatOneLine,
      }),
      emit,
      failures: (diagnostics) => {
        if (!json) printDiagnostics(io, diagnostics);
      },
      finished: async (graph, result, keys, first) => {
        const facts: RunFacts = { keys, deps: selectTasks(graph.graph, 'deploy').deps };
        keep({ summary: result.summary, facts });
        if (result.summary.ok) services.afterDeploy();
        await s.record(result.summary, 'dsg dev', facts);
        if (first && memo.slot)
          await keepMemo(io, memo.slot, { ...graph }, memo.used, notes, result, undefined);
      },
      graphChanged: (graph) => {
        services.setConfig(graph.root.dev);
        if (ui) void refreshUi(ui, graph, s.stateDir);
      },
      invalidate: (path) => {
        const rel = inRoot(path);
        if (rel !== undefined) digests.invalidate(rel);
      },
      changedSince: (paths) => {
        const byRel = new Map<string, string>();
        for (const path of paths) {
          const rel = inRoot(path);
          if (rel !== undefined) byRel.set(rel, path);
        }
        return digests.changedSince(byRel.keys()).map((rel) => byRel.get(rel) ?? rel);
      },
      debounce: { quietMs: quiet, maxWaitMs: defaultMaxWait(quiet), streamMs: WATCHER_STREAM_MS },
      signal: io.signal,
    },
    loaded,
    memo.known,
  );
  let failed: Diagnostic | undefined;
  try {
    failed = await loop.run();
  } finally {
    await services.close();
    if (!failed) emit({ type: 'dev-stop' });
    view.close();
    await ui?.close();
  }
  if (failed) {
    printDiagnostics(io, [failed]);
    return 1;
  }
  // The loop ends only when told to stop: it was a clean stop, and the shell hears which signal.
  return interruptCode(io.signal);
}

/** The run memo of `dsg run deploy` with the same flags: what the first iteration need not decide again. */
function initialMemo(
  io: Io,
  flags: FlagValues,
  stateDir: string,
): { slot: ReturnType<typeof runMemoSlot> | undefined; known: Map<string, KnownTask>; used: undefined } {
  const runFlags = Object.fromEntries(Object.entries(flags).filter(([f]) => !DEV_ONLY_FLAGS.includes(f)));
  if (FORCING_FLAGS.some((f) => f in runFlags))
    return { slot: undefined, known: new Map<string, KnownTask>(), used: undefined };
  const slot = runMemoSlot({ stateDir, cwd: io.cwd, pipeline: 'deploy', flags: runFlags });
  const hit = lookupRunMemo(slot, stateDir, io.env);
  return {
    slot,
    known: hit.ok ? knownTasks(hit.memo, hit.stale) : new Map<string, KnownTask>(),
    used: undefined,
  };
}

/** The options of one iteration: the forcing flags apply to the first one only. */
function pipelineOptions(flags: FlagValues, stateDir: string, first: boolean): PipelineOptions {
  const settings = runSettings(flags, stateDir);
  const kindLimits: Record<string, number> = {};
  const maxBuilds = bool(flags, 'build-sequential') ? 1 : num(flags, 'max-concurrent-builds');
  if (maxBuilds !== undefined) kindLimits.build = maxBuilds;
  return {
    pipeline: 'deploy',
    settings: first ? settings : { ...settings, forceBuild: false, forceDeploy: false },
    force: first ? list(flags, 'force') : [],
    parallel: num(flags, 'parallel') ?? defaultParallel(),
    kindLimits,
    keepGoing: bool(flags, 'keep-going'),
    dryRun: false,
  };
}

/** Serves the live graph page (`--ui`); null after printing why it cannot be served. */
async function openUi(io: Io, graph: TaskGraph, stateDir: string): Promise<PageServer | null> {
  const { graphPageHtml } = await import('../../graph/graph-page.ts');
  const { servePage } = await import('../../graph/page-server.ts');
  const page = await graphPageHtml(graph, { stateDir, live: true });
  const served = page.ok ? await servePage({ html: page.value }) : page;
  if (served.ok) return served.value;
  printDiagnostics(io, [{ severity: 'error', message: served.error }]);
  return null;
}

async function refreshUi(ui: PageServer, graph: TaskGraph, stateDir: string): Promise<void> {
  const { graphPageHtml } = await import('../../graph/graph-page.ts');
  const page = await graphPageHtml(graph, { stateDir, live: true });
  if (page.ok) ui.setPage(page.value);
}

function isRunEvent(e: DevViewEvent): e is RunEvent {
  return !e.type.startsWith('dev-');
}

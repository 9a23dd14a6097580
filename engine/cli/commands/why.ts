// `dsg why TASK`: what changed in a task's inputs since its last successful run.
import { describeDiff } from '../../../cache/diff.ts';
import { shortKey } from '../../../cache/key.ts';
import { formatOneLine } from '../../diagnostics-format.ts';
import type { Diagnostic } from '../../../core/diagnostics.ts';
import { makeDag } from '../../graph/dag.ts';
import { runPipeline } from '../../run/pipeline.ts';
import { formatReason } from '../../run/reasons.ts';
import { projectLister } from '../../run/list-files.ts';
import { openSession } from '../../run/session.ts';
import { lockSettings } from '../lock-settings.ts';
import { pipelineKinds } from '../../run/select.ts';
import type { Decision } from '../../run/decide.ts';
import { loadTaskKinds } from '../../../tasks/index.ts';
import { list, str, type FlagValues } from '../args.ts';
import { unknownTask } from '../unknown-task.ts';
import { printDiagnostics, type Io } from '../io.ts';
import { loadGraph } from '../load-project.ts';

/** Runs `dsg why`; returns the exit code. */
export async function whyCommand(io: Io, flags: FlagValues, positionals: string[]): Promise<number> {
  const [task, ...extra] = positionals;
  if (task === undefined || extra.length > 0) {
    io.stderr.write('dsg why: give one task id, e.g. dsg why build:api\n');
    return 2;
  }
  const loaded = await loadGraph(io, flags, { purpose: 'why' });
  if (!loaded) return 1;
  const { graph } = loaded;
  if (!graph.nodes.has(task)) {
    printDiagnostics(io, [unknownTask(graph, task)]);
    return 1;
  }
  const note = (d: Diagnostic): void => void printDiagnostics(io, [d]);
  const session = await openSession({
    projectDir: graph.root.dir,
    command: `dsg why ${task}`,
    signal: io.signal,
    note,
    ...lockSettings(flags, io.env),
  });
  if (!session.ok) {
    printDiagnostics(io, [session.error]);
    return 1;
  }
  const s = session.value;
  const dag = makeDag(
    graph.nodes.keys(),
    graph.edges.map((e) => [e.from, e.to] as const),
  );
  const upstream = dag.upstreamOf(task);
  let decision: Decision | undefined;
  const namespace = str(flags, 'namespace');
  const kubeContext = str(flags, 'kube-context');
  try {
    const { failures } = await runPipeline(
      graph,
      {
        pipeline: 'deploy',
        settings: {
          skipPush: false,
          tags: list(flags, 'tag'),
          forceBuild: false,
          forceDeploy: false,
          stateDir: s.stateDir,
          ...(namespace !== undefined ? { namespace } : {}),
          ...(kubeContext !== undefined ? { kubeContext } : {}),
        },
        force: [],
        parallel: 8,
        kindLimits: {},
        keepGoing: true,
        dryRun: true,
        only: upstream,
      },
      {
        kinds: await loadTaskKinds(pipelineKinds(graph, 'deploy', upstream)),
        store: s.store,
        digests: await s.digests(),
        env: io.env,
        signal: io.signal,
        emit: () => undefined,
        openLog: () => ({ write: () => undefined, close: async () => undefined }),
        listFiles: (node) => projectLister(node.project.dir, io.cwd),
        estimateMs: () => 1,
        formatError: formatOneLine,
        onDecision: (id, d) => {
          if (id === task) decision = d;
        },
      },
    );
    if (decision === undefined) {
      printDiagnostics(
        io,
        failures.length > 0
          ? failures
          : [{ severity: 'error', message: `Cannot compute the inputs of "${task}"` }],
      );
      return 1;
    }
    if (!decision.run) {
      io.stdout.write(`${task} is up to date: cached (key ${shortKey(decision.key)})\n`);
      return 0;
    }
    io.stdout.write(`${task} would run: ${formatReason(decision.reason)}\n  key ${shortKey(decision.key)}\n`);
    const last = await s.store.lastSuccess(task);
    if (last) {
      io.stdout.write(`  last success ${shortKey(last.key)} at ${last.finishedAt}\n`);
      io.stdout.write(`${describeDiff(last.record, decision.record).replace(/^/gm, '  ')}\n`);
    }
    return 0;
  } finally {
    await s.close(undefined, `dsg why ${task}`);
  }
}

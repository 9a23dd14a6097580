// `dsg run PIPELINE`: load, compile, open the cache, run the pipeline, report.
import { formatOneLine } from '../../diagnostics-format.ts';
import type { Diagnostic } from '../../diagnostics.ts';
import { runPipeline } from '../../run/pipeline.ts';
import { createReporter } from '../../run/reporters/reporter.ts';
import { projectLister } from '../../run/list-files.ts';
import { PIPELINES, pipelineKinds, type PipelineName } from '../../run/select.ts';
import { defaultParallel, openSession } from '../../run/session.ts';
import { loadTaskKinds } from '../../../tasks/index.ts';
import type { RunSettings } from '../../../tasks/types.ts';
import { bool, list, num, str, suggest, type FlagValues } from '../args.ts';
import { printDiagnostics, type Io } from '../io.ts';
import { unknownTask } from '../unknown-task.ts';
import { loadGraph } from '../load-project.ts';

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
  const graph = await loadGraph(io, flags);
  if (!graph) return 1;
  const unknown = list(flags, 'force').filter((id) => !graph.nodes.has(id));
  if (unknown.length > 0) {
    printDiagnostics(
      io,
      unknown.map((id) => unknownTask(graph, id, ' given to --force')),
    );
    return 1;
  }
  const command = ['dsg', 'run', pipeline, ...Object.keys(flags).map((f) => `--${f}`)].join(' ');
  const note = (d: Diagnostic): void => void printDiagnostics(io, [d]);
  const session = await openSession({ projectDir: graph.root.dir, command, signal: io.signal, note });
  if (!session.ok) {
    printDiagnostics(io, [session.error]);
    return 1;
  }
  const { value: s } = session;
  const settings = runSettings(flags, s.stateDir);
  const reporter = createReporter(
    bool(flags, 'json') ? 'json' : io.stdoutIsTTY ? 'tty' : 'plain',
    io.stdout,
    {
      color: io.color,
      verbose: bool(flags, 'verbose'),
    },
  );
  const kindLimits: Record<string, number> = {};
  const maxBuilds = bool(flags, 'build-sequential') ? 1 : num(flags, 'max-concurrent-builds');
  if (maxBuilds !== undefined) kindLimits.build = maxBuilds;
  let summary;
  let failures: Diagnostic[] = [];
  try {
    const result = await runPipeline(
      graph,
      {
        pipeline: pipeline as PipelineName,
        settings,
        force: list(flags, 'force'),
        parallel: num(flags, 'parallel') ?? defaultParallel(),
        kindLimits,
        keepGoing: bool(flags, 'keep-going'),
        dryRun: bool(flags, 'dry-run'),
      },
      {
        kinds: await loadTaskKinds(pipelineKinds(graph, pipeline as PipelineName)),
        store: s.store,
        digests: s.digests,
        env: io.env,
        signal: io.signal,
        emit: (e) => reporter.onEvent(e),
        openLog: (id) => s.openLog(id),
        listFiles: (node) => projectLister(node.project.dir, io.cwd),
        estimateMs: (id) => s.durations[id] ?? 1,
        formatError: formatOneLine,
      },
    );
    summary = result.summary;
    failures = result.failures;
  } finally {
    reporter.close();
    await s.close(summary, command);
  }
  if (failures.length > 0 && !bool(flags, 'json')) printDiagnostics(io, failures);
  if (io.signal.aborted) {
    io.stderr.write('dsg: interrupted — finished tasks are recorded; run again to resume\n');
    return 130;
  }
  return summary.ok ? 0 : 1;
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

// `dsg graph`: print the compiled graph in one of several formats. A repeated run on an unchanged project
// replays the memoised output (engine/graph/output-cache.ts); only a miss loads the config loader, the
// compiler and the formatters.
import type { ProjectConfig } from '../../../core/config.ts';
import type { TaskGraph } from '../../graph/types.ts';
import type { GraphView } from '../../graph/view.ts';
import { str, type FlagValues } from '../args.ts';
import { unknownTask } from '../unknown-task.ts';
import type { Io } from '../io.ts';
import {
  graphCacheSlot,
  IGNORED_ENV,
  lookupGraphOutput,
  storeGraphOutput,
  type OutputWrite,
} from '../../graph/output-cache.ts';
import { stateDirOf } from '../state-dir.ts';

const FORMATS = ['text', 'dot', 'mermaid', 'json'] as const;

/** Runs `dsg graph`; returns the exit code. */
export async function graphCommand(io: Io, flags: FlagValues): Promise<number> {
  const format = str(flags, 'format') ?? 'text';
  if (!FORMATS.includes(format as (typeof FORMATS)[number])) {
    io.stderr.write(`dsg graph: unknown format "${format}" — use one of ${FORMATS.join(', ')}\n`);
    return 2;
  }
  const debug = (io.env['DSG_DEBUG_GRAPH_CACHE'] ?? '') !== '' ? io.stderr : undefined;
  const slot = graphCacheSlot({
    stateDir: stateDirOf(io.cwd, flags, io.env),
    cwd: io.cwd,
    flags,
    env: io.env,
    color: io.color,
    stdoutIsTTY: io.stdoutIsTTY,
  });
  const hit = lookupGraphOutput(slot);
  if (hit.ok) {
    for (const [stream, text] of hit.writes) (stream === 0 ? io.stdout : io.stderr).write(text);
    debug?.write('graph cache: hit\n');
    return 0;
  }
  debug?.write(`graph cache: miss (${hit.reason})\n`);
  const writes: OutputWrite[] = [];
  const recording: Io = {
    ...io,
    stdout: {
      write: (s: string) => (writes.push([0, s]), io.stdout.write(s)),
      ...(io.stdout.columns !== undefined ? { columns: io.stdout.columns } : {}),
    },
    stderr: { write: (s: string) => (writes.push([1, s]), io.stderr.write(s)) },
  };
  const { code, root } = await printGraph(recording, flags, format);
  // Only a success is memoised: a failure is printed again, and the user is likely fixing it anyway.
  if (code !== 0 || !root) return code;
  const { graphInputs } = await import('../../graph/graph-inputs.ts');
  const inputs = graphInputs(root, io.cwd, IGNORED_ENV);
  const notStored = inputs.ok
    ? await storeGraphOutput(slot, inputs.stamps, writes, performance.timeOrigin)
    : inputs.reason;
  debug?.write(
    notStored === undefined ? 'graph cache: stored\n' : `graph cache: not stored (${notStored})\n`,
  );
  return code;
}

/** Loads, compiles and prints the graph; the root config is returned for the cache's input stamps. */
async function printGraph(
  io: Io,
  flags: FlagValues,
  format: string,
): Promise<{ code: number; root?: ProjectConfig }> {
  // Loaded after the cache lookup: these modules are most of what a cache hit saves.
  const [{ loadGraph }, { printDiagnostics }, { graphView }, formats] = await Promise.all([
    import('../load-project.ts'),
    import('../io.ts'),
    import('../../graph/view.ts'),
    formatModules(format),
  ]);
  const graph = await loadGraph(io, flags);
  if (!graph) return { code: 1 };
  const focus = str(flags, 'focus');
  if (focus !== undefined && !graph.nodes.has(focus)) {
    printDiagnostics(io, [unknownTask(graph, focus)]);
    return { code: 1 };
  }
  io.stdout.write(formats(graph, graphView(graph, focus), io.color));
  return { code: 0, root: graph.root };
}

type Formatter = (graph: TaskGraph, view: GraphView, color: boolean) => string;

async function formatModules(format: string): Promise<Formatter> {
  switch (format) {
    case 'json': {
      const { formatJson } = await import('../../graph/format-json.ts');
      return (graph, view) => formatJson(graph, view);
    }
    case 'dot': {
      const { formatDot } = await import('../../graph/format-diagram.ts');
      return (_graph, view) => formatDot(view);
    }
    case 'mermaid': {
      const { formatMermaid } = await import('../../graph/format-diagram.ts');
      return (_graph, view) => formatMermaid(view);
    }
    default: {
      const { formatText } = await import('../../graph/format-text.ts');
      return (graph, view, color) => formatText(graph, view, { color });
    }
  }
}

// `dsg graph`: print the compiled graph in one of several formats, to stdout or a file (`-o`). A repeated run on
// an unchanged project replays the memoised output (engine/graph/output-cache.ts); only a miss loads the config
// loader, the compiler and the formatters. For `--format html` the memo holds the laid-out graph, and the run
// drawn over it is read fresh each time (graph-deliver.ts): runs happen between two calls.
import type { ProjectConfig } from '../../../core/config.ts';
import type { TaskGraph } from '../../graph/types.ts';
import type { GraphView } from '../../graph/view.ts';
import { bool, str, type FlagValues } from '../args.ts';
import { unknownTask } from '../unknown-task.ts';
import type { Io } from '../io.ts';
import type { MemoSlot } from '../../../cache/memo.ts';
import type { ReadLog } from '../../../cache/read-log.ts';
import {
  graphCacheSlot,
  lookupGraphOutput,
  storeGraphOutput,
  type OutputWrite,
} from '../../graph/output-cache.ts';
import { stateDirOf } from '../state-dir.ts';
import { GRAPH_FORMATS, graphTarget, type GraphFormat } from './graph-target.ts';

/** Flags that choose where the output goes or which run is drawn, not what the memoised output is. */
const DELIVERY_FLAGS = ['output', 'open', 'run'];

/** Runs `dsg graph`; returns the exit code. */
export async function graphCommand(io: Io, flags: FlagValues): Promise<number> {
  const format = str(flags, 'format') ?? 'text';
  if (!GRAPH_FORMATS.includes(format as GraphFormat)) {
    io.stderr.write(`dsg graph: unknown format "${format}" — use one of ${GRAPH_FORMATS.join(', ')}\n`);
    return 2;
  }
  if (str(flags, 'run') !== undefined && format !== 'html') {
    io.stderr.write(`dsg graph: --run draws a run over the page: it needs --format html\n`);
    return 2;
  }
  if (bool(flags, 'open') && format !== 'html' && format !== 'svg') {
    io.stderr.write(`dsg graph: --open shows a page in a browser: it needs --format html or svg\n`);
    return 2;
  }
  const stateDir = stateDirOf(io.cwd, flags, io.env);
  const target = graphTarget(io.cwd, stateDir, flags, format as GraphFormat);
  // Output to a file is never coloured, whatever the terminal.
  const shaped: Io = target ? { ...io, color: false, stdoutIsTTY: false } : io;
  const debug = (io.env['DSG_DEBUG_GRAPH_CACHE'] ?? '') !== '' ? io.stderr : undefined;
  const memoFlags = Object.fromEntries(Object.entries(flags).filter(([k]) => !DELIVERY_FLAGS.includes(k)));
  const slot = graphCacheSlot({
    stateDir,
    cwd: io.cwd,
    flags: memoFlags,
    color: shaped.color,
    stdoutIsTTY: shaped.stdoutIsTTY,
  });
  const hit = lookupGraphOutput(slot, io.env);
  let writes: OutputWrite[];
  if (hit.ok) {
    writes = hit.writes;
    for (const [stream, text] of writes) if (stream === 1) io.stderr.write(text);
    debug?.write('graph cache: hit\n');
  } else {
    debug?.write(`graph cache: miss (${hit.reason})\n`);
    const made = await makeOutput(shaped, flags, format as GraphFormat, slot, debug);
    if (typeof made === 'number') return made;
    writes = made;
  }
  const output = writes.flatMap(([stream, text]) => (stream === 0 ? [text] : [])).join('');
  const { deliverGraph } = await import('./graph-deliver.ts');
  return deliverGraph(io, flags, format as GraphFormat, output, stateDir, target);
}

/** Loads, compiles and formats the graph (stderr is passed through as it is written) and memoises the writes. */
async function makeOutput(
  io: Io,
  flags: FlagValues,
  format: GraphFormat,
  slot: MemoSlot,
  debug: Io['stderr'] | undefined,
): Promise<OutputWrite[] | number> {
  const writes: OutputWrite[] = [];
  const recording: Io = {
    ...io,
    stdout: { write: (s: string) => writes.push([0, s]) },
    stderr: { write: (s: string) => (writes.push([1, s]), io.stderr.write(s)) },
  };
  if (io.stdout.columns !== undefined) recording.stdout.columns = io.stdout.columns;
  const { code, loaded } = await printGraph(recording, flags, format);
  // Only a success is memoised: a failure is printed again, and the user is likely fixing it anyway.
  if (code !== 0 || !loaded) return code;
  const notStored = await storeGraphOutput(
    slot,
    loaded.reads,
    io.env,
    writes,
    performance.timeOrigin,
    loaded.root.dir,
  );
  debug?.write(
    notStored === undefined ? 'graph cache: stored\n' : `graph cache: not stored (${notStored})\n`,
  );
  return writes;
}

/** Loads, compiles and prints the graph; the root config and what was read are returned for the cache. */
async function printGraph(
  io: Io,
  flags: FlagValues,
  format: GraphFormat,
): Promise<{ code: number; loaded?: { root: ProjectConfig; reads: ReadLog } }> {
  // Loaded after the cache lookup: these modules are most of what a cache hit saves.
  const [{ loadGraph }, { printDiagnostics }, { graphView }, { maskSecrets }, formats] = await Promise.all([
    import('../load-project.ts'),
    import('../io.ts'),
    import('../../graph/view.ts'),
    import('../../../core/secrets.ts'),
    formatModules(format),
  ]);
  const loaded = await loadGraph(io, flags, { purpose: 'graph' });
  if (!loaded) return { code: 1 };
  const { graph } = loaded;
  const focus = str(flags, 'focus');
  if (focus !== undefined && !graph.nodes.has(focus)) {
    printDiagnostics(io, [unknownTask(graph, focus)]);
    return { code: 1 };
  }
  // The graph shows config values (commands, values): a secret among them shows as `***`.
  const mask = maskSecrets(graph.secrets);
  io.stdout.write(mask(await formats(graph, graphView(graph, focus), io.color)));
  return { code: 0, loaded: { root: graph.root, reads: loaded.reads } };
}

type Formatter = (graph: TaskGraph, view: GraphView, color: boolean) => string | Promise<string>;

async function formatModules(format: GraphFormat): Promise<Formatter> {
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
    case 'svg': {
      const [{ graphModel }, { formatSvg }] = await Promise.all([
        import('../../graph/page-model.ts'),
        import('../../graph/format-svg.ts'),
      ]);
      return async (graph, view) => formatSvg(await graphModel(graph, view));
    }
    case 'html': {
      // The memoised part of a page: the laid-out graph, as JSON; graph-deliver.ts adds the run and the page.
      const { graphModel } = await import('../../graph/page-model.ts');
      return async (graph, view) => JSON.stringify(await graphModel(graph, view));
    }
    case 'text': {
      const { formatText } = await import('../../graph/format-text.ts');
      return (graph, view, color) => formatText(graph, view, { color });
    }
  }
}

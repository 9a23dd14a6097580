// `dsg graph`: print the compiled graph in one of several formats.
import { str, type FlagValues } from '../args.ts';
import { printDiagnostics, type Io } from '../io.ts';
import { loadGraph } from '../load-project.ts';
import { graphView } from '../../graph/view.ts';
import { formatJson } from '../../graph/format-json.ts';
import { formatDot, formatMermaid } from '../../graph/format-diagram.ts';
import { formatText } from '../../graph/format-text.ts';
import { suggest } from '../args.ts';

const FORMATS = ['text', 'dot', 'mermaid', 'json'] as const;

/** Runs `dsg graph`; returns the exit code. */
export async function graphCommand(io: Io, flags: FlagValues): Promise<number> {
  const format = str(flags, 'format') ?? 'text';
  if (!FORMATS.includes(format as (typeof FORMATS)[number])) {
    io.stderr.write(`dsg graph: unknown format "${format}" — use one of ${FORMATS.join(', ')}\n`);
    return 2;
  }
  const graph = await loadGraph(io, flags);
  if (!graph) return 1;
  const focus = str(flags, 'focus');
  if (focus !== undefined && !graph.nodes.has(focus)) {
    const close = suggest(focus, [...graph.nodes.keys()]);
    printDiagnostics(io, [
      {
        severity: 'error',
        message: `Task "${focus}" is not in the graph${close ? ` — did you mean "${close}"?` : ''}`,
        hint: 'run dsg graph to list the tasks',
      },
    ]);
    return 1;
  }
  const view = graphView(graph, focus);
  switch (format) {
    case 'json':
      io.stdout.write(formatJson(graph, view));
      break;
    case 'dot':
      io.stdout.write(formatDot(view));
      break;
    case 'mermaid':
      io.stdout.write(formatMermaid(view));
      break;
    default:
      io.stdout.write(formatText(graph, view, { color: io.color }));
  }
  return 0;
}

// The graph page of a compiled graph in one call, for `dsg dev --ui` (page-server.ts serves it): lays the graph
// out, reads the run to draw over it, fills the prebuilt page.
import { fail, type Result } from '../../core/result.ts';
import { formatHtml } from './format-html.ts';
import { graphModel } from './page-model.ts';
import { readPageRun } from './page-run.ts';
import type { TaskGraph } from './types.ts';
import { graphView } from './view.ts';

/** Options of `graphPageHtml`. */
export interface GraphPageOptions {
  /** The project's `.dsg/` folder, where runs, records and logs are. */
  stateDir: string;
  /** A run id (or its prefix); the newest run when absent. */
  runId?: string;
  /** Only this task and its neighbourhood, as `dsg graph --focus`. */
  focus?: string;
  /** Listen for run events (page-server.ts). */
  live?: boolean;
}

/** The page of a compiled graph in one call (for `dsg dev --ui`): lays it out, reads the run, fills the page. */
export async function graphPageHtml(
  graph: TaskGraph,
  options: GraphPageOptions,
): Promise<Result<string, string>> {
  const model = await graphModel(graph, graphView(graph, options.focus));
  const run = await readPageRun(options.stateDir, options.runId);
  if (!run.ok) return fail(run.error.message);
  return formatHtml({
    model,
    ...(run.value.run ? { run: run.value.run } : {}),
    notes: run.value.notes,
    ...(options.live ? { live: true } : {}),
    generatedAt: new Date().toISOString(),
  });
}

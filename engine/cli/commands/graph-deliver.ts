// The last step of `dsg graph`, on a memo hit and a miss alike: for `--format html` the run is drawn over the
// memoised graph (read fresh: runs happen between two calls), then the output goes to stdout or to its file
// (written atomically), which `--open` shows in a browser.
import { relative } from 'node:path';
import { writeFileAtomic } from '../../../cache/atomic.ts';
import { errorDetail } from '../../../cache/types.ts';
import { error, warning } from '../../../core/diagnostics.ts';
import type { GraphModel } from '../../graph/page-model.ts';
import type { PageRun } from '../../graph/page-run.ts';
import { bool, str, type FlagValues } from '../args.ts';
import { printDiagnostics, type Io } from '../io.ts';
import { openInBrowser } from '../open-browser.ts';
import type { GraphFormat } from './graph-target.ts';

/** Writes `output` (the memoised product of the format) where it goes; returns the exit code. */
export async function deliverGraph(
  io: Io,
  flags: FlagValues,
  format: GraphFormat,
  output: string,
  stateDir: string,
  target: string | undefined,
): Promise<number> {
  let content = output;
  let about = '';
  if (format === 'html') {
    // Loaded for pages only: the cache's store and logs, and the page template.
    const [{ formatHtml }, { readPageRun }] = await Promise.all([
      import('../../graph/format-html.ts'),
      import('../../graph/page-run.ts'),
    ]);
    const model = JSON.parse(output) as GraphModel;
    const run = await readPageRun(stateDir, str(flags, 'run'));
    if (!run.ok) {
      printDiagnostics(io, [error(run.error.message, undefined, run.error.hint)]);
      return 1;
    }
    printDiagnostics(
      io,
      run.value.notes.map((n) => warning(n)),
    );
    const page = formatHtml({
      model,
      ...(run.value.run ? { run: run.value.run } : {}),
      notes: run.value.notes,
      generatedAt: new Date().toISOString(),
    });
    if (!page.ok) {
      printDiagnostics(io, [error(page.error)]);
      return 1;
    }
    content = page.value;
    about = ` (${model.nodes.length} tasks; ${describeRun(run.value.run, model)})`;
  }
  if (target === undefined) {
    io.stdout.write(content);
    return 0;
  }
  const shown = relative(io.cwd, target) || target;
  try {
    await writeFileAtomic(target, content, 0o644);
  } catch (e) {
    printDiagnostics(io, [error(`Cannot write "${shown}": ${errorDetail(e)}`)]);
    return 1;
  }
  io.stdout.write(`Wrote ${shown}${about}\n`);
  if (bool(flags, 'open')) {
    const problem = await openInBrowser(target, io.env);
    if (problem !== undefined) printDiagnostics(io, [warning(`Cannot open "${shown}": ${problem}`)]);
  }
  return 0;
}

function describeRun(run: PageRun | undefined, model: GraphModel): string {
  if (!run) return 'no run recorded yet';
  const ids = new Set(model.nodes.map((n) => n.id));
  const gone = run.tasks.filter((t) => !ids.has(t.id)).length;
  return `run ${run.id}: ${run.command}, ${run.outcome}${gone > 0 ? `, ${gone} of its tasks no longer in the graph` : ''}`;
}

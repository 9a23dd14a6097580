// `dsg graph --format html`: one self-contained page (script, styles, layout library and data inlined, no
// network) with the graph and, when there is one, a run drawn over it. The page's code is prebuilt
// (page-asset.ts); this module only fills in the data, and loads neither the layout library nor the cache.
import { fail, ok, type Result } from '../../core/result.ts';
import { DATA_PLACEHOLDER, readPageTemplate } from './page-asset.ts';
import type { GraphModel } from './page-model.ts';
import type { PageRun } from './page-run.ts';

/** Everything the page shows. */
export interface PageData {
  model: GraphModel;
  run?: PageRun;
  /** Warnings shown at the top of the page (a damaged run summary passed over). */
  notes: string[];
  /** When true the page listens for run events at `/events` (page-server.ts). */
  live?: boolean;
  /** ISO time the page was made. */
  generatedAt: string;
}

/** The page for `data`, or why it cannot be made (the prebuilt template is missing). */
export function formatHtml(data: PageData, template?: string): Result<string, string> {
  const text = template ?? readPageTemplate();
  if (typeof text !== 'string' && !text.ok) return fail(text.error);
  const page = typeof text === 'string' ? text : text.value;
  // In a <script> element only `</script` and `<!--` can end or derail it: no `<` is left in the JSON.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  // split/join, not replace(): a `$` in the data must not be read as a replacement pattern.
  return ok(page.split(DATA_PLACEHOLDER).join(json));
}

// Where the prebuilt page lives. `npm run build` bundles the page's script, styles and layout library into one
// HTML template, `dist/cli/graph-page.html` (scripts/bundle.ts), beside the bundled CLI that `bin` runs; dsg
// run from source (Deno) finds the same file under the repository's dist/. Loaded only by `--format html`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, ok, type Result } from '../../core/result.ts';

/** The template's file name in dist/cli/. */
export const PAGE_TEMPLATE = 'graph-page.html';

/** The placeholder the page's data replaces (inside a `<script type="application/json">`). */
export const DATA_PLACEHOLDER = '__DSG_PAGE_DATA__';

/** The template's path for a module at `moduleUrl`: the bundle's own folder, or the repository's dist/cli/. */
export function pageTemplatePath(moduleUrl: string = import.meta.url): string {
  const path = fileURLToPath(moduleUrl);
  const marker = `${sep}dist${sep}cli${sep}`;
  const at = path.lastIndexOf(marker);
  if (at >= 0) return join(path.slice(0, at + marker.length), PAGE_TEMPLATE);
  // From source (or tsc's dist/engine/...): the repository is the nearest folder with a package.json.
  let dir = dirname(path);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'cli', PAGE_TEMPLATE);
}

/** The template's text, or why it cannot be read. */
export function readPageTemplate(path: string = pageTemplatePath()): Result<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return fail(
      `Cannot write the HTML page: its prebuilt template "${path}" is missing — run "npm run build"`,
    );
  }
  if (!text.includes(DATA_PLACEHOLDER))
    return fail(`Cannot write the HTML page: "${path}" is not dsg's page template — run "npm run build"`);
  return ok(text);
}

// Helpers of the graph page tests: a project with a real run, and the data a written page embeds.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PageData } from '../../engine/graph/format-html.ts';
import { copyFixture, runDsg, type DsgResult } from './cli.ts';
import { customProject } from './custom-project.ts';

/** The data embedded in a page's `<script id="dsg-data">`. */
export function pageData(html: string): PageData {
  const match = /<script id="dsg-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('The page embeds no data');
  return JSON.parse(match[1]) as PageData;
}

/** Reads a page written to `file` and returns its data. */
export async function readPageData(file: string): Promise<PageData> {
  return pageData(await readFile(file, 'utf8'));
}

/** A custom-builder project of five images in a chain and a fork, with sleeps that make a clear critical path. */
export async function projectWithRun(): Promise<{ dir: string; run: DsgResult }> {
  const dir = await customProject(
    [
      { name: 'base', sleepMs: 300 },
      { name: 'api', after: ['base'], sleepMs: 400 },
      { name: 'web', after: ['base'], sleepMs: 100 },
      { name: 'worker', sleepMs: 100 },
      { name: 'cli', after: ['api'], sleepMs: 200 },
    ],
    { name: 'shop' },
  );
  const run = await runDsg(['run', 'build', '--json'], { cwd: dir });
  if (run.code !== 0) throw new Error(`dsg run build failed: ${run.stderr}`);
  return { dir, run };
}

/** The critical path of a `--json` run's `run-end` event. */
export function criticalPathOf(stdout: string): string[] {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { type: string; summary?: { criticalPath: { id: string }[] } };
    if (event.type === 'run-end' && event.summary) return event.summary.criticalPath.map((s) => s.id);
  }
  throw new Error('No run-end event');
}

/** The run summary files of a project, oldest first. */
export async function runFiles(dir: string): Promise<string[]> {
  return (await readdir(join(dir, '.dsg', 'runs'))).filter((n) => n.endsWith('.json')).sort();
}

/** A copy of the example project with one more deployment, a remote chart, whose image references cannot be seen. */
export async function exampleWithImplicitEdges(): Promise<string> {
  const dir = await copyFixture('examples');
  const config = await readFile(join(dir, 'devspace.yaml'), 'utf8');
  const remote =
    '  edge:\n    namespace: shop\n    helm:\n      chart:\n        name: ingress-nginx\n        repo: https://kubernetes.github.io/ingress-nginx\n\ndependencies:';
  await writeFile(join(dir, 'devspace.yaml'), config.replace('\ndependencies:', `\n${remote}`));
  return dir;
}

// The page of `dsg graph --format html` at 100 and 1,000 tasks: the CLI's time to write it (the graph memo cold,
// then warm) against `dsg graph --format json` on the same project, the file's size, and in headless chromium
// the time until the page is interactive (drawn, with its handlers), a click's answer and a zoom's frame.
// Projects: 10 images and 10 deployments per project (images built FROM one another, each deployment using four),
// one or ten projects, each a dependency of the one before.
//   node dist/scripts/bench-graph-page.js [--runs 5]      (needs chromium: scripts/setup.sh installs it)
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../test/helpers/browser.ts';
import { dsg, median, printTable, timeCommand } from './bench-lib.ts';
import { seeded } from './gen-project.ts';

/** Writes `projects` projects of `images` images and `images / 4` deployments each; returns the task count. */
export async function writeProject(root: string, projects: number, images: number): Promise<number> {
  const next = seeded(7);
  for (let p = 0; p < projects; p++) {
    const dir = p === 0 ? root : join(root, `p${p}`);
    await mkdir(join(dir, 'kube'), { recursive: true });
    const lines = ['version: v2beta1', `name: ${p === 0 ? 'synthetic' : `part${p}`}`, 'images:'];
    for (let i = 0; i < images; i++) {
      await mkdir(join(dir, `img${i}`), { recursive: true });
      // Every other image builds FROM an earlier one of its project.
      const base = i > 0 && next() < 0.5 ? `127.0.0.1:5000/p${p}/img${Math.floor(next() * i)}` : 'scratch';
      await writeFile(join(dir, `img${i}`, 'Dockerfile'), `FROM ${base}\nCOPY . /app\n`);
      lines.push(`  img${i}:`, `    image: 127.0.0.1:5000/p${p}/img${i}`, `    context: ./img${i}`);
    }
    lines.push('deployments:');
    for (let d = 0; d < images / 4; d++) {
      const used = [0, 1, 2, 3].map((k) => `127.0.0.1:5000/p${p}/img${d * 4 + k}`);
      await writeFile(
        join(dir, 'kube', `svc${d}.yaml`),
        `kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n${used.map((u, k) => `        - name: c${k}\n          image: ${u}\n`).join('')}`,
      );
      lines.push(`  svc${d}:`, '    kubectl:', '      manifests:', `        - kube/svc${d}.yaml`);
    }
    if (p + 1 < projects)
      lines.push('dependencies:', `  part${p + 1}:`, `    path: ${p === 0 ? '.' : '..'}/p${p + 1}`);
    await writeFile(join(dir, 'devspace.yaml'), `${lines.join('\n')}\n`);
  }
  return projects * images * 2.5;
}

const isMain =
  process.argv[1]?.endsWith('bench-graph-page.js') || process.argv[1]?.endsWith('bench-graph-page.ts');
if (isMain) await main();

async function main(): Promise<void> {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
  const root = await mkdtemp(join(tmpdir(), 'dsg-bench-page-'));
  const rows: (string | number)[][] = [];
  const browserRows: (string | number)[][] = [];
  const context = await chromium.launchPersistentContext(join(root, 'profile'), {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  try {
    for (const [projects, images] of [
      [1, 40],
      [10, 40],
    ] as const) {
      const dir = join(root, `t${projects}`);
      const tasks = await writeProject(dir, projects, images);
      const cold: number[] = [];
      const warm: number[] = [];
      const json: number[] = [];
      for (let i = 0; i < runs; i++) {
        await rm(join(dir, '.dsg'), { recursive: true, force: true });
        json.push(timeCommand([...dsg, 'graph', '--format', 'json'], dir).ms);
        await rm(join(dir, '.dsg'), { recursive: true, force: true });
        cold.push(timeCommand([...dsg, 'graph', '--format', 'html', '-o', 'graph.html'], dir).ms);
        warm.push(timeCommand([...dsg, 'graph', '--format', 'html', '-o', 'graph.html'], dir).ms);
      }
      const bytes = (await stat(join(dir, 'graph.html'))).size;
      rows.push([
        tasks,
        median(json).toFixed(0),
        median(cold).toFixed(0),
        (median(cold) / median(json)).toFixed(2),
        median(warm).toFixed(0),
        `${(bytes / 1024).toFixed(0)} KiB`,
      ]);
      const ready: number[] = [];
      const click: number[] = [];
      const zoom: number[] = [];
      for (let i = 0; i < runs; i++) {
        const page = await context.newPage();
        await page.goto(`file://${join(dir, 'graph.html')}`);
        await page.waitForSelector('body[data-ready]');
        // `data-ready` holds performance.now() when the page had drawn and listened: ms since navigation.
        ready.push(Number(await page.getAttribute('body', 'data-ready')));
        const id = await page.getAttribute('#graph .task:nth-child(7)', 'data-id');
        const t0 = Date.now();
        await page.click(`#graph .task[data-id="${id ?? ''}"]`, { force: true });
        await page.waitForSelector('#details:not([hidden])');
        click.push(Date.now() - t0);
        const z0 = Date.now();
        await page.mouse.move(700, 400);
        await page.mouse.wheel(0, -300);
        await page.evaluate(
          'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))',
        );
        zoom.push(Date.now() - z0);
        await page.close();
      }
      browserRows.push([tasks, median(ready).toFixed(0), median(click).toFixed(0), median(zoom).toFixed(0)]);
    }
  } finally {
    await context.close();
    await rm(root, { recursive: true, force: true });
  }
  process.stdout.write('dsg graph --format html (ms, median) against --format json on the same project:\n');
  printTable(['tasks', 'json ms', 'html ms (cold)', 'html/json', 'html ms (memo hit)', 'page size'], rows);
  process.stdout.write('\nIn headless chromium (ms, median):\n');
  printTable(['tasks', 'interactive', 'click → details', 'wheel zoom → frame'], browserRows);
}

// The graph page in a real headless browser (Debian's chromium through playwright-core): it loads with no console
// error and no network request, shows every task, highlights the critical path of a run the test made in the graph
// and the timeline, answers a click with the task's details, searches and filters, and shows the tasks of an older
// graph. Screenshots are kept in test-artifacts/ to be looked at.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyFixture, runDsg } from './helpers/cli.ts';
import { artifactPath, openPage, type BrowserPage } from './helpers/browser.ts';
import {
  criticalPathOf,
  exampleWithImplicitEdges,
  projectWithRun,
  readPageData,
} from './helpers/graph-page.ts';

/** What the tests read of an element in the page (they compile without the DOM library). */
interface DomElement {
  getAttribute(name: string): string | null;
  classList: { contains(name: string): boolean };
}

/** Writes the page of the project in `dir` and opens it; fails on any console error or request. */
async function openGraphPage(dir: string): Promise<BrowserPage> {
  const r = await runDsg(['graph', '--format', 'html', '-o', 'graph.html'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const browser = await openPage();
  await browser.page.goto(`file://${join(dir, 'graph.html')}`);
  await browser.page.waitForSelector('body[data-ready]');
  return browser;
}

/** Classes of each task element, by id. */
async function taskClasses(b: BrowserPage): Promise<Map<string, string>> {
  const pairs = await b.page.$$eval('#graph .task', (els: unknown[]) =>
    (els as DomElement[]).map(
      (el) => [el.getAttribute('data-id') ?? '', el.getAttribute('class') ?? ''] as const,
    ),
  );
  return new Map(pairs);
}

function assertQuiet(b: BrowserPage, file: string): void {
  assert.deepEqual(b.errors, [], 'console errors');
  assert.deepEqual(b.requests, [`file://${file}`], 'the page asked for something besides itself');
}

test('the example graph: every task, clusters, implicit edges apart, an edge explains itself on hover', async () => {
  const dir = await exampleWithImplicitEdges();
  const b = await openGraphPage(dir);
  try {
    const data = await readPageData(join(dir, 'graph.html'));
    const classes = await taskClasses(b);
    assert.deepEqual([...classes.keys()].sort(), data.model.nodes.map((n) => n.id).sort());
    for (const [id, cls] of classes) {
      assert.match(cls, new RegExp(`k-${id.replace(/^.*\//, '').split(':')[0] ?? ''}`), id);
      assert.match(cls, /s-idle/, `${id} has a run state without a run`);
    }
    assert.equal(await b.page.textContent('#run'), 'no run recorded yet');
    assert.equal(await b.page.locator('.cluster[data-group="db/"]').count(), 1);
    const implicit = data.model.edges.filter((e) => e.implicit).length;
    assert.ok(implicit > 0, 'the example has implicit edges');
    assert.equal(await b.page.locator('#graph path.edge.implicit').count(), implicit);
    // Hovering an edge shows its reason and where it comes from.
    const index = data.model.edges.findIndex((e) => e.reason === 'image-ref');
    const edge = data.model.edges[index];
    assert.ok(edge);
    // The middle of the line itself (an elbow's bounding box has its centre off the line).
    const at = await b.page.$eval(`#graph path.edge-hit[data-edge="${index}"]`, (el) => {
      // Typed by hand: the tests compile without the DOM library.
      const path = el as unknown as {
        getTotalLength(): number;
        getPointAtLength(at: number): { x: number; y: number };
        getScreenCTM(): { a: number; b: number; c: number; d: number; e: number; f: number } | null;
      };
      const p = path.getPointAtLength(path.getTotalLength() / 2);
      const m = path.getScreenCTM();
      return m ? { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f } : { x: 0, y: 0 };
    });
    await b.page.mouse.move(at.x, at.y);
    const tip = await b.page.textContent('#tip');
    assert.ok(tip?.includes(`${edge.from} → ${edge.to}`), tip ?? '');
    assert.ok(tip?.includes(edge.detail), tip ?? '');
    await b.page.screenshot({ path: await artifactPath('graph-page-example.png') });
    assertQuiet(b, join(dir, 'graph.html'));
  } finally {
    await b.close();
  }
});

test('a run the test made: outcomes, the critical path in the graph and the timeline, details on click', async () => {
  const { dir, run } = await projectWithRun();
  const path = criticalPathOf(run.stdout);
  assert.ok(path.length >= 3, path.join(' → '));
  const b = await openGraphPage(dir);
  try {
    const classes = await taskClasses(b);
    assert.equal(classes.size, 10);
    for (const [id, cls] of classes) {
      assert.match(cls, /s-ran/, id);
      assert.equal(cls.includes('critical'), path.includes(id), `${id}: ${cls}`);
    }
    const criticalEdges = await b.page.$$eval('#graph path.edge.critical', (els) => els.length);
    assert.equal(criticalEdges, path.length - 1);
    const bars = await b.page.$$eval('#timeline .bar', (els: unknown[]) =>
      (els as DomElement[]).map(
        (el) => [el.getAttribute('data-id'), el.classList.contains('critical')] as const,
      ),
    );
    assert.equal(bars.length, 10);
    assert.deepEqual(
      bars
        .filter(([, c]) => c)
        .map(([id]) => id)
        .sort(),
      [...path].sort(),
    );
    // build:base, build:api and build:web ran at once for a while: the timeline has parallel lanes.
    const lanes = await b.page.$$eval(
      '#timeline .bar rect',
      (els: unknown[]) => new Set((els as DomElement[]).map((e) => e.getAttribute('y'))).size,
    );
    assert.ok(lanes >= 2, `${lanes} lanes`);
    await b.page.click('#graph .task[data-id="build:api"]');
    const details = await b.page.textContent('#details');
    const data = await readPageData(join(dir, 'graph.html'));
    const api = data.run?.tasks.find((t) => t.id === 'build:api');
    assert.ok(details?.includes('build:api'));
    assert.ok(details?.includes('first run'), details ?? '');
    assert.ok(details?.includes('critical path'), details ?? '');
    assert.ok(details?.includes('SLEEP=0.400 sh build.sh api'), 'inputs summary');
    assert.ok(details?.includes('api/src.txt'), 'key record');
    assert.ok(details?.includes('built api as local/api:'), 'log tail');
    assert.equal(await b.page.getAttribute('#details code[title]', 'title'), api?.key);
    assert.match((await taskClasses(b)).get('build:api') ?? '', /selected/);
    await b.page.screenshot({ path: await artifactPath('graph-page-run.png') });
    // A click on a timeline bar selects that task too.
    await b.page.click('#timeline .bar[data-id="build:worker"]');
    assert.ok((await b.page.textContent('#details h2'))?.includes('build:worker'));
    assertQuiet(b, join(dir, 'graph.html'));
  } finally {
    await b.close();
  }
});

test('search highlights matches; kind and project filters hide the rest', async () => {
  const dir = await copyFixture('examples');
  const b = await openGraphPage(dir);
  try {
    await b.page.fill('#search', 'api');
    assert.equal(await b.page.textContent('#matches'), '4 found');
    const matched = [...(await taskClasses(b))].filter(([, c]) => c.includes('match')).map(([id]) => id);
    assert.deepEqual(matched.sort(), ['build:api', 'deploy:api', 'render:api', 'tag:api']);
    await b.page.press('#search', 'Enter');
    assert.ok((await b.page.textContent('#details h2'))?.includes('api'));
    await b.page.fill('#search', '');
    await b.page.uncheck('#kinds input[value="tag"]');
    const hidden = [...(await taskClasses(b))].filter(([, c]) => c.includes('hidden')).map(([id]) => id);
    assert.deepEqual(hidden.sort(), ['db/tag:db', 'tag:api', 'tag:base', 'tag:web']);
    await b.page.check('#kinds input[value="tag"]');
    await b.page.selectOption('#project', 'db/');
    const shown = [...(await taskClasses(b))].filter(([, c]) => !c.includes('hidden')).map(([id]) => id);
    assert.deepEqual(shown.sort(), ['db/build:db', 'db/deploy:db', 'db/render:db', 'db/tag:db']);
    assert.equal(await b.page.textContent('#shown'), '4 shown');
    assertQuiet(b, join(dir, 'graph.html'));
  } finally {
    await b.close();
  }
});

test('a run from an older graph: its gone tasks are laid out in the page, dashed, and say so', async () => {
  const { dir } = await projectWithRun();
  const config = await readFile(join(dir, 'devspace.yaml'), 'utf8');
  await writeFile(join(dir, 'devspace.yaml'), config.replace(/ {2}cli:\n(?: {4,}.*\n)*/, ''));
  const b = await openGraphPage(dir);
  try {
    const classes = await taskClasses(b);
    assert.equal(classes.size, 10);
    assert.match(classes.get('build:cli') ?? '', /s-gone/);
    assert.match(classes.get('tag:cli') ?? '', /s-gone/);
    assert.match(classes.get('build:api') ?? '', /s-ran/);
    assert.match(
      (await b.page.textContent('#notes')) ?? '',
      /2 tasks of this run are no longer in the graph/,
    );
    // The edge the run recorded to the gone task is drawn.
    assert.equal(await b.page.locator('#graph path.edge.gone').count(), 2);
    await b.page.click('#graph .task[data-id="build:cli"]');
    assert.match((await b.page.textContent('#details')) ?? '', /the config no longer has it/);
    await b.page.screenshot({ path: await artifactPath('graph-page-older.png') });
    assertQuiet(b, join(dir, 'graph.html'));
  } finally {
    await b.close();
  }
});

// `dsg graph --format html|svg` from the command line: the page's data (graph, run, keys, logs), files written
// with -o on a memo hit and a miss, the run read fresh, and bad input: a truncated run file, an unknown run, a
// run from an older graph, no run at all, a summary from before version 2, a missing page template.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { test } from 'node:test';
import { runDsg, tempDir, copyFixture } from './helpers/cli.ts';
import {
  criticalPathOf,
  exampleWithImplicitEdges,
  pageData,
  projectWithRun,
  readPageData,
  runFiles,
} from './helpers/graph-page.ts';
import { repoRoot } from './helpers/paths.ts';

const debug = { DSG_DEBUG_GRAPH_CACHE: '1' };

test('the page holds every task and edge, the run with keys, reasons, log tails and the critical path', async () => {
  const { dir, run } = await projectWithRun();
  const r = await runDsg(['graph', '--format', 'html', '-o', 'graph.html'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Wrote graph\.html \(10 tasks; run .+: dsg run build --json, succeeded\)\n$/);
  const data = await readPageData(join(dir, 'graph.html'));
  const json = JSON.parse((await runDsg(['graph', '--format', 'json'], { cwd: dir })).stdout) as {
    nodes: { id: string }[];
    edges: { from: string; to: string }[];
  };
  assert.deepEqual(
    data.model.nodes.map((n) => n.id),
    json.nodes.map((n) => n.id),
  );
  assert.deepEqual(
    data.model.edges.map((e) => `${e.from}>${e.to}`),
    json.edges.map((e) => `${e.from}>${e.to}`),
  );
  for (const n of data.model.nodes) assert.ok(data.model.layout.nodes[n.id], `no position for ${n.id}`);
  const runData = data.run;
  assert.ok(runData);
  assert.deepEqual(runData.criticalPath, criticalPathOf(run.stdout));
  const api = runData.tasks.find((t) => t.id === 'build:api');
  assert.equal(api?.outcome, 'ran');
  assert.equal(api?.reason, 'first run');
  assert.equal(api?.keyFrom, 'run');
  assert.match(api?.key ?? '', /^[0-9a-f]{64}$/);
  assert.deepEqual(api?.deps, ['build:base']);
  assert.equal(api?.record?.files, 1);
  assert.deepEqual(api?.record?.sample, ['api/src.txt']);
  assert.match(api?.log ?? '', /built api as local\/api:/);
  // The key is the one the store has for the task's last success.
  const pointer = JSON.parse(await readFile(join(dir, '.dsg/tasks/build%3Aapi.json'), 'utf8')) as {
    key: string;
  };
  assert.equal(api?.key, pointer.key);
});

test('-o writes the file on a memo hit too, and a page drawn from the memo shows the newest run', async () => {
  const { dir } = await projectWithRun();
  const first = await runDsg(['graph', '--format', 'html', '-o', 'out/g.html'], { cwd: dir, env: debug });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /graph cache: miss/);
  assert.match(first.stderr, /graph cache: stored/);
  const before = await readPageData(join(dir, 'out/g.html'));
  await rm(join(dir, 'out'), { recursive: true });
  await writeFile(join(dir, 'api/src.txt'), 'changed\n');
  const again = await runDsg(['run', 'build'], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  // The change is an input of the run, not of the graph: the graph memo still holds.
  const second = await runDsg(['graph', '--format', 'html', '-o', 'out/g.html'], { cwd: dir, env: debug });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /graph cache: hit/);
  const after = await readPageData(join(dir, 'out/g.html'));
  assert.deepEqual(after.model, before.model);
  assert.notEqual(after.run?.id, before.run?.id);
  assert.match(
    after.run?.tasks.find((t) => t.id === 'build:api')?.reason ?? '',
    /input changed: api\/src\.txt/,
  );
  // -o, --run and --open choose where the output goes, not what is memoised: stdout is a hit as well.
  const stdout = await runDsg(['graph', '--format', 'html'], { cwd: dir, env: debug });
  assert.match(stdout.stderr, /graph cache: hit/);
  assert.equal(pageData(stdout.stdout).run?.id, after.run?.id);
  // Text to a file is never coloured, and is memoised apart from the terminal's.
  const text = await runDsg(['graph', '-o', 'g.txt'], { cwd: dir, env: { FORCE_COLOR: '1' } });
  assert.equal(text.code, 0, text.stderr);
  assert.doesNotMatch(await readFile(join(dir, 'g.txt'), 'utf8'), /\u001b\[/);
});

test('svg is drawn with the layout of the page, standalone', async () => {
  const dir = await exampleWithImplicitEdges();
  const svg = await runDsg(['graph', '--format', 'svg'], { cwd: dir });
  assert.equal(svg.code, 0, svg.stderr);
  assert.match(svg.stdout, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg.stdout, /<\/svg>\n$/);
  const page = pageData((await runDsg(['graph', '--format', 'html'], { cwd: dir })).stdout);
  for (const n of page.model.nodes) {
    const b = page.model.layout.nodes[n.id];
    assert.ok(b);
    assert.ok(
      svg.stdout.includes(`data-id="${n.id}" transform="translate(${b.x},${b.y})"`),
      `${n.id} is not at ${b.x},${b.y} in the svg`,
    );
  }
  // The dependency project is a cluster; its label names it; implicit edges are drawn apart.
  assert.match(svg.stdout, /<g class="cluster" data-group="db\/">.*shop-db \(db\)/);
  assert.equal(page.run, undefined);
  assert.ok(page.model.edges.some((e) => e.implicit));
  assert.equal(
    (svg.stdout.match(/class="edge implicit"/g) ?? []).length,
    page.model.edges.filter((e) => e.implicit).length,
  );
});

test('no run at all: the page shows the graph and says so', async () => {
  const dir = await copyFixture('examples');
  const r = await runDsg(['graph', '--format', 'html', '-o', 'g.html'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Wrote g\.html \(16 tasks; no run recorded yet\)/);
  assert.equal((await readPageData(join(dir, 'g.html'))).run, undefined);
  const named = await runDsg(['graph', '--format', 'html', '--run', 'latest', '-o', 'h.html'], { cwd: dir });
  assert.equal(named.code, 1);
  assert.match(named.stderr, /Cannot find the run "latest": no such run in \.dsg\/runs\//);
  assert.match(named.stderr, /No run is recorded yet/);
  await assert.rejects(stat(join(dir, 'h.html')));
});

test('a truncated run file: the last run is passed over with a warning, a named one is an error', async () => {
  const { dir } = await projectWithRun();
  const [older] = await runFiles(dir);
  assert.ok(older);
  // A newer summary, cut off mid-way (a run killed while writing it, or a disk that filled up).
  const newer = '2999-01-01T00-00-00.000Z-1.json';
  const whole = await readFile(join(dir, '.dsg/runs', older), 'utf8');
  await writeFile(join(dir, '.dsg/runs', newer), whole.slice(0, whole.length / 2));
  const r = await runDsg(['graph', '--format', 'html', '-o', 'g.html'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /warning: Skipped the damaged run summary "\.dsg\/runs\/2999-01-01T00-00-00\.000Z-1\.json" \(invalid JSON/,
  );
  const data = await readPageData(join(dir, 'g.html'));
  assert.equal(data.run?.id, older.slice(0, -5));
  assert.equal(data.notes.length, 1);
  const named = await runDsg(['graph', '--format', 'html', '--run', '2999', '-o', 'h.html'], { cwd: dir });
  assert.equal(named.code, 1);
  assert.match(
    named.stderr,
    /Cannot read the run "2999-01-01T00-00-00\.000Z-1" in "\.dsg\/runs\/2999-01-01T00-00-00\.000Z-1\.json": invalid JSON/,
  );
  assert.doesNotMatch(named.stderr, /\n\s+at /, 'no stack trace');
  await assert.rejects(stat(join(dir, 'h.html')), 'nothing half-written');
  // --run picks an older run by a prefix of its id.
  const picked = await runDsg(['graph', '--format', 'html', '--run', older.slice(0, 16), '-o', 'i.html'], {
    cwd: dir,
  });
  assert.equal(picked.code, 0, picked.stderr);
  assert.equal((await readPageData(join(dir, 'i.html'))).run?.older, true);
});

test('a run from an older graph: its tasks that are gone stay in the page, with the edges it recorded', async () => {
  const { dir } = await projectWithRun();
  const config = await readFile(join(dir, 'devspace.yaml'), 'utf8');
  // Drop image "cli" (the end of the critical path) from the config.
  await writeFile(
    join(dir, 'devspace.yaml'),
    config.replace(/ {2}cli:\n(?: {4}.*\n| {6}.*\n| {8}.*\n)*/, ''),
  );
  const r = await runDsg(['graph', '--format', 'html', '-o', 'g.html'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 of its tasks no longer in the graph/);
  const data = await readPageData(join(dir, 'g.html'));
  assert.ok(!data.model.nodes.some((n) => n.id === 'build:cli'));
  const cli = data.run?.tasks.find((t) => t.id === 'build:cli');
  assert.deepEqual(cli?.deps, ['build:api']);
  assert.equal(cli?.kind, 'build');
});

test("a summary from before version 2 still loads: the key then comes from the task's last success", async () => {
  const { dir } = await projectWithRun();
  const [file] = await runFiles(dir);
  assert.ok(file);
  const path = join(dir, '.dsg/runs', file);
  const summary = JSON.parse(await readFile(path, 'utf8')) as {
    version?: number;
    tasks: Record<string, unknown>[];
  };
  delete summary.version;
  summary.tasks = summary.tasks.map((t) =>
    Object.fromEntries(Object.entries(t).filter(([k]) => !['kind', 'key', 'deps', 'error'].includes(k))),
  );
  await writeFile(path, JSON.stringify(summary));
  const r = await runDsg(['graph', '--format', 'html', '-o', 'g.html'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const api = (await readPageData(join(dir, 'g.html'))).run?.tasks.find((t) => t.id === 'build:api');
  assert.equal(api?.keyFrom, 'last-success');
  assert.match(api?.key ?? '', /^[0-9a-f]{64}$/);
  assert.equal(api?.deps, undefined);
});

test('usage: --run and --open need a page format; an unknown format names the formats', async () => {
  const dir = await copyFixture('examples');
  const run = await runDsg(['graph', '--format', 'svg', '--run', 'x'], { cwd: dir });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--run draws a run over the page: it needs --format html/);
  const open = await runDsg(['graph', '--open'], { cwd: dir });
  assert.equal(open.code, 2);
  const bad = await runDsg(['graph', '--format', 'png'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown format "png" — use one of text, dot, mermaid, json, html, svg/);
});

test('--open writes .dsg/graph.html and starts $BROWSER on it; a missing browser is a warning', async () => {
  const dir = await copyFixture('examples');
  const browser = join(dir, 'browser.sh');
  await writeFile(browser, `#!/bin/sh\necho "$1" > "${join(dir, 'opened.txt')}"\n`, { mode: 0o755 });
  const r = await runDsg(['graph', '--format', 'html', '--open'], { cwd: dir, env: { BROWSER: browser } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Wrote \.dsg\/graph\.html/);
  const opened = join(dir, 'opened.txt');
  for (let i = 0; i < 500 && !(await stat(opened).catch(() => undefined)); i++)
    await new Promise((d) => setTimeout(d, 20));
  assert.equal((await readFile(opened, 'utf8')).trim(), join(dir, '.dsg/graph.html'));
  const none = await runDsg(['graph', '--format', 'svg', '--open', '-o', 'g.svg'], {
    cwd: dir,
    env: { BROWSER: join(dir, 'no-such-browser') },
  });
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stderr, /warning: Cannot open "g\.svg": No browser to open it with/);
  assert.match(await readFile(join(dir, 'g.svg'), 'utf8'), /^<svg/);
});

test('the bundled CLI and dsg run from source with Deno both find the prebuilt page', async () => {
  const dir = await copyFixture('examples');
  const deno = join(repoRoot, 'node_modules/.bin/deno');
  const fromSource = spawnSync(
    deno,
    [
      'run',
      '-A',
      '--no-check',
      `--config=${join(repoRoot, 'deno.json')}`,
      join(repoRoot, 'bin/dsg.ts'),
      'graph',
      '--format',
      'html',
      '-o',
      'deno.html',
    ],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  assert.equal(fromSource.status, 0, fromSource.stderr);
  const bundled = spawnSync(
    process.execPath.includes('deno') ? 'node' : process.execPath,
    [join(repoRoot, 'dist/cli/dsg.js'), 'graph', '--format', 'html', '-o', 'node.html'],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  assert.equal(bundled.status, 0, bundled.stderr);
  const a = await readPageData(join(dir, 'deno.html'));
  const b = await readPageData(join(dir, 'node.html'));
  assert.deepEqual(a.model, b.model);
  const template = await readFile(join(repoRoot, 'dist/cli/graph-page.html'), 'utf8');
  assert.ok(
    (await readFile(join(dir, 'deno.html'), 'utf8')).startsWith(
      template.slice(0, template.indexOf('__DSG_PAGE_DATA__')),
    ),
  );
});

test('a CLI without its page template says how to build it, and writes nothing', async () => {
  // A copy of the bundle (inside the repository, so that its packages resolve) without graph-page.html.
  const copy = join(repoRoot, 'dist', `no-page-${process.pid}`, 'dist', 'cli');
  await mkdir(copy, { recursive: true });
  try {
    await cp(join(repoRoot, 'dist/cli'), copy, {
      recursive: true,
      filter: (src) => !src.endsWith('graph-page.html'),
    });
    const dir = await tempDir();
    await cp(join(repoRoot, 'examples'), dir, {
      recursive: true,
      filter: (s) => !s.split(/[\\/]/).includes('.dsg'),
    });
    const r = spawnSync(
      process.execPath.includes('deno') ? 'node' : process.execPath,
      [join(copy, 'dsg.js'), 'graph', '--format', 'html', '-o', 'g.html'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /Cannot write the HTML page: its prebuilt template ".*graph-page\.html" is missing — run "npm run build"/,
    );
    await assert.rejects(stat(join(dir, 'g.html')));
  } finally {
    await rm(join(repoRoot, 'dist', `no-page-${process.pid}`), { recursive: true, force: true });
  }
});

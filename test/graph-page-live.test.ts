// The live graph page (engine/graph/page-server.ts, for `dsg dev --ui`): a page served on loopback follows the
// events of a real `dsg run`, fed to the server line by line from `--json`, in a real headless browser: a held
// build shows as running, then ran, and the run's end brings the timeline and the critical path.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { graphPageHtml } from '../engine/graph/graph-page.ts';
import { servePage } from '../engine/graph/page-server.ts';
import type { RunEvent } from '../engine/run/events.ts';
import { loadGraph } from '../engine/cli/load-project.ts';
import type { Io } from '../engine/cli/io.ts';
import { artifactPath, openPage } from './helpers/browser.ts';
import { startDsg, waitFor } from './helpers/cli.ts';
import { customProject } from './helpers/custom-project.ts';

async function classOf(page: import('playwright-core').Page, id: string): Promise<string> {
  return (await page.getAttribute(`#graph .task[data-id="${id}"]`, 'class')) ?? '';
}

test('a served page follows a real run: queued, running, ran, then the critical path', async () => {
  const dir = await customProject([{ name: 'a' }, { name: 'b', after: ['a'] }, { name: 'c' }], {
    name: 'live',
  });
  const stderr: string[] = [];
  const io: Io = {
    cwd: dir,
    env: {},
    stdout: { write: () => true },
    stderr: { write: (s: string) => stderr.push(s) },
    color: false,
    stdoutIsTTY: false,
    signal: new AbortController().signal,
  };
  const loaded = await loadGraph(io, {}, { purpose: 'graph' });
  assert.ok(loaded, stderr.join(''));
  const html = await graphPageHtml(loaded.graph, { stateDir: join(dir, '.dsg'), live: true });
  assert.ok(html.ok);
  const ui = await servePage({ html: html.value });
  assert.ok(ui.ok);
  const browser = await openPage();
  try {
    assert.match(ui.value.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    await browser.page.goto(ui.value.url);
    await browser.page.waitForSelector('body[data-ready]');
    assert.equal(await browser.page.textContent('#run'), 'waiting for a run…');
    // Builds wait for their gate file (GATED): build:a is held while the page is checked.
    const run = startDsg(['run', 'build', '--json'], { cwd: dir, env: { GATED: '1' } });
    let fed = 0;
    const feed = (): void => {
      const lines = run.output().stdout.split('\n');
      for (; fed < lines.length - 1; fed++) {
        const line = lines[fed] ?? '';
        if (line.startsWith('{')) ui.value.send(JSON.parse(line) as RunEvent);
      }
    };
    const pump = setInterval(feed, 20);
    try {
      await waitFor(async () => /s-running/.test(await classOf(browser.page, 'build:a')), 'build:a running');
      assert.match(await classOf(browser.page, 'build:b'), /s-queued/);
      // A page opened mid-run catches up from the server's backlog.
      const late = await openPage();
      try {
        await late.page.goto(ui.value.url);
        await late.page.waitForSelector('body[data-ready]');
        await waitFor(
          async () => /s-running/.test(await classOf(late.page, 'build:a')),
          'late page catches up',
        );
      } finally {
        await late.close();
      }
      for (const name of ['a', 'b', 'c']) await writeFile(join(dir, 'gates', name), '');
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      feed();
      await waitFor(async () => /s-ran/.test(await classOf(browser.page, 'tag:b')), 'tag:b ran');
      await waitFor(
        async () => (await browser.page.locator('#timeline .bar').count()) === 6,
        'the timeline of the run',
      );
      await waitFor(async () => /critical/.test(await classOf(browser.page, 'build:a')), 'the critical path');
      for (const id of ['build:a', 'build:b', 'tag:b'])
        assert.match(await classOf(browser.page, id), /critical/);
      assert.match((await browser.page.textContent('#run')) ?? '', /dsg run build · succeeded/);
      await browser.page.click('#graph .task[data-id="build:a"]');
      assert.match((await browser.page.textContent('#details')) ?? '', /built a as local\/a:/);
      await browser.page.screenshot({ path: await artifactPath('graph-page-live.png') });
    } finally {
      clearInterval(pump);
    }
    assert.deepEqual(browser.errors, []);
    assert.ok(
      browser.requests.every((url) => url.startsWith(ui.value.url)),
      `requests beyond the page's server: ${browser.requests.join(', ')}`,
    );
  } finally {
    await browser.close();
    await ui.value.close();
  }
});

test('the server answers unknown paths with 404 and a taken port with one message', async () => {
  const ui = await servePage({ html: '<p>page</p>' });
  assert.ok(ui.ok);
  try {
    assert.equal(await (await fetch(ui.value.url)).text(), '<p>page</p>');
    assert.equal((await fetch(`${ui.value.url}nope`)).status, 404);
    const port = Number(new URL(ui.value.url).port);
    const taken = await servePage({ html: '', port });
    assert.ok(!taken.ok);
    assert.equal(
      taken.error,
      `Cannot serve the graph page on port ${port}: it is in use — pick another port`,
    );
  } finally {
    await ui.value.close();
  }
});

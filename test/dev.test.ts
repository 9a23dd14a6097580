// `dsg dev` through real file edits in temp projects built by the custom builder (real shell commands): the
// chain an edit re-runs, saves that run nothing, a stream of saves, an edit during a build, a broken config, a
// folder deleted and made again, Ctrl-C, --ui. Docker builds, dependency projects and a cluster are not covered yet.
import assert from 'node:assert/strict';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg, tempDir, waitFor } from './helpers/cli.ts';
import { customProject, endStatuses } from './helpers/custom-project.ts';
import { openStore } from '../cache/store.ts';
import { settled, startDev } from './helpers/dev.ts';

const count = (text: string, line: string): number => text.split('\n').filter((l) => l === line).length;

test('an edit re-runs exactly its chain; a save with the same content, or of a file no task reads, runs nothing', async () => {
  const dir = await customProject([{ name: 'base' }, { name: 'api', after: ['base'] }, { name: 'web' }]);
  const dev = startDev([], { cwd: dir });
  try {
    await dev.waitFor((e) => e.type === 'dev-ready', 'the loop to watch');
    assert.deepEqual(dev.ended('ran', 0), [
      'build:api',
      'build:base',
      'build:web',
      'tag:api',
      'tag:base',
      'tag:web',
    ]);

    let from = dev.events().length;
    await writeFile(join(dir, 'api/src.txt'), 'api, edited\n');
    let done = await settled(dev, 'the edit of api to deploy', from);
    assert.deepEqual(dev.ended('ran', from), ['build:api', 'tag:api']);
    assert.equal(dev.events()[done]?.ok, true);
    const change = dev.events().find((e, i) => i >= from && e.type === 'dev-change');
    assert.deepEqual(change?.paths, ['api/src.txt']);

    from = dev.events().length;
    await writeFile(join(dir, 'base/src.txt'), 'base, edited\n');
    await settled(dev, 'the edit of base to deploy', from);
    assert.deepEqual(dev.ended('ran', from), ['build:api', 'build:base', 'tag:api', 'tag:base']);

    from = dev.events().length;
    await writeFile(join(dir, 'api/src.txt'), 'api, edited\n');
    done = await settled(dev, 'the same save to be checked', from);
    assert.equal(dev.events()[done]?.ran, 0);
    assert.deepEqual(
      dev
        .events()
        .slice(from)
        .filter((e) => e.type === 'task-start'),
      [],
      'a save with the same content starts nothing',
    );

    from = dev.events().length;
    await writeFile(join(dir, 'notes.txt'), 'not an input\n');
    const idle = await dev.waitFor(
      (e) => e.type === 'dev-idle' && e.paths?.includes('notes.txt') === true,
      'notes.txt to be reported',
      from,
    );
    assert.deepEqual(
      dev
        .events()
        .slice(from, idle)
        .filter((e) => e.type === 'task-start'),
      [],
    );
  } finally {
    const end = await dev.stop();
    assert.equal(end.code, 130, end.stderr);
    assert.equal(dev.events().at(-1)?.type, 'dev-stop');
  }
  // The lock was released and the records hold: a run right after finds everything cached.
  const after = await runDsg(['run', 'build', '--lock-timeout', '5'], { cwd: dir });
  assert.equal(after.code, 0, after.stderr);
  assert.match(after.stdout, /ran 0 · cached 6/);
});

test('50 saves within a second make one or two runs', async () => {
  const dir = await customProject([{ name: 'api' }, { name: 'web' }]);
  const dev = startDev([], { cwd: dir });
  try {
    await dev.waitFor((e) => e.type === 'dev-ready', 'the loop to watch');
    const from = dev.events().length;
    for (let i = 0; i < 50; i++) {
      await writeFile(join(dir, 'api/src.txt'), `save ${i}\n`);
      await new Promise((r) => setTimeout(r, 15));
    }
    // A file no task reads, saved well after the last save (past the watcher's stream slice and the quiet
    // period, so in a batch of its own): once it is reported, every earlier save has been handed to the loop.
    await new Promise((r) => setTimeout(r, 1500));
    await writeFile(join(dir, 'sentinel.txt'), 'x');
    await dev.waitFor(
      (e) => e.type === 'dev-idle' && e.paths?.includes('sentinel.txt') === true,
      'the sentinel',
      from,
    );
    await settled(dev, 'the saves to deploy', from);
    const changes = dev
      .events()
      .slice(from)
      .filter((e) => e.type === 'dev-change').length;
    assert.ok(changes >= 1 && changes <= 2, `${changes} iterations for 50 saves`);
    const builds = dev
      .events()
      .slice(from)
      .filter((e) => e.type === 'task-start' && e.id === 'build:api').length;
    assert.ok(builds >= 1 && builds <= 2, `${builds} builds for 50 saves`);
    assert.deepEqual(
      dev.ended('ran', from).filter((id) => id.endsWith('web')),
      [],
    );
  } finally {
    assert.equal((await dev.stop()).code, 130);
  }
});

test('an edit during a build cancels and restarts it; a build the edit does not touch keeps running', async () => {
  const dir = await customProject([{ name: 'api' }, { name: 'web' }]);
  const gate = (name: string): Promise<void> => writeFile(join(dir, 'gates', name), '');
  const log = (): Promise<string> => readFile(join(dir, 'events.log'), 'utf8');
  const dev = startDev([], { cwd: dir, env: { GATED: '1' } });
  try {
    await waitFor(async () => count(await log().catch(() => ''), 'start web') === 1, 'the first builds');
    await gate('api');
    await gate('web');
    await dev.waitFor((e) => e.type === 'dev-ready', 'the loop to watch');
    await rm(join(dir, 'gates/api'));
    await rm(join(dir, 'gates/web'));

    const from = dev.events().length;
    await writeFile(join(dir, 'api/src.txt'), 'api 2\n');
    await writeFile(join(dir, 'web/src.txt'), 'web 2\n');
    await waitFor(async () => {
      const text = await log();
      return count(text, 'start api') === 2 && count(text, 'start web') === 2;
    }, 'both builds to start again').catch(async (e: unknown) => {
      // What the builds and the loop did, for a failure that does not come back when run again.
      const events = dev
        .events()
        .slice(from)
        .map((ev) => `${ev.type}${ev.id ? ` ${ev.id}` : ''}${ev.paths ? ` ${ev.paths.join(',')}` : ''}`);
      throw new Error(
        `${e instanceof Error ? e.message : String(e)}\nevents.log:\n${await log()}\nloop events: ${events.join('; ')}\n` +
          `stderr: ${dev.process.output().stderr.slice(-2000)}`,
      );
    });

    const third = dev.events().length;
    await writeFile(join(dir, 'api/src.txt'), 'api 3\n');
    const replan = await dev.waitFor((e) => e.type === 'dev-replan', 'the replan', third);
    assert.deepEqual(dev.events()[replan]?.cancelled, ['build:api']);
    assert.deepEqual(dev.events()[replan]?.kept, ['build:web']);
    await waitFor(async () => count(await log(), 'start api') === 3, 'the build of api to start again');
    await gate('api');
    await gate('web');
    const done = await settled(dev, 'the restarted builds to finish', replan);
    assert.equal(dev.events()[done]?.ok, true);
    const text = await log();
    assert.equal(count(text, 'start web'), 2, 'the untouched build was not started again');
    assert.equal(count(text, 'end web'), 2);
    assert.equal(count(text, 'end api'), 2, 'the cancelled build did not finish');
    assert.deepEqual(dev.ended('ran', replan), ['build:api', 'build:web', 'tag:api', 'tag:web']);
    assert.deepEqual(
      dev.ended('cancelled', from).filter((id) => id === 'build:api'),
      ['build:api'],
    );
  } finally {
    assert.equal((await dev.stop()).code, 130);
  }
  // Nothing half-done was recorded: with the files as they are, everything is cached.
  const after = await runDsg(['run', 'build', '--json'], { cwd: dir, env: { GATED: '' } });
  assert.equal(after.code, 0, after.stderr);
  assert.doesNotMatch(after.stdout, /"status":"ran"/);
});

test('a change the watcher never reports (written through a hard link in another folder) is found after the next iteration', async () => {
  const dir = await customProject([{ name: 'api' }, { name: 'web' }]);
  // Inotify reports a write to the folder of the path written through: this one is not watched.
  const elsewhere = await tempDir('dsg-link-');
  await link(join(dir, 'api/src.txt'), join(elsewhere, 'src.txt'));
  const dev = startDev([], { cwd: dir });
  try {
    await dev.waitFor((e) => e.type === 'dev-ready', 'the loop to watch');
    const from = dev.events().length;
    await writeFile(join(elsewhere, 'src.txt'), 'api, written through a link\n');
    await writeFile(join(dir, 'web/src.txt'), 'web, edited\n');
    const built = await dev.waitFor(
      (e) => e.type === 'task-end' && e.id === 'build:api' && e.status === 'ran',
      'the build of api',
      from,
    );
    assert.deepEqual(dev.events()[built]?.reason?.changes, ['api/src.txt']);
    await settled(dev, 'the sweep to deploy', from);
    assert.deepEqual(dev.ended('ran', from), ['build:api', 'build:web', 'tag:api', 'tag:web']);
  } finally {
    assert.equal((await dev.stop()).code, 130);
  }
  const after = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(after.code, 0, after.stderr);
  assert.doesNotMatch(after.stdout, /"status":"ran"/);
});

test('an invalid devspace.yaml keeps the loop alive with a located error; the next valid edit recovers', async () => {
  const dir = await customProject([{ name: 'api' }]);
  const config = join(dir, 'devspace.yaml');
  const good = await readFile(config, 'utf8');
  const dev = startDev([], { cwd: dir });
  try {
    await dev.waitFor((e) => e.type === 'dev-ready', 'the loop to watch');
    let from = dev.events().length;
    await writeFile(config, `${good}  broken: [\n`);
    await dev.waitFor((e) => e.type === 'dev-config-error', 'the config error', from);
    await waitFor(
      () => /devspace\.yaml:\d+:\d+: error/.test(dev.process.output().stderr),
      'the located error',
    );

    from = dev.events().length;
    await writeFile(join(dir, 'api/src.txt'), 'still deployed\n');
    await settled(dev, 'a source edit under the broken config', from);
    assert.deepEqual(dev.ended('ran', from), ['build:api', 'tag:api'], 'the last good graph still runs');

    from = dev.events().length;
    await writeFile(config, good.replace('    custom:', '    buildArgs:\n      MODE: "dev"\n    custom:'));
    const done = await settled(dev, 'the fixed config to deploy', from);
    assert.equal(dev.events()[done]?.ok, true);
    assert.deepEqual(dev.ended('ran', from), ['build:api', 'tag:api']);
  } finally {
    assert.equal((await dev.stop()).code, 130);
  }
});

test('a watched folder deleted and made again is still watched', async () => {
  const dir = await customProject([{ name: 'api' }, { name: 'web' }]);
  const dev = startDev([], { cwd: dir });
  try {
    await dev.waitFor((e) => e.type === 'dev-ready', 'the loop to watch');
    let from = dev.events().length;
    await rm(join(dir, 'api'), { recursive: true });
    await settled(dev, 'the deletion to run', from);
    assert.deepEqual(dev.ended('ran', from), ['build:api', 'tag:api']);

    from = dev.events().length;
    await mkdir(join(dir, 'api/deep'), { recursive: true });
    await writeFile(join(dir, 'api/deep/new.txt'), 'new\n');
    await settled(dev, 'the new folder to run', from);
    assert.deepEqual(dev.ended('ran', from), ['build:api', 'tag:api']);

    from = dev.events().length;
    await writeFile(join(dir, 'api/deep/new.txt'), 'edited\n');
    await settled(dev, 'an edit in the new folder to run', from);
    assert.deepEqual(dev.ended('ran', from), ['build:api', 'tag:api']);
  } finally {
    assert.equal((await dev.stop()).code, 130);
  }
});

test('while dsg dev holds the project, dsg run waits for it and says so', async () => {
  const dir = await customProject([{ name: 'api' }]);
  const dev = startDev([], { cwd: dir });
  try {
    await dev.waitFor((e) => e.type === 'dev-ready', 'the loop to watch');
    const run = await runDsg(['run', 'build', '--lock-timeout', '1'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /dsg dev/);
  } finally {
    assert.equal((await dev.stop()).code, 130);
  }
});

test('Ctrl-C during a build ends dsg dev with 130, the build stopped and nothing of it recorded', async () => {
  const dir = await customProject([{ name: 'api' }, { name: 'web' }]);
  const log = (): Promise<string> => readFile(join(dir, 'events.log'), 'utf8').catch(() => '');
  const dev = startDev([], { cwd: dir, env: { GATED: '1' } });
  await waitFor(async () => count(await log(), 'start web') === 1, 'the first builds');
  await writeFile(join(dir, 'gates', 'web'), '');
  await dev.waitFor((e) => e.type === 'task-end' && e.id === 'tag:web', 'web to be tagged');
  // build:api is running, held by its gate: stop the loop now.
  const end = await dev.stop();
  assert.equal(end.code, 130, end.stderr);
  assert.equal(end.stderr.includes('    at '), false, `no stack trace:\n${end.stderr}`);
  assert.deepEqual(dev.ended('cancelled', 0), ['build:api']);
  assert.equal(dev.events().at(-1)?.type, 'dev-stop');
  assert.equal(count(await log(), 'end api'), 0, 'the build of api was stopped, not finished');
  // The store holds web's records and no trace of api, and no file was left half-written.
  const rows = await openStore(join(dir, '.dsg')).list();
  assert.deepEqual([...new Set(rows.map((r) => r.taskId))].sort(), ['build:web', 'tag:web']);
  assert.ok(rows.every((r) => !r.damaged));
  const leftovers = (await readdir(join(dir, '.dsg'), { recursive: true })).filter((f) =>
    f.includes('.tmp-'),
  );
  assert.deepEqual(leftovers, []);
  // The lock is free and the next run builds api alone.
  await writeFile(join(dir, 'gates', 'api'), '');
  const after = await runDsg(['run', 'build', '--json', '--lock-timeout', '5'], { cwd: dir });
  assert.equal(after.code, 0, after.stderr);
  const statuses = endStatuses(after.stdout);
  assert.equal(statuses.get('build:api'), 'ran');
  assert.equal(statuses.get('build:web'), 'cached');
});

test('dsg dev --ui serves the live graph page and streams each iteration to it', async () => {
  const dir = await customProject([{ name: 'api' }]);
  const dev = startDev(['--ui'], { cwd: dir });
  const controller = new AbortController();
  try {
    const ready = await dev.waitFor((e) => e.type === 'dev-ready', 'the loop to watch');
    const url = dev.events()[ready]?.url ?? '';
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /build:api/);

    const stream = await fetch(`${url}events`, { signal: controller.signal });
    assert.equal(stream.headers.get('content-type'), 'text/event-stream');
    // Node's and Deno's response bodies are both async iterables of bytes.
    const body = stream.body as AsyncIterable<Uint8Array> | null;
    assert.ok(body);
    let seen = '';
    const decoder = new TextDecoder();
    const reading = (async () => {
      for await (const chunk of body) seen += decoder.decode(chunk);
    })().catch(() => undefined);
    const from = dev.events().length;
    await writeFile(join(dir, 'api/src.txt'), 'api, edited for the page\n');
    await settled(dev, 'the edit to deploy', from);
    await waitFor(() => /"type":"task-end","id":"build:api"/.test(seen), 'the page to hear build:api end');
    controller.abort();
    await reading;
  } finally {
    controller.abort();
    assert.equal((await dev.stop()).code, 130);
  }
});

// `dsg run` end to end with the custom builder: what runs, what is cached, and why.
import assert from 'node:assert/strict';
import { appendFile, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg, startDsg, waitFor } from './helpers/cli.ts';
import { customProject, endStatuses, jsonEvents } from './helpers/custom-project.ts';

const events = async (dir: string): Promise<string[]> =>
  (await readFile(join(dir, 'events.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);

const reasonOf = (stdout: string, id: string): string => {
  const e = jsonEvents(stdout).find((x) => x.type === 'task-end' && x.id === id);
  return JSON.stringify(e?.reason ?? null);
};

test('first run builds everything; a second run is all cached and runs no command', async () => {
  const dir = await customProject([{ name: 'a' }, { name: 'b', after: ['a'] }, { name: 'c' }]);
  const first = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const statuses = endStatuses(first.stdout);
  for (const id of ['build:a', 'build:b', 'build:c', 'tag:a', 'tag:b', 'tag:c'])
    assert.equal(statuses.get(id), 'ran', id);
  assert.match(reasonOf(first.stdout, 'build:a'), /first-run/);
  const log = await events(dir);
  // b receives a's tag, so it starts only after a ended.
  assert.ok(log.indexOf('end a') < log.indexOf('start b'), log.join(', '));
  const second = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual([...new Set(endStatuses(second.stdout).values())], ['cached']);
  assert.deepEqual(await events(dir), log, 'no build command ran');
});

test('a changed file reruns exactly its chain, with the file as the reason', async () => {
  const dir = await customProject([{ name: 'a' }, { name: 'b', after: ['a'] }, { name: 'c' }]);
  assert.equal((await runDsg(['run', 'build'], { cwd: dir })).code, 0);
  await appendFile(join(dir, 'a', 'src.txt'), 'more\n');
  const r = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const s = endStatuses(r.stdout);
  assert.equal(s.get('build:a'), 'ran');
  assert.match(reasonOf(r.stdout, 'build:a'), /"input-changed".*a\/src\.txt/);
  // b's key includes a's output: it reruns because its upstream changed.
  assert.equal(s.get('build:b'), 'ran');
  assert.match(reasonOf(r.stdout, 'build:b'), /upstream build:a|runtime|args/);
  assert.equal(s.get('build:c'), 'cached');
  assert.equal(s.get('tag:c'), 'cached');
  // A new file is an input too.
  await writeFile(join(dir, 'c', 'new.txt'), 'new\n');
  const again = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.match(reasonOf(again.stdout, 'build:c'), /\+c\/new\.txt|c\/new\.txt/);
});

test('-b forces builds, --force forces one task, and the reason says so', async () => {
  const dir = await customProject([{ name: 'a' }, { name: 'b' }]);
  assert.equal((await runDsg(['run', 'build'], { cwd: dir })).code, 0);
  const forced = await runDsg(['run', 'build', '-b', '--json'], { cwd: dir });
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(endStatuses(forced.stdout).get('build:a'), 'ran');
  assert.match(reasonOf(forced.stdout, 'build:a'), /"forced".*"-b"/);
  const one = await runDsg(['run', 'build', '--force', 'build:b', '--json'], { cwd: dir });
  const s = endStatuses(one.stdout);
  assert.equal(s.get('build:a'), 'cached');
  assert.equal(s.get('build:b'), 'ran');
  assert.match(reasonOf(one.stdout, 'build:b'), /--force build:b/);
  const typo = await runDsg(['run', 'build', '--force', 'build:bb'], { cwd: dir });
  assert.equal(typo.code, 1);
  assert.match(
    typo.stderr,
    /Task "build:bb" given to --force is not in the graph — did you mean "build:b"\?/,
  );
});

test('a failing build: one message, exit 1, nothing recorded; the next run resumes', async () => {
  // a fails only after c has finished, so c's success is recorded before fail-fast stops the run.
  const dir = await customProject([{ name: 'a', sleepMs: 600 }, { name: 'b', after: ['a'] }, { name: 'c' }]);
  await writeFile(join(dir, 'fail', 'a'), '');
  const r = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(r.code, 1);
  const s = endStatuses(r.stdout);
  assert.equal(s.get('build:a'), 'failed');
  assert.equal(s.get('build:b'), 'skipped');
  assert.match(reasonOf(r.stdout, 'build:b'), /upstream-failed.*build:a/);
  const failure = jsonEvents(r.stdout).find((e) => e.id === 'build:a' && e.type === 'task-end') as
    { error?: string } | undefined;
  assert.match(
    failure?.error ?? '',
    /Custom build of image "a" failed: `.*sh build\.sh a` exited with code 3: build of a failed on purpose/,
  );
  const plain = await runDsg(['run', 'build'], { cwd: dir });
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /devspace\.yaml:\d+:\d+: error: Custom build of image "a" failed/);
  assert.doesNotMatch(plain.stderr, /\n\s+at /, 'no stack trace');
  await rm(join(dir, 'fail', 'a'));
  const resumed = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  const t = endStatuses(resumed.stdout);
  assert.equal(t.get('build:a'), 'ran');
  assert.equal(t.get('build:b'), 'ran');
  assert.equal(t.get('build:c'), 'cached', 'c finished in the failed run and is not rebuilt');
});

test('--keep-going runs everything that does not depend on the failure', async () => {
  const dir = await customProject([
    { name: 'a' },
    { name: 'b', after: ['a'] },
    { name: 'c', sleepMs: 200 },
    { name: 'd', after: ['c'] },
  ]);
  await writeFile(join(dir, 'fail', 'a'), '');
  const r = await runDsg(['run', 'build', '--keep-going', '--json'], { cwd: dir });
  assert.equal(r.code, 1);
  const s = endStatuses(r.stdout);
  assert.equal(s.get('build:a'), 'failed');
  assert.equal(s.get('build:b'), 'skipped');
  assert.equal(s.get('build:d'), 'ran');
  assert.equal(s.get('tag:d'), 'ran');
});

test('same keys in two clones of one project in different folders', async () => {
  const images = [{ name: 'a' }, { name: 'b', after: ['a'] }];
  const one = await customProject(images);
  const two = await customProject(images);
  assert.equal((await runDsg(['run', 'build'], { cwd: one })).code, 0);
  assert.equal((await runDsg(['run', 'build'], { cwd: two })).code, 0);
  const keys = async (dir: string): Promise<string[]> => {
    const ls = await runDsg(['cache', 'ls', '--json'], { cwd: dir });
    return (JSON.parse(ls.stdout) as { rows: { taskId: string; key: string }[] }).rows
      .map((r) => `${r.taskId}=${r.key}`)
      .sort();
  };
  const k1 = await keys(one);
  assert.equal(k1.length, 4);
  assert.deepEqual(k1, await keys(two));
  // The default tag is the key prefix: the same on both machines.
  assert.deepEqual((await readdir(join(one, 'out'))).sort(), (await readdir(join(two, 'out'))).sort());
});

test('a second run waits for the lock and then finds everything cached', async () => {
  const dir = await customProject([{ name: 'a' }]);
  const first = startDsg(['run', 'build', '--json'], { cwd: dir, env: { GATED: '1' } });
  await waitFor(async () => (await events(dir)).includes('start a'), 'the first run to start building');
  const second = startDsg(['run', 'build', '--json'], { cwd: dir });
  await waitFor(
    () => /Waiting for another dsg run on this project/.test(second.output().stderr),
    'the second run to wait',
  );
  await writeFile(join(dir, 'gates', 'a'), '');
  const [r1, r2] = await Promise.all([first.done, second.done]);
  assert.equal(r1.code, 0, r1.stderr);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stderr, /pid \d+, `dsg run build/);
  assert.equal(endStatuses(r2.stdout).get('build:a'), 'cached');
  assert.equal((await events(dir)).filter((l) => l === 'start a').length, 1);
});

test('SIGINT cancels cleanly and the next run resumes', async () => {
  const dir = await customProject([{ name: 'a' }, { name: 'b', sleepMs: 50 }]);
  const run = startDsg(['run', 'build', '--json'], { cwd: dir, env: { GATED: '1' } });
  await writeFile(join(dir, 'gates', 'b'), '');
  await waitFor(() => /"id":"tag:b","kind":"tag","status":"ran"/.test(run.output().stdout), 'b to finish');
  run.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130);
  assert.match(r.stderr, /interrupted — finished tasks are recorded; run again to resume/);
  assert.equal(endStatuses(r.stdout).get('build:a'), 'cancelled');
  await writeFile(join(dir, 'gates', 'a'), '');
  const resumed = await runDsg(['run', 'build', '--json'], { cwd: dir, env: { GATED: '1' } });
  assert.equal(resumed.code, 0, resumed.stderr);
  const s = endStatuses(resumed.stdout);
  assert.equal(s.get('build:b'), 'cached');
  assert.equal(s.get('build:a'), 'ran');
});

test('a corrupt or truncated record is a miss with a warning, never a crash', async () => {
  const dir = await customProject([{ name: 'a' }, { name: 'b' }]);
  assert.equal((await runDsg(['run', 'build'], { cwd: dir })).code, 0);
  const ls = JSON.parse((await runDsg(['cache', 'ls', '--json'], { cwd: dir })).stdout) as {
    rows: { taskId: string; key: string }[];
  };
  const row = ls.rows.find((r) => r.taskId === 'build:a');
  assert.ok(row);
  const file = join(dir, '.dsg', 'records', row.key.slice(0, 2), `${row.key}.json`);
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
  const r = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /treated as not cached/);
  assert.equal(endStatuses(r.stdout).get('build:a'), 'ran');
  assert.equal(endStatuses(r.stdout).get('build:b'), 'cached');
});

test('--dry-run says what would run and why, and runs nothing', async () => {
  const dir = await customProject([{ name: 'a' }, { name: 'b' }]);
  const dry = await runDsg(['run', 'build', '--dry-run', '--json'], { cwd: dir });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(reasonOf(dry.stdout, 'build:a'), /first-run/);
  assert.deepEqual(await events(dir), []);
  assert.equal((await runDsg(['run', 'build'], { cwd: dir })).code, 0);
  await appendFile(join(dir, 'b', 'src.txt'), 'x');
  const again = await runDsg(['run', 'build', '--dry-run'], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /build:b.*input changed: b\/src\.txt/);
  assert.equal((await events(dir)).filter((l) => l.startsWith('start')).length, 2);
});

test('dsg why shows the difference since the last success; dsg logs replays the output', async () => {
  const dir = await customProject([{ name: 'a', buildArgs: { VERSION: '1' } }]);
  assert.equal((await runDsg(['run', 'build'], { cwd: dir })).code, 0);
  const same = await runDsg(['why', 'build:a'], { cwd: dir });
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /build:a is up to date: cached/);
  const yaml = await readFile(join(dir, 'devspace.yaml'), 'utf8');
  await writeFile(join(dir, 'devspace.yaml'), yaml.replace('VERSION: "1"', 'VERSION: "2"'));
  await appendFile(join(dir, 'a', 'src.txt'), 'changed\n');
  const why = await runDsg(['why', 'build:a'], { cwd: dir });
  assert.equal(why.code, 0, why.stderr);
  assert.match(why.stdout, /build:a would run: input changed: .*a\/src\.txt/);
  assert.match(why.stdout, /VERSION.*"1".*"2"|VERSION.*1 → 2/);
  const logs = await runDsg(['logs', 'build:a'], { cwd: dir });
  assert.equal(logs.code, 0);
  assert.match(logs.stdout, /built a as local\/a:[0-9a-f]{12}/);
  const none = await runDsg(['logs', 'build:zzz'], { cwd: dir });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /No log for task "build:zzz"/);
});

test('dsg cache ls, gc and clear', async () => {
  const dir = await customProject([{ name: 'a' }]);
  assert.equal((await runDsg(['run', 'build'], { cwd: dir })).code, 0);
  const ls = await runDsg(['cache', 'ls'], { cwd: dir });
  assert.match(ls.stdout, /^build:a\s+[0-9a-f]{12}\s/m);
  assert.match(ls.stdout, /2 records/);
  const gc = await runDsg(['cache', 'gc'], { cwd: dir });
  assert.equal(gc.code, 0);
  assert.match(gc.stdout, /^Removed 0 files \(0 B\); \.dsg\/ now holds [\d.]+ kB, 2 records\.$/m);
  const clear = await runDsg(['cache', 'clear'], { cwd: dir });
  assert.match(clear.stdout, /Removed 2 records/);
  const after = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(endStatuses(after.stdout).get('build:a'), 'ran');
});

test("dsg's own .dsg/ is never an input, even for a build whose inputs are the whole project", async () => {
  const dir = await customProject([{ name: 'a' }]);
  const yaml = await readFile(join(dir, 'devspace.yaml'), 'utf8');
  // Everything but what build.sh itself writes.
  await writeFile(
    join(dir, 'devspace.yaml'),
    yaml.replace('        - a/**', "        - '**'\n        - '!events.log'\n        - '!out/**'"),
  );
  const first = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  // The first run wrote logs, records and a run summary into .dsg/: the second must still be a hit.
  const second = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(endStatuses(second.stdout).get('build:a'), 'cached', reasonOf(second.stdout, 'build:a'));
});

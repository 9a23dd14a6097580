// The run memo: an unchanged project replays its last run without computing keys, and every kind of change
// (content with the old mtime, a new file deep in a glob, a removed file, config, environment, flags, lost
// records, a damaged memo, a failed run, a file written during the racy window) is noticed.
import assert from 'node:assert/strict';
import { appendFile, mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg, type DsgResult } from './helpers/cli.ts';
import { age } from './helpers/age.ts';
import { customProject, endStatuses, jsonEvents } from './helpers/custom-project.ts';

const DEBUG = { DSG_DEBUG_RUN_MEMO: '1' };

const run = (dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<DsgResult> =>
  runDsg(['run', 'build', '--json', ...args], { cwd: dir, env: { ...DEBUG, ...env } });

/** The memo line of a run's stderr (`hit`, `miss (...)`, `stored`, `not stored (...)`). */
const memoLines = (r: DsgResult): string[] =>
  r.stderr
    .split('\n')
    .filter((l) => l.startsWith('run memo: '))
    .map((l) => l.slice('run memo: '.length));

const ran = (r: DsgResult): string[] =>
  [...endStatuses(r.stdout)]
    .filter(([, s]) => s === 'ran')
    .map(([id]) => id)
    .sort();

/** A project of three images (b and c built from a's tag), run once and memoised. */
async function memoised(): Promise<string> {
  const dir = await customProject([
    { name: 'a', files: { 'src.txt': 'alpha\n', 'deep/x/y.txt': 'y\n' } },
    { name: 'b', after: ['a'] },
    { name: 'c', after: ['a'] },
  ]);
  await age(dir);
  const first = await run(dir);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(memoLines(first), ['stored'], first.stderr);
  return dir;
}

async function assertHit(dir: string): Promise<DsgResult> {
  const r = await run(dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(memoLines(r), ['hit'], r.stderr);
  assert.deepEqual(ran(r), []);
  return r;
}

test('an unchanged project replays the memo: every task cached, no build started, the same summary', async () => {
  const dir = await memoised();
  const events = await readFile(join(dir, 'events.log'), 'utf8');
  const r = await assertHit(dir);
  assert.deepEqual(
    [...endStatuses(r.stdout)].sort(),
    ['build:a', 'build:b', 'build:c', 'tag:a', 'tag:b', 'tag:c'].map((id) => [id, 'cached']),
  );
  const end = jsonEvents(r.stdout).find((e) => e.type === 'run-end') as unknown as {
    summary: { ok: boolean; counts: { cached: number; ran: number } };
  };
  assert.equal(end.summary.ok, true);
  assert.equal(end.summary.counts.cached, 6);
  assert.equal(await readFile(join(dir, 'events.log'), 'utf8'), events, 'no build command ran');
  const plain = await runDsg(['run', 'build'], { cwd: dir });
  assert.match(plain.stdout, /ran 0 · cached 6 · failed 0/);
});

test('new content under the old size and mtime is noticed (the ctime changes)', async () => {
  const dir = await memoised();
  const file = join(dir, 'a', 'src.txt');
  const before = await stat(file);
  await writeFile(file, 'ALPHA\n');
  await utimes(file, before.atime, before.mtime);
  const r = await run(dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(memoLines(r)[0], 'partial (1 of 6 tasks to decide: "a/src.txt" changed)');
  // The tag of a is content-addressed, so b and c, which receive it, build again too.
  assert.deepEqual(ran(r), ['build:a', 'build:b', 'build:c', 'tag:a', 'tag:b', 'tag:c']);
  const reasons = jsonEvents(r.stdout).find((e) => e.type === 'task-end' && e.id === 'build:a')?.reason;
  assert.deepEqual(reasons?.changes, ['a/src.txt']);
});

test('a file appearing in a new folder deep inside a glob is noticed', async () => {
  const dir = await memoised();
  await mkdir(join(dir, 'b', 'new', 'deeper'), { recursive: true });
  await writeFile(join(dir, 'b', 'new', 'deeper', 'file.txt'), 'new\n');
  const r = await run(dir);
  // Only build:b names the folder; the others are answered by the memo (tag:b is decided, its build changed).
  assert.equal(memoLines(r)[0], 'partial (1 of 6 tasks to decide: "b" changed)');
  assert.deepEqual(ran(r), ['build:b', 'tag:b']);
});

test('a removed file and a removed folder are noticed', async () => {
  const dir = await memoised();
  await rm(join(dir, 'a', 'deep'), { recursive: true });
  const r = await run(dir);
  assert.equal(memoLines(r)[0], 'partial (1 of 6 tasks to decide: "a" changed)', 'the first changed path');
  assert.ok(ran(r).includes('build:a'), r.stdout);
});

test('a config change, a change of a variable that matters and other flags each miss; other variables do not', async () => {
  const dir = await memoised();
  const config = join(dir, 'devspace.yaml');
  await writeFile(config, (await readFile(config, 'utf8')).replace('image: local/c', 'image: local/c2'));
  const changed = await run(dir);
  assert.equal(memoLines(changed)[0], 'miss (input changed)');
  assert.deepEqual(ran(changed), ['build:c', 'tag:c']);
  await age(dir);
  assert.deepEqual(memoLines(await run(dir)), ['miss (input changed)', 'stored']);
  // A variable neither the config, dsg nor its tools read (a terminal's, a CI job's) changes nothing.
  assert.deepEqual(memoLines(await run(dir, [], { SOME_SETTING: 'on', TERM_PROGRAM: 'x' }))[0], 'hit');
  const env = await run(dir, [], { DOCKER_HOST: 'unix:///elsewhere.sock' });
  assert.deepEqual(memoLines(env)[0], 'miss (environment changed)');
  const flags = await run(dir, ['--var', 'X=1']);
  assert.deepEqual(memoLines(flags)[0], 'miss (no memo)');
});

test('forced runs neither use nor store a memo, and -b still builds everything', async () => {
  const dir = await memoised();
  const forced = await run(dir, ['-b']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(memoLines(forced), []);
  assert.equal(ran(forced).length, 6);
});

test('records removed behind its back make the memo miss, and the tasks run again', async () => {
  const dir = await memoised();
  await rm(join(dir, '.dsg', 'records'), { recursive: true });
  const r = await run(dir);
  assert.match(memoLines(r)[0] ?? '', /^partial \(6 of 6 tasks to decide: the record of .+ is gone\)$/);
  assert.equal(ran(r).length, 6);
});

test('a damaged memo is a miss, never a crash', async () => {
  const dir = await memoised();
  const folder = join(dir, '.dsg', 'run-memo');
  const [name] = await readdir(folder);
  const file = join(folder, name ?? '');
  const text = await readFile(file);
  await writeFile(file, text.subarray(0, text.length - 7));
  const truncated = await run(dir);
  assert.equal(truncated.code, 0, truncated.stderr);
  assert.equal(memoLines(truncated)[0], 'miss (unreadable memo)');
  await writeFile(file, 'not a memo');
  const garbage = await run(dir);
  assert.equal(garbage.code, 0, garbage.stderr);
  assert.equal(memoLines(garbage)[0], 'miss (unreadable memo)');
});

test('a failed run stores nothing, and the next run builds what failed', async () => {
  const dir = await memoised();
  await appendFile(join(dir, 'c', 'src.txt'), 'more\n');
  await writeFile(join(dir, 'fail', 'c'), '');
  const failed = await run(dir);
  assert.equal(failed.code, 1);
  assert.deepEqual(memoLines(failed), [
    'partial (1 of 6 tasks to decide: "c/src.txt" changed)',
    'not stored (the run failed)',
  ]);
  await rm(join(dir, 'fail', 'c'));
  const again = await run(dir);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(ran(again), ['build:c', 'tag:c']);
});

test('a file written just before the run is not trusted: nothing is stored until it is old enough', async () => {
  const dir = await memoised();
  await appendFile(join(dir, 'a', 'src.txt'), 'now\n');
  const racy = await run(dir);
  assert.equal(racy.code, 0, racy.stderr);
  assert.match(memoLines(racy)[1] ?? '', /^not stored \(".*a\/src\.txt" changed too recently/);
  await age(dir);
  const stored = await run(dir);
  assert.deepEqual(memoLines(stored), ['miss (input changed)', 'stored'], 'age() moved every stamp');
  await assertHit(dir);
});

test('warnings of the config load are printed again when the memo answers', async () => {
  const dir = await memoised();
  const config = join(dir, 'devspace.yaml');
  await writeFile(config, `${await readFile(config, 'utf8')}commands:\n  hello:\n    command: echo hi\n`);
  await age(dir);
  const first = await run(dir);
  // With --json, config warnings are events on stdout.
  const warning = first.stdout.split('\n').find((l) => l.startsWith('{"type":"warning"'));
  assert.ok(warning, `the config gives a warning:\n${first.stdout}`);
  assert.deepEqual(memoLines(first), ['miss (input changed)', 'stored']);
  const hit = await assertHit(dir);
  assert.ok(hit.stdout.includes(warning), hit.stdout);
});

test('dsg cache ls counts the memos and dsg cache clear removes them', async () => {
  const dir = await memoised();
  const ls = await runDsg(['cache', 'ls'], { cwd: dir });
  assert.match(ls.stdout, /memos [1-9]/, ls.stdout);
  const clear = await runDsg(['cache', 'clear'], { cwd: dir });
  assert.equal(clear.code, 0, clear.stderr);
  const r = await run(dir);
  assert.deepEqual(memoLines(r), ['miss (no memo)', 'stored']);
  assert.equal(ran(r).length, 6);
});

test('a memo damaged inside a section (same size) is not trusted for any task, and nothing crashes', async () => {
  const dir = await memoised();
  const folder = join(dir, '.dsg', 'run-memo');
  const file = join(folder, (await readdir(folder))[0] ?? '');
  const data = await readFile(file);
  const newline = data.indexOf(10);
  const { sections } = JSON.parse(data.toString('utf8', 0, newline)) as { sections: number[] };
  // The outputs section starts after the tasks section and its newline.
  data[newline + 1 + (sections[0] ?? 0) + 1] = 'x'.charCodeAt(0);
  await writeFile(file, data);
  await appendFile(join(dir, 'c', 'src.txt'), 'more\n');
  const r = await run(dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(memoLines(r)[0], 'partial (1 of 6 tasks to decide: "c/src.txt" changed)');
  assert.deepEqual(ran(r), ['build:c', 'tag:c']);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
});

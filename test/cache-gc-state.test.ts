// Pruning all of `.dsg/`: what the latest run needs stays whatever its age or the size limit; the rest goes
// by age, then oldest first by size. And a run prunes by itself once `.dsg/` passes its limit.
import assert from 'node:assert/strict';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { bytesOf, gcStateDir } from '../cache/gc-state.ts';
import { taskKey, type KeyRecord } from '../cache/key.ts';
import { writeRunSummary } from '../cache/runs.ts';
import { safeTaskName } from '../cache/safe-name.ts';
import { openStore, type StoreEntry } from '../cache/store.ts';
import { runDsg, tempDir } from './helpers/cli.ts';
import { customProject, endStatuses } from './helpers/custom-project.ts';

const day = 24 * 60 * 60 * 1000;
const now = Date.now();

function entry(
  taskId: string,
  version: number,
  ageDays: number,
  data: Record<string, string> = {},
): StoreEntry {
  const record: KeyRecord = {
    schema: 1,
    kind: taskId.split(':')[0] ?? 'build',
    implVersion: 1,
    spec: { taskId, version },
    files: {},
    env: {},
    tools: {},
    upstream: {},
  };
  return {
    key: taskKey(record),
    taskId,
    record,
    output: { digest: 'sha256:00', data: { padding: 'p'.repeat(2000), ...data } },
    finishedAt: new Date(now - ageDays * day).toISOString(),
    durationMs: 10,
  };
}

async function aged(path: string, ageDays: number, text = 'x'.repeat(2000)): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  const at = new Date(now - ageDays * day);
  await utimes(path, at, at);
}

/** A state folder 40 days into a project: an image renamed away (`build:old`), old logs, memos and renders. */
async function filled(state: string) {
  const store = openStore(state);
  const e = {
    api1: entry('build:api', 1, 40),
    api2: entry('build:api', 2, 35),
    old: entry('build:old', 1, 40),
    web: entry('render:web', 1, 38, { file: 'rendered/web.yaml', valuesFile: 'rendered/web.values.yaml' }),
  };
  for (const x of Object.values(e)) assert.ok((await store.put(x)).ok);
  const summary = (ids: string[], startedAt: string) => ({
    command: 'dsg run deploy',
    startedAt,
    finishedAt: startedAt,
    outcome: 'succeeded' as const,
    tasks: ids.map((id) => ({ id, outcome: 'cached', reason: 'cached', startMs: 0, durationMs: 1 })),
    criticalPath: [],
  });
  const older = await writeRunSummary(
    state,
    summary(['build:old', 'build:api'], new Date(now - 39 * day).toISOString()),
  );
  await utimes(join(state, older), new Date(now - 39 * day), new Date(now - 39 * day));
  await writeRunSummary(
    state,
    summary(['build:api', 'render:web'], new Date(now - 38 * day).toISOString()),
    2,
  );
  for (const id of ['build:api', 'build:old', 'render:web'])
    await aged(join(state, 'logs', `${safeTaskName(id)}.log`), 38);
  for (const f of ['web.yaml', 'web.json', 'web.values.yaml', 'gone.yaml', 'gone.json'])
    await aged(join(state, 'rendered', f), 38);
  await aged(join(state, 'run-memo', 'a.memo'), 40);
  await aged(join(state, 'run-memo', 'b.memo'), 37);
  await aged(join(state, 'graph-cache', 'g.json'), 39);
  await aged(join(state, 'digests.json'), 37);
  await aged(join(state, 'deployed', 'web.cluster.json'), 45);
  return e;
}

async function files(state: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const d of await readdir(join(state, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) await walk(path);
      else out.push(path);
    }
  };
  await walk('');
  return out.sort();
}

test('gc by age keeps what the latest run needs and removes the rest of every part of .dsg/', async () => {
  const state = await tempDir('dsg-gcs-');
  const e = await filled(state);
  const report = await gcStateDir(state, { maxAgeMs: 30 * day, now });
  const removed = report.removed.map((r) => `${r.part} ${r.file}`).sort();
  assert.deepEqual(
    removed,
    [
      `log logs/${safeTaskName('build:old')}.log`,
      // graph-cache/g.json is old too, but the newest of its kind.
      'memo run-memo/a.memo',
      `record ${openStore(state).recordFile(e.api1.key)}`,
      `record ${openStore(state).recordFile(e.old.key)}`,
      'rendered rendered/gone.json',
      'rendered rendered/gone.yaml',
      `run ${report.removed.find((r) => r.part === 'run')?.file ?? 'runs/?'}`,
    ].sort(),
  );
  assert.equal(report.removed.filter((r) => r.part === 'run').length, 1);
  // The renamed-away image's pointer went with its record; the latest run's tasks keep theirs.
  assert.deepEqual(await openStore(state).lastSuccess('build:old'), { hit: false });
  assert.equal(await openStore(state).lastKey('build:api'), e.api2.key);
  assert.equal(report.keptRecords, 2);
  assert.equal(report.keptBytes, await bytesOf(state));
});

test('gc by size removes everything not needed, oldest first, and never what the latest run needs', async () => {
  const state = await tempDir('dsg-gcs-');
  const e = await filled(state);
  const store = openStore(state);
  const report = await gcStateDir(state, { maxBytes: 0, now });
  assert.ok(report.removed.every((r) => r.reason === 'size'));
  // Oldest first: the 40-day-old items before the 39-day-old ones.
  assert.deepEqual(
    report.removed
      .slice(0, 3)
      .map((r) => r.file)
      .sort(),
    [store.recordFile(e.api1.key), store.recordFile(e.old.key), 'run-memo/a.memo'].sort(),
  );
  const left = await files(state);
  assert.deepEqual(
    left.filter((f) => !f.startsWith('runs/')),
    [
      'deployed/web.cluster.json',
      'digests.json',
      'graph-cache/g.json',
      `logs/${safeTaskName('build:api')}.log`,
      `logs/${safeTaskName('render:web')}.log`,
      store.recordFile(e.api2.key),
      store.recordFile(e.web.key),
      'rendered/web.json',
      'rendered/web.values.yaml',
      'rendered/web.yaml',
      'run-memo/b.memo',
      store.taskFile('build:api'),
      store.taskFile('render:web'),
    ].sort(),
  );
  assert.equal(left.filter((f) => f.startsWith('runs/')).length, 1, 'the latest run summary stays');
});

test('a run prunes .dsg/ once it passes --cache-max-size, and what it needs stays cached', async () => {
  const dir = await customProject([{ name: 'a', files: { 'big.txt': 'x'.repeat(4000) } }, { name: 'b' }]);
  // Grow .dsg/ with runs that each change a: every run leaves another record of build:a.
  let pruned = '';
  for (let i = 0; i < 6; i++) {
    await writeFile(join(dir, 'a', 'big.txt'), `${i}${'x'.repeat(4000)}`);
    const r = await runDsg(['run', 'build', '--cache-max-size', '1'], {
      cwd: dir,
      env: { DSG_CACHE_MAX_SIZE: '0.01' },
    });
    assert.equal(r.code, 0, r.stderr);
    // The flag wins over the environment: 1 MB is never reached here.
    assert.doesNotMatch(r.stderr, /Pruned/);
  }
  const before = await bytesOf(join(dir, '.dsg'));
  await writeFile(join(dir, 'a', 'big.txt'), `last${'x'.repeat(4000)}`);
  const r = await runDsg(['run', 'build', '--json'], { cwd: dir, env: { DSG_CACHE_MAX_SIZE: '0.01' } });
  assert.equal(r.code, 0, r.stderr);
  pruned = r.stderr;
  assert.match(
    pruned,
    /^warning: Pruned \.dsg\/ from \d+\.\d MB to \d+\.\d MB: it had grown past 0\.0 MB \(--cache-max-size\)$/m,
  );
  assert.ok((await bytesOf(join(dir, '.dsg'))) < before);
  const again = await runDsg(['run', 'build', '--json'], { cwd: dir, env: { DSG_CACHE_MAX_SIZE: '0' } });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual([...new Set(endStatuses(again.stdout).values())], ['cached']);
  // dsg cache gc says what it removed, by part.
  const gc = await runDsg(['cache', 'gc', '--max-size', '1'], { cwd: dir });
  assert.equal(gc.code, 0, gc.stderr);
  assert.match(gc.stdout, /^Removed \d+ files \([^)]*\); \.dsg\/ now holds [\d.]+ kB, \d+ records\.$/m);
});

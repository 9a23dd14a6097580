import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readJsonFile, writeFileAtomic } from '../cache/atomic.ts';
import { taskKey, type KeyRecord } from '../cache/key.ts';
import { safeTaskName, taskIdFromSafeName } from '../cache/safe-name.ts';
import { openStore, type StoreEntry } from '../cache/store.ts';
import { tempDir } from './helpers/cli.ts';
import { exited, spawnFixture, waitForLine } from './fixtures/cache/child.ts';

function entry(taskId: string, spec: { [key: string]: string }, finishedAt = new Date()): StoreEntry {
  const record: KeyRecord = {
    schema: 1,
    kind: taskId.split(':')[0] ?? 'build',
    implVersion: 1,
    spec,
    files: { 'api/main.go': 'ab'.repeat(32) },
    env: {},
    tools: {},
    upstream: {},
  };
  return {
    key: taskKey(record),
    taskId,
    record,
    output: { digest: `sha256:${'cd'.repeat(32)}`, data: { image: 'shop/api', tag: 'x' } },
    finishedAt: finishedAt.toISOString(),
    durationMs: 1234,
  };
}

test("a stored entry comes back by key, and as its task's last success", async () => {
  const state = await tempDir('dsg-store-');
  const store = openStore(state);
  const first = entry('db/deploy:postgres', { v: '1' });
  assert.deepEqual(await store.get(first.key), { hit: false });
  assert.deepEqual(await store.lastSuccess('db/deploy:postgres'), { hit: false });
  assert.ok((await store.put(first)).ok);
  assert.deepEqual(await store.get(first.key), { hit: true, entry: first });
  const second = entry('db/deploy:postgres', { v: '2' });
  assert.ok((await store.put(second)).ok);
  assert.deepEqual(await store.lastSuccess('db/deploy:postgres'), { hit: true, entry: second });
  // Switching back to the first inputs is still a hit: records are kept by key, not by task.
  assert.deepEqual(await store.get(first.key), { hit: true, entry: first });
  assert.equal(store.recordFile(first.key), `records/${first.key.slice(0, 2)}/${first.key}.json`);
  assert.deepEqual(await readdir(join(state, 'tasks')), ['db%2Fdeploy%3Apostgres.json']);
  const listed = await store.list();
  assert.deepEqual(
    listed.map((r) => [r.key, r.taskId, r.latest, r.damaged]).sort(),
    [
      [first.key, 'db/deploy:postgres', false, false],
      [second.key, 'db/deploy:postgres', true, false],
    ].sort(),
  );
});

test('a truncated, corrupt or misplaced record is a miss with a warning, never a throw', async () => {
  const state = await tempDir('dsg-store-');
  const store = openStore(state);
  const e = entry('build:api', { v: '1' });
  await store.put(e);
  const path = join(state, store.recordFile(e.key));
  const size = (await readFile(path)).length;
  await truncate(path, Math.floor(size / 2));
  const truncated = await store.get(e.key);
  assert.equal(truncated.hit, false);
  assert.ok(!truncated.hit && truncated.warning);
  assert.equal(truncated.warning.reason, 'corrupt-file');
  assert.match(
    truncated.warning.message,
    /^Ignoring damaged cache record "records\/[0-9a-f]{2}\/[0-9a-f]{64}\.json": invalid JSON/,
  );
  await truncate(path, 0);
  const empty = await store.get(e.key);
  assert.ok(!empty.hit && empty.warning?.message.endsWith('the file is empty'));
  await writeFile(path, JSON.stringify({ ...e, key: 'f'.repeat(64) }));
  const moved = await store.get(e.key);
  assert.ok(!moved.hit && moved.warning?.message.endsWith('it is stored under another key'));
  await writeFile(path, JSON.stringify({ ...e, output: null }));
  const partial = await store.get(e.key);
  assert.ok(!partial.hit && partial.warning?.message.endsWith('the output is missing'));
  assert.deepEqual(
    (await store.list()).map((r) => r.damaged),
    [true],
  );
});

test('writeFileAtomic replaces a file in one step and leaves no temp file behind', async () => {
  const dir = await tempDir('dsg-atomic-');
  const path = join(dir, 'deep/er/file.json');
  await writeFileAtomic(path, '{"a":1}');
  await writeFileAtomic(path, '{"a":2}');
  assert.deepEqual(await readJsonFile(path), { status: 'ok', value: { a: 2 }, bytes: 7 });
  assert.deepEqual(await readdir(join(dir, 'deep/er')), ['file.json']);
  assert.deepEqual(await readJsonFile(join(dir, 'missing.json')), { status: 'missing' });
});

test('a writer killed at any moment leaves the old record or a whole new one, never part of one', async () => {
  const state = await tempDir('dsg-store-');
  const store = openStore(state);
  const old = entry('build:api', { v: 'old' });
  await store.put(old);
  const child = spawnFixture('record-writer', [state, old.key]);
  await waitForLine(child, (l) => l === 'writing');
  // Each write of the 8 MB record takes a few milliseconds; let several happen, then kill mid-stream.
  await new Promise((resolve) => setTimeout(resolve, 150));
  child.kill('SIGKILL');
  await exited(child);
  const after = await store.get(old.key);
  assert.ok(after.hit, after.hit ? '' : after.warning?.message);
  const round = after.entry.record.spec as { v?: string; round?: number };
  assert.ok(round.v === 'old' || typeof round.round === 'number');
  // Temp files a kill left behind are not records; gc sweeps them once they are old.
  const shard = await readdir(join(state, 'records', old.key.slice(0, 2)));
  assert.ok(
    shard.every((n) => n === `${old.key}.json` || n.startsWith(`${old.key}.json.tmp-`)),
    shard.join(','),
  );
});

test('task ids become safe, distinct, reversible file names', () => {
  const ids = ['build:api', 'db/deploy:postgres', 'a%3Ab', 'a:b', '..', '.hidden', 'ü/ünïcode', '🚀:x'];
  const names = ids.map(safeTaskName);
  assert.equal(new Set(names).size, ids.length);
  for (const name of names) assert.match(name, /^[A-Za-z0-9_.%-]+$/);
  for (const name of names) assert.ok(name !== '.' && name !== '..' && !name.startsWith('.'));
  assert.deepEqual(names.map(taskIdFromSafeName), ids);
  const long = safeTaskName(`${'deep/'.repeat(100)}deploy:x`);
  assert.ok(long.length <= 200);
  assert.notEqual(long, safeTaskName(`${'deep/'.repeat(100)}deploy:y`));
});

test('put reports a failure value when the state directory cannot be written', async () => {
  const dir = await tempDir('dsg-store-');
  // A file where the records folder should be: every write below it fails.
  await mkdir(join(dir, 'state'));
  await writeFile(join(dir, 'state/records'), 'not a folder');
  const result = await openStore(join(dir, 'state')).put(entry('build:api', { v: '1' }));
  assert.ok(!result.ok);
  assert.equal(result.error.reason, 'state-unusable');
  assert.equal(result.error.message, 'Cannot use "state/records": it is a file, where dsg keeps a folder');
  assert.equal(result.error.hint, 'Move or delete the file "state/records"; dsg creates the folder.');
});

import assert from 'node:assert/strict';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileDigests } from '../cache/file-digests.ts';
import { gcStore } from '../cache/gc.ts';
import { cacheClear, cacheList } from '../cache/inspect.ts';
import { taskKey, type KeyRecord } from '../cache/key.ts';
import { openStore, type StoreEntry } from '../cache/store.ts';
import { tempDir } from './helpers/cli.ts';

const day = 24 * 60 * 60 * 1000;
const now = Date.UTC(2026, 5, 1);

function entry(taskId: string, version: number, ageDays: number, padding = 0): StoreEntry {
  const record: KeyRecord = {
    schema: 1,
    kind: 'build',
    implVersion: 1,
    spec: { name: taskId, version },
    files: {},
    env: {},
    tools: {},
    upstream: {},
  };
  return {
    key: taskKey(record),
    taskId,
    record,
    output: { digest: 'sha256:00', data: { padding: 'p'.repeat(padding) } },
    finishedAt: new Date(now - ageDays * day).toISOString(),
    durationMs: 10,
  };
}

/** api: versions 1..3 (3 is latest), web: version 1 (latest); ages in days. */
async function filled(): Promise<{ state: string; e: Record<string, StoreEntry> }> {
  const state = await tempDir('dsg-gc-');
  const store = openStore(state);
  const e = {
    api1: entry('build:api', 1, 40, 1000),
    api2: entry('build:api', 2, 20, 1000),
    api3: entry('build:api', 3, 1, 1000),
    web1: entry('build:web', 1, 60, 1000),
  };
  for (const x of [e.api1, e.api2, e.api3, e.web1]) assert.ok((await store.put(x)).ok);
  return { state, e };
}

test("gc by age removes old records but keeps each task's last success", async () => {
  const { state, e } = await filled();
  const report = await gcStore(openStore(state), { maxAgeMs: 30 * day, now });
  assert.deepEqual(
    report.removed.map((r) => [r.key, r.reason]),
    [[e.api1?.key, 'age']],
  );
  const left = (await openStore(state).list()).map((r) => r.key).sort();
  assert.deepEqual(left, [e.api2?.key, e.api3?.key, e.web1?.key].sort());
  assert.equal(report.keptRecords, 3);
  // Without the protection the 60-day-old last success of web goes too.
  const strict = await gcStore(openStore(state), { maxAgeMs: 30 * day, now, keepLatest: false });
  assert.deepEqual(
    strict.removed.map((r) => r.key),
    [e.web1?.key],
  );
  assert.deepEqual(await openStore(state).lastSuccess('build:web'), { hit: false });
});

test('gc by size removes the oldest records first until the store fits', async () => {
  const { state, e } = await filled();
  const sizes = Object.fromEntries((await openStore(state).list()).map((r) => [r.key, r.bytes]));
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  const one = sizes[e.api2?.key ?? ''] ?? 0;
  const report = await gcStore(openStore(state), { maxBytes: total - one, now });
  // web1 is oldest but a last success; api1 is the oldest removable, and enough.
  assert.deepEqual(
    report.removed.map((r) => [r.key, r.reason]),
    [[e.api1?.key, 'size']],
  );
  assert.ok(report.keptBytes <= total - one);
  const tight = await gcStore(openStore(state), { maxBytes: 0, now });
  assert.deepEqual(
    tight.removed.map((r) => r.key),
    [e.api2?.key],
  );
  assert.deepEqual(
    (await openStore(state).list()).map((r) => r.latest),
    [true, true],
  );
});

test('gc removes damaged records and temp files a crash left, but not fresh ones', async () => {
  const { state, e } = await filled();
  const store = openStore(state);
  const damaged = join(state, store.recordFile(e.api2?.key ?? ''));
  await writeFile(damaged, '{"key":');
  const shard = join(state, 'records', (e.api3?.key ?? '').slice(0, 2));
  await mkdir(shard, { recursive: true });
  const staleTemp = join(shard, `${e.api3?.key ?? ''}.json.tmp-1-aaaa`);
  const freshTemp = join(shard, `${e.api3?.key ?? ''}.json.tmp-2-bbbb`);
  await writeFile(staleTemp, 'partial');
  await writeFile(freshTemp, 'being written');
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  await utimes(staleTemp, old, old);
  const report = await gcStore(store, {});
  assert.deepEqual(report.removed.map((r) => r.reason).sort(), ['damaged', 'temp']);
  const names = await readdir(shard);
  assert.ok(!names.includes(`${e.api3?.key ?? ''}.json.tmp-1-aaaa`));
  assert.ok(names.includes(`${e.api3?.key ?? ''}.json.tmp-2-bbbb`));
});

test('cache ls lists records newest first with sizes; clear empties records and the digest memo', async () => {
  const { state, e } = await filled();
  const project = await tempDir('dsg-gc-project-');
  await writeFile(join(project, 'a.txt'), 'a');
  const past = new Date(Date.now() - 60_000);
  await utimes(join(project, 'a.txt'), past, past);
  const digests = await FileDigests.open(project, state);
  await digests.digest(['a.txt']);
  await digests.save();
  const listing = await cacheList(state, now);
  assert.deepEqual(
    listing.rows.map((r) => r.key),
    [e.api3?.key, e.api2?.key, e.api1?.key, e.web1?.key],
  );
  assert.deepEqual(
    listing.rows.map((r) => r.latest),
    [true, false, false, true],
  );
  assert.equal(listing.rows[0]?.keyPrefix, e.api3?.key.slice(0, 12));
  assert.equal(listing.rows[0]?.ageMs, day);
  assert.ok(listing.recordBytes > 4000);
  assert.ok(listing.otherBytes.digests > 0);
  const cleared = await cacheClear(state);
  assert.equal(cleared.records, 4);
  assert.equal((await cacheList(state, now)).rows.length, 0);
  const reopened = await FileDigests.open(project, state);
  assert.equal(reopened.size, 0);
});

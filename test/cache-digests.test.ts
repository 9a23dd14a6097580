import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256Hex } from '../cache/canonical.ts';
import { FileDigests, digestsFileName } from '../cache/file-digests.ts';
import { tempDir } from './helpers/cli.ts';

const past = new Date(Date.now() - 60_000);

/** A project of `count` files, all dated a minute ago so that none is "racy". */
async function project(count: number): Promise<{ dir: string; state: string; files: string[] }> {
  const dir = await tempDir('dsg-digests-');
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const rel = `src/d${i % 3}/f${i}.txt`;
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), `content ${i}\n`);
    await utimes(join(dir, rel), past, past);
    files.push(rel);
  }
  return { dir, state: join(dir, '.dsg'), files };
}

test('digests are the sha256 of the content, keyed by the relative paths given', async () => {
  const { dir, state, files } = await project(3);
  const digests = await FileDigests.open(dir, state);
  const result = await digests.digest(files);
  assert.ok(result.ok);
  assert.deepEqual(Object.keys(result.value), files);
  assert.equal(result.value['src/d0/f0.txt'], sha256Hex('content 0\n'));
});

test('a second pass, in a new process-like instance, reads no file', async () => {
  const { dir, state, files } = await project(30);
  const first = await FileDigests.open(dir, state);
  const a = await first.digest(files);
  assert.equal(first.counters.filesRead, 30);
  await first.save();
  const second = await FileDigests.open(dir, state);
  const b = await second.digest(files);
  assert.deepEqual(b, a);
  assert.equal(second.counters.filesRead, 0);
  assert.equal(second.counters.bytesRead, 0);
  assert.equal(second.counters.statted, 30);
  // The same instance asked again reads nothing either.
  await second.digest(files);
  assert.equal(second.counters.filesRead, 0);
});

test('touching one file re-reads only that file', async () => {
  const { dir, state, files } = await project(20);
  const first = await FileDigests.open(dir, state);
  const before = await first.digest(files);
  await first.save();
  const later = new Date(Date.now() - 30_000);
  await utimes(join(dir, 'src/d1/f4.txt'), later, later);
  const second = await FileDigests.open(dir, state);
  const after = await second.digest(files);
  assert.equal(second.counters.filesRead, 1);
  // Same content, new mtime: same digest.
  assert.deepEqual(after, before);
  await writeFile(join(dir, 'src/d2/f5.txt'), 'new content\n');
  await utimes(join(dir, 'src/d2/f5.txt'), later, later);
  const third = await second.digest(files);
  assert.equal(second.counters.filesRead, 2);
  assert.ok(third.ok);
  assert.equal(third.value['src/d2/f5.txt'], sha256Hex('new content\n'));
});

test('a file modified just now is hashed but not remembered (racy mtime)', async () => {
  const { dir, state } = await project(0);
  const file = join(dir, 'hot.txt');
  // Whole seconds, so the same mtime can be set again exactly: a rewrite within one timestamp tick.
  const tick = Math.floor(Date.now() / 1000);
  await writeFile(file, 'v1');
  await utimes(file, tick, tick);
  const guarded = await FileDigests.open(dir, state);
  // A clock far ahead: nothing is recent, the rule never applies.
  const unguarded = await FileDigests.open(dir, join(dir, '.dsg-unguarded'), {
    now: () => Date.now() + 60_000,
  });
  assert.ok((await guarded.digest(['hot.txt'])).ok);
  assert.ok((await unguarded.digest(['hot.txt'])).ok);
  await guarded.save();
  await unguarded.save();
  // Nothing changed: the memo without the rule answers from the stat, the guarded one never stored the digest.
  const guardedAgain = await FileDigests.open(dir, state);
  const unguardedAgain = await FileDigests.open(dir, join(dir, '.dsg-unguarded'), {
    now: () => Date.now() + 60_000,
  });
  assert.ok((await guardedAgain.digest(['hot.txt'])).ok);
  assert.ok((await unguardedAgain.digest(['hot.txt'])).ok);
  assert.equal(guardedAgain.counters.filesRead, 1, 'the recent file was not memoised, so it was read again');
  assert.equal(unguardedAgain.counters.filesRead, 0);
  // A rewrite under the same size and mtime still moves the ctime, which the memo compares too. Where ctimes are
  // whole seconds (Deno), only a rewrite in a later second can move it: the racy rule covers the same second.
  const { ctimeMs } = await stat(file);
  if (ctimeMs % 1000 === 0) await new Promise((r) => setTimeout(r, ctimeMs + 1100 - Date.now()));
  await writeFile(file, 'v2');
  await utimes(file, tick, tick);
  const rewritten = await unguardedAgain.digest(['hot.txt']);
  assert.ok(rewritten.ok);
  assert.equal(rewritten.value['hot.txt'], sha256Hex('v2'));
  // Once the mtime is old enough, one more read is remembered.
  const later = await FileDigests.open(dir, state, { now: () => tick * 1000 + 5_000 });
  await later.digest(['hot.txt']);
  await later.digest(['hot.txt']);
  assert.equal(later.counters.filesRead, 1);
});

test('a symlink is digested as its target path, an executable file is marked', async () => {
  const { dir, state } = await project(0);
  await writeFile(join(dir, 'run.sh'), '#!/bin/sh\n');
  await chmod(join(dir, 'run.sh'), 0o755);
  await symlink('../outside/secret', join(dir, 'link'));
  const digests = await FileDigests.open(dir, state);
  const result = await digests.digest(['run.sh', 'link']);
  assert.ok(result.ok);
  assert.equal(result.value['run.sh'], `${sha256Hex('#!/bin/sh\n')}+x`);
  assert.equal(result.value.link, 'link:../outside/secret');
  assert.equal(digests.counters.filesRead, 1, 'the link target is never read');
});

test('a missing file is a failure value naming it', async () => {
  const { dir, state } = await project(1);
  const digests = await FileDigests.open(dir, state);
  const result = await digests.digest(['src/d0/f0.txt', 'api/gone.go']);
  assert.ok(!result.ok);
  assert.equal(result.error.reason, 'io-error');
  assert.equal(result.error.message, 'Cannot hash "api/gone.go": file not found');
});

test('a failing request still settles the reads other requests share with it', async () => {
  const { dir, state, files } = await project(4);
  const digests = await FileDigests.open(dir, state);
  const [failing, sharing] = await Promise.all([
    digests.digest([...files, 'missing.txt']),
    digests.digest(files),
  ]);
  assert.ok(!failing.ok);
  assert.ok(sharing.ok);
  assert.deepEqual(Object.keys(sharing.value), files);
  assert.equal(digests.counters.filesRead, 4);
});

test('a large file is hashed in chunks to the same digest', async () => {
  const { dir, state } = await project(0);
  const big = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => i % 251);
  await writeFile(join(dir, 'big.bin'), big);
  const digests = await FileDigests.open(dir, state);
  const result = await digests.digest(['big.bin']);
  assert.ok(result.ok);
  assert.equal(result.value['big.bin'], sha256Hex(big));
  assert.equal(digests.counters.bytesRead, big.length);
});

test('concurrent requests for the same changed file read it once', async () => {
  const { dir, state, files } = await project(10);
  const digests = await FileDigests.open(dir, state);
  const [a, b] = await Promise.all([digests.digest(files), digests.digest([...files].reverse())]);
  assert.ok(a.ok && b.ok);
  assert.equal(digests.counters.filesRead, 10);
  assert.deepEqual(a.value, Object.fromEntries(Object.entries(b.value)));
});

test('invalidate forces one re-read; a damaged memo file is an empty memo', async () => {
  const { dir, state, files } = await project(5);
  const first = await FileDigests.open(dir, state);
  await first.digest(files);
  first.invalidate('src/d0/f0.txt');
  await first.digest(files);
  assert.equal(first.counters.filesRead, 6);
  await first.save();
  assert.match(await readFile(join(state, digestsFileName), 'utf8'), /"version":3/);
  await writeFile(join(state, digestsFileName), '{"version":3,"paths":["src/d0/f0.txt"],"rows":[1,2');
  const damaged = await FileDigests.open(dir, state);
  assert.equal(damaged.size, 0);
  assert.ok((await damaged.digest(files)).ok);
  assert.equal(damaged.counters.filesRead, 5);
});

test('the memo is bounded: the oldest entries go first', async () => {
  const { dir, state, files } = await project(12);
  const digests = await FileDigests.open(dir, state, { maxEntries: 5 });
  await digests.digest(files);
  assert.equal(digests.size, 5);
  await digests.save();
  const reopened = await FileDigests.open(dir, state, { maxEntries: 5 });
  await reopened.digest(files.slice(-5));
  assert.equal(reopened.counters.filesRead, 0, 'the five most recent survive');
});

test('changedSince names the hashed files whose stat moved, remembered or racy, and leaves out the rest', async () => {
  const { dir, state, files } = await project(4);
  await writeFile(join(dir, 'hot.txt'), 'written just now');
  const digests = await FileDigests.open(dir, state);
  assert.ok((await digests.digest([...files.slice(0, 3), 'hot.txt'])).ok);
  assert.deepEqual(digests.changedSince([...files, 'hot.txt']), [], 'nothing moved; f3 was never hashed');

  await writeFile(join(dir, files[0] ?? ''), 'edited, longer\n');
  await writeFile(join(dir, files[3] ?? ''), 'edited, never hashed\n');
  // Another size: two writes within one tick of the kernel's clock can share an mtime.
  await writeFile(join(dir, 'hot.txt'), 'written again, longer');

  await rm(join(dir, files[1] ?? ''));
  assert.deepEqual(digests.changedSince([...files, 'hot.txt']), [files[0], files[1], 'hot.txt']);

  // What a watcher reported is forgotten, and so no longer named.
  digests.invalidate(files[0] ?? '');
  digests.invalidate('hot.txt');
  assert.deepEqual(digests.changedSince([...files, 'hot.txt']), [files[1]]);
});

import assert from 'node:assert/strict';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireLock, describeHolder, lockFileName, type LockHolder } from '../cache/lock.ts';
import { tempDir } from './helpers/cli.ts';
import { exited, spawnFixture, waitForLine } from './fixtures/cache/child.ts';

async function holdInChild(stateDir: string) {
  const child = spawnFixture('lock-holder', [stateDir]);
  const line = await waitForLine(child, (l) => l.startsWith('locked ') || l.startsWith('failed '));
  assert.match(line, /^locked \d+$/);
  return { child, pid: Number(line.split(' ')[1]) };
}

test('a second run fails at once with who holds the lock', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  const { child, pid } = await holdInChild(state);
  try {
    const second = await acquireLock(state, { wait: false, command: 'dsg run build' });
    assert.ok(!second.ok);
    assert.equal(second.error.reason, 'lock-held');
    assert.match(
      second.error.message,
      new RegExp(
        `^Another dsg run \\(pid ${pid}, \`dsg run deploy\`, started \\d+s ago\\) holds the lock on \\.dsg/ — wait for it or stop it$`,
      ),
    );
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
});

test('a waiting run is told once who it waits for, and gets the lock when it is released', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  const { child, pid } = await holdInChild(state);
  const waitedFor: LockHolder[] = [];
  const acquiring = acquireLock(state, {
    wait: true,
    pollMs: 20,
    command: 'dsg run build',
    onWait: (holder) => {
      waitedFor.push(holder);
      child.stdin.write('release\n');
    },
  });
  const lock = await acquiring;
  await exited(child);
  assert.ok(lock.ok);
  assert.equal(waitedFor.length, 1);
  assert.equal(waitedFor[0]?.pid, pid);
  assert.equal(waitedFor[0]?.command, 'dsg run deploy');
  assert.equal(lock.value.tookOverFrom, undefined);
  const written = JSON.parse(await readFile(join(state, lockFileName), 'utf8')) as LockHolder;
  assert.equal(written.command, 'dsg run build');
  await lock.value.release();
  await assert.rejects(readFile(join(state, lockFileName)), { code: 'ENOENT' });
});

test('the lock of a killed run is taken over, with a note of whose it was', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  const { child, pid } = await holdInChild(state);
  child.kill('SIGKILL');
  await exited(child);
  const lock = await acquireLock(state, { wait: false, command: 'dsg run deploy' });
  assert.ok(lock.ok, lock.ok ? '' : lock.error.message);
  assert.equal(lock.value.tookOverFrom?.pid, pid);
  assert.match(
    describeHolder(lock.value.tookOverFrom),
    new RegExp(`^pid ${pid}, \`dsg run deploy\`, started \\d+s ago$`),
  );
  await lock.value.release();
});

test('two acquires in one process: the second sees a live holder', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  const first = await acquireLock(state, { wait: false, command: 'dsg dev' });
  assert.ok(first.ok);
  const second = await acquireLock(state, { wait: false, command: 'dsg dev' });
  assert.ok(!second.ok);
  await first.value.release();
  const third = await acquireLock(state, { wait: false, command: 'dsg dev' });
  assert.ok(third.ok);
  await third.value.release();
});

test('waiting can be cancelled through the signal', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  const first = await acquireLock(state, { wait: false });
  assert.ok(first.ok);
  const controller = new AbortController();
  const waiting = await acquireLock(state, {
    wait: true,
    pollMs: 10,
    signal: controller.signal,
    onWait: () => controller.abort(),
  });
  assert.ok(!waiting.ok);
  assert.equal(waiting.error.reason, 'lock-aborted');
  await first.value.release();
});

test('a lock from another host is never taken over; the hint says how to clear it', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  const first = await acquireLock(state, { wait: false });
  assert.ok(first.ok);
  const foreign: LockHolder = { ...first.value.holder, hostname: 'ci-runner-7', pid: 4242, token: 'other' };
  await writeFile(join(state, lockFileName), JSON.stringify(foreign));
  const second = await acquireLock(state, { wait: false });
  assert.ok(!second.ok);
  assert.match(second.error.message, /\(pid 4242 on host "ci-runner-7", /);
  assert.equal(second.error.hint, 'It runs on another machine; if it is gone, delete ".dsg/lock".');
  // release() leaves a lock that is no longer ours alone.
  await first.value.release();
  assert.equal(
    (JSON.parse(await readFile(join(state, lockFileName), 'utf8')) as LockHolder).hostname,
    'ci-runner-7',
  );
});

test('an old, unreadable lock file is debris and is taken over', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  const first = await acquireLock(state, { wait: false });
  assert.ok(first.ok);
  await first.value.release();
  await writeFile(join(state, lockFileName), '{"pid":');
  const old = new Date(Date.now() - 60_000);
  await utimes(join(state, lockFileName), old, old);
  const lock = await acquireLock(state, { wait: false });
  assert.ok(lock.ok);
  assert.equal(lock.value.tookOverFrom, undefined);
  await lock.value.release();
});

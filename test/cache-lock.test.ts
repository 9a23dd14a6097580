import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
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

test('a live lock from another host is reported; the hint says when it is taken over', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  const first = await acquireLock(state, { wait: false });
  assert.ok(first.ok);
  const foreign: LockHolder = { ...first.value.holder, hostname: 'ci-runner-7', pid: 4242, token: 'other' };
  await writeFile(join(state, lockFileName), JSON.stringify(foreign));
  const second = await acquireLock(state, { wait: false });
  assert.ok(!second.ok);
  assert.match(second.error.message, /\(pid 4242 on host "ci-runner-7", /);
  assert.equal(
    second.error.hint,
    'It runs on another machine; if it is gone, its lock is taken over once it has not been refreshed for 30s.',
  );
  // release() leaves a lock that is no longer ours alone.
  await first.value.release();
  assert.equal(
    (JSON.parse(await readFile(join(state, lockFileName), 'utf8')) as LockHolder).hostname,
    'ci-runner-7',
  );
});

/** Writes a lock of `holder` into `state`, last refreshed `ageMs` ago. */
async function plantLock(state: string, holder: Partial<LockHolder>, ageMs: number): Promise<void> {
  await mkdir(state, { recursive: true });
  const full: LockHolder = {
    pid: 4242,
    hostname: hostname(),
    command: 'dsg run deploy',
    startedAt: new Date(Date.now() - ageMs - 1000).toISOString(),
    token: 'planted',
    ...holder,
  };
  await writeFile(join(state, lockFileName), JSON.stringify(full));
  const at = new Date(Date.now() - ageMs);
  await utimes(join(state, lockFileName), at, at);
}

test('the lock of a killed run on another host is taken over once it went unrefreshed too long', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  // A CI container with a random hostname, killed a minute ago: nobody refreshes its lock any more.
  await plantLock(state, { hostname: 'runner-5f9c2e', pid: 77 }, 60_000);
  const lock = await acquireLock(state, { wait: false, timing: { staleMs: 30_000 } });
  assert.ok(lock.ok, lock.ok ? '' : lock.error.message);
  assert.equal(lock.value.tookOverFrom?.hostname, 'runner-5f9c2e');
  assert.ok((lock.value.silentMs ?? 0) >= 60_000);
  await lock.value.release();
});

test('a fresh lock from another host that nobody refreshes is waited for, then taken over', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  // Just written (its mtime says "now", so only this run's own watch of it can tell it went silent).
  await plantLock(state, { hostname: 'runner-0a1b2c', pid: 77 }, -5_000);
  const waitedFor: LockHolder[] = [];
  const lock = await acquireLock(state, {
    wait: true,
    pollMs: 20,
    timing: { staleMs: 300 },
    onWait: (holder) => waitedFor.push(holder),
  });
  assert.ok(lock.ok, lock.ok ? '' : lock.error.message);
  assert.equal(waitedFor[0]?.hostname, 'runner-0a1b2c');
  assert.equal(lock.value.tookOverFrom?.hostname, 'runner-0a1b2c');
  assert.ok((lock.value.silentMs ?? 0) > 300);
  await lock.value.release();
});

test('a lock whose pid now belongs to an unrelated live process is taken over once unrefreshed', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  // The dsg that wrote this lock died and its pid went to another program: signal 0 says "alive".
  const unrelated = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    assert.ok(unrelated.pid !== undefined);
    await plantLock(state, { pid: unrelated.pid }, 0);
    const waitedFor: LockHolder[] = [];
    const lock = await acquireLock(state, {
      wait: true,
      pollMs: 20,
      timing: { staleMs: 300 },
      onWait: (holder) => waitedFor.push(holder),
    });
    assert.ok(lock.ok, lock.ok ? '' : lock.error.message);
    assert.equal(waitedFor[0]?.pid, unrelated.pid);
    assert.equal(lock.value.tookOverFrom?.pid, unrelated.pid);
    await lock.value.release();
  } finally {
    unrelated.kill('SIGKILL');
  }
});

test('a live holder keeps its lock by its heartbeat; a waiter gives up at its timeout', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  const child = spawnFixture('lock-holder', [state, '50']);
  const line = await waitForLine(child, (l) => l.startsWith('locked ') || l.startsWith('failed '));
  try {
    const before = (await stat(join(state, lockFileName))).mtimeMs;
    // Three times the take-over bound: without the heartbeat the lock would be taken over.
    const waited = await acquireLock(state, {
      wait: true,
      pollMs: 20,
      timeoutMs: 900,
      timing: { staleMs: 300 },
    });
    assert.ok(!waited.ok);
    assert.equal(waited.error.reason, 'lock-timeout');
    assert.match(
      waited.error.message,
      new RegExp(
        `^Gave up waiting for the lock on \\.dsg/ after \\d+s: another dsg run \\(pid ${line.split(' ')[1]}, \`dsg run deploy\`, started \\d+s ago\\) still holds it$`,
      ),
    );
    assert.equal(waited.error.hint, 'Run again when it has finished, or raise --lock-timeout.');
    assert.ok((await stat(join(state, lockFileName))).mtimeMs > before, 'the holder refreshed its lock');
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
});

test('a holder whose lock was taken over is told so at its next heartbeat', async () => {
  const state = join(await tempDir('dsg-lock-'), '.dsg');
  let lost: LockHolder | undefined | 'not yet' = 'not yet';
  const first = await acquireLock(state, {
    wait: false,
    timing: { heartbeatMs: 20 },
    onLost: (by) => (lost = by),
  });
  assert.ok(first.ok);
  await plantLock(state, { hostname: 'other-host', token: 'thief' }, 0);
  while (lost === 'not yet') await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal((lost as LockHolder | undefined)?.token, 'thief');
  await first.value.release();
  assert.equal((JSON.parse(await readFile(join(state, lockFileName), 'utf8')) as LockHolder).token, 'thief');
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

// Failures and cancellation: fail-fast, keep-going, external abort, and execute functions that throw.
import assert from 'node:assert/strict';
import test from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  schedule,
  type SchedulerOptions,
  type SchedulerTask,
  type TaskOutcome,
} from '../engine/run/scheduler.ts';

type Result = 'succeeded' | 'failed';

/** Runs `tasks` with execute calls the test settles; by default a task fails when its signal aborts. */
function harness(tasks: SchedulerTask[], options: Partial<SchedulerOptions> = {}) {
  const running = new Map<
    string,
    { resolve: (r: Result) => void; reject: (e: unknown) => void; signal: AbortSignal }
  >();
  const started: string[] = [];
  const ended: [string, TaskOutcome][] = [];
  const done = schedule(tasks, {
    parallel: Infinity,
    keepGoing: false,
    ...options,
    execute: (task, signal) => {
      started.push(task.id);
      return new Promise<Result>((resolve, reject) => {
        running.set(task.id, { resolve, reject, signal });
        signal.addEventListener('abort', () => resolve('failed'), { once: true });
      });
    },
    onEnd: (id, outcome) => ended.push([id, outcome]),
  });
  return {
    started,
    ended,
    done,
    signal: (id: string): AbortSignal => {
      const entry = running.get(id);
      assert.ok(entry, `task ${id} never started`);
      return entry.signal;
    },
    async finish(id: string, result: Result | Error = 'succeeded'): Promise<void> {
      const entry = running.get(id);
      assert.ok(entry, `task ${id} never started`);
      if (result instanceof Error) entry.reject(result);
      else entry.resolve(result);
      await nextTurn();
    },
  };
}

const task = (id: string, deps: string[] = []): SchedulerTask => ({ id, kind: 'x', deps });
const outcomes = (m: Map<string, TaskOutcome>): Record<string, TaskOutcome> => Object.fromEntries(m);

test('fail-fast: the first failure aborts running tasks through their signal and starts nothing new', async () => {
  // a and c head two-task chains, so they take the two slots before b.
  const h = harness([task('a'), task('b'), task('c'), task('d', ['a']), task('e', ['c'])], { parallel: 2 });
  await nextTurn();
  assert.deepEqual(h.started, ['a', 'c']);
  const c = h.signal('c');
  await h.finish('a', 'failed');
  assert.equal(c.aborted, true);
  assert.equal((c.reason as Error).name, 'AbortError');
  assert.match((c.reason as Error).message, /"a" failed/);
  assert.deepEqual(outcomes(await h.done), {
    a: 'failed',
    b: 'not-started',
    c: 'cancelled',
    d: 'upstream-failed',
    e: 'not-started',
  });
  assert.deepEqual(h.started, ['a', 'c'], 'b had a slot free after the failure but never started');
  assert.deepEqual(h.ended, [
    ['a', 'failed'],
    ['c', 'cancelled'],
    ['b', 'not-started'],
    ['d', 'upstream-failed'],
    ['e', 'not-started'],
  ]);
});

test('fail-fast: a task that completes its work despite the abort counts as succeeded', async () => {
  const settle = new Map<string, (r: Result) => void>();
  const done = schedule([task('a'), task('b'), task('c', ['b'])], {
    parallel: 4,
    keepGoing: false,
    execute: (t) => new Promise<Result>((resolve) => settle.set(t.id, resolve)),
  });
  await nextTurn();
  settle.get('a')?.('failed');
  await nextTurn();
  settle.get('b')?.('succeeded');
  assert.deepEqual(outcomes(await done), { a: 'failed', b: 'succeeded', c: 'not-started' });
});

test('keep-going: unrelated tasks still run, dependents of the failure are upstream-failed at once', async () => {
  const h = harness(
    [task('a'), task('b', ['a']), task('c', ['b']), task('x'), task('y', ['x']), task('z', ['a', 'x'])],
    {
      keepGoing: true,
    },
  );
  await nextTurn();
  assert.deepEqual(h.started, ['a', 'x']);
  await h.finish('a', 'failed');
  assert.equal(h.signal('x').aborted, false);
  assert.deepEqual(h.ended, [
    ['a', 'failed'],
    ['b', 'upstream-failed'],
    ['z', 'upstream-failed'],
    ['c', 'upstream-failed'],
  ]);
  await h.finish('x');
  assert.deepEqual(h.started, ['a', 'x', 'y']);
  await h.finish('y');
  assert.deepEqual(outcomes(await h.done), {
    a: 'failed',
    b: 'upstream-failed',
    c: 'upstream-failed',
    x: 'succeeded',
    y: 'succeeded',
    z: 'upstream-failed',
  });
});

test('external abort cancels running tasks with its reason and starts nothing new', async () => {
  const controller = new AbortController();
  const h = harness([task('a'), task('b'), task('c', ['a'])], { signal: controller.signal, keepGoing: true });
  await h.finish('b');
  const reason = new Error('SIGINT');
  controller.abort(reason);
  assert.equal(h.signal('a').reason, reason);
  assert.deepEqual(outcomes(await h.done), { a: 'cancelled', b: 'succeeded', c: 'not-started' });
  assert.deepEqual(h.started, ['a', 'b']);
});

test('an already aborted signal runs nothing', async () => {
  const controller = new AbortController();
  controller.abort();
  const h = harness([task('a'), task('b', ['a'])], { signal: controller.signal });
  assert.deepEqual(outcomes(await h.done), { a: 'not-started', b: 'not-started' });
  assert.deepEqual(h.started, []);
});

test('an execute that throws counts as failed, and the error is rethrown once the run settled', async () => {
  const bug = new TypeError('x is undefined');
  const ended: [string, TaskOutcome][] = [];
  let settled = false;
  const done = schedule([task('a'), task('b'), task('c', ['a'])], {
    parallel: 4,
    keepGoing: true,
    execute: async (t) => {
      if (t.id === 'a') throw bug;
      await nextTurn();
      await nextTurn();
      settled = true;
      return 'succeeded';
    },
    onEnd: (id, outcome) => ended.push([id, outcome]),
  });
  await assert.rejects(done, (error) => error === bug);
  assert.equal(settled, true, 'b ran to its end before the error surfaced');
  assert.deepEqual(ended, [
    ['a', 'failed'],
    ['c', 'upstream-failed'],
    ['b', 'succeeded'],
  ]);
});

test('a synchronous throw, a bad return value and a throwing callback are all reported together', async () => {
  const done = schedule([task('a'), task('b'), task('c')], {
    parallel: 4,
    keepGoing: true,
    execute: (t) => {
      if (t.id === 'a') throw new Error('sync bug');
      if (t.id === 'b') return Promise.resolve('maybe' as Result);
      return Promise.resolve('succeeded');
    },
    onEnd: (id) => {
      if (id === 'c') throw new Error('reporter bug');
    },
  });
  await assert.rejects(done, (error) => {
    assert.ok(error instanceof AggregateError);
    const messages = (error.errors as Error[]).map((e) => e.message);
    assert.deepEqual(messages.sort(), [
      'Task "b": execute returned maybe, expected "succeeded" or "failed"',
      'reporter bug',
      'sync bug',
    ]);
    return true;
  });
});

test('an AbortError thrown after the abort is a cancellation, not a bug', async () => {
  const abortError = new DOMException('The operation was aborted', 'AbortError');
  const done = schedule([task('a'), task('b')], {
    parallel: 2,
    keepGoing: false,
    execute: (t, signal) =>
      t.id === 'a'
        ? Promise.resolve('failed')
        : new Promise((_, reject) => signal.addEventListener('abort', () => reject(abortError))),
  });
  assert.deepEqual(outcomes(await done), { a: 'failed', b: 'cancelled' });
});

test('bad input is a bug: duplicate ids, unknown deps, cycles, zero slots', () => {
  const run = (tasks: SchedulerTask[], parallel = 1, kindLimits: Record<string, number> = {}) =>
    schedule(tasks, { parallel, kindLimits, keepGoing: false, execute: () => Promise.resolve('succeeded') });
  assert.throws(() => run([task('a'), task('a')]), /Cannot schedule task "a": the id appears twice/);
  assert.throws(
    () => run([task('a', ['nope'])]),
    /Cannot schedule task "a": it depends on unknown task "nope"/,
  );
  assert.throws(
    () => run([task('a', ['c']), task('b', ['a']), task('c', ['b']), task('d')]),
    /a cycle among "a", "b", "c"$/,
  );
  assert.throws(() => run([task('a')], 0), /parallel 0/);
  assert.throws(() => run([task('a')], 1, { build: 0.5 }), /"build" limit of 0.5/);
});

// The scheduler with fake tasks whose completion the tests control through deferred promises: no sleeps.
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

/** Runs `tasks` with execute calls that wait until the test settles them; records starts, ends and concurrency. */
function harness(tasks: SchedulerTask[], options: Partial<SchedulerOptions> = {}) {
  const settle = new Map<string, (r: Result) => void>();
  const started: string[] = [];
  const ended: [string, TaskOutcome][] = [];
  const done = schedule(tasks, {
    parallel: Infinity,
    keepGoing: false,
    ...options,
    execute: (task) => {
      started.push(task.id);
      return new Promise<Result>((resolve) => settle.set(task.id, resolve));
    },
    onEnd: (id, outcome) => ended.push([id, outcome]),
  });
  return {
    started,
    ended,
    done,
    /** Settles a running task and lets the scheduler react. */
    async finish(id: string, result: Result = 'succeeded'): Promise<void> {
      const resolve = settle.get(id);
      assert.ok(resolve, `task ${id} is not running`);
      settle.delete(id);
      resolve(result);
      await nextTurn();
    },
  };
}

const task = (id: string, deps: string[] = [], kind = id.split(':')[0] ?? 'x'): SchedulerTask => ({
  id,
  kind,
  deps,
});

test('all ready tasks start at once when slots allow: 4 of 4 running before any finishes', async () => {
  const h = harness([task('a'), task('b'), task('c'), task('d')], { parallel: 4 });
  await nextTurn();
  assert.deepEqual([...h.started].sort(), ['a', 'b', 'c', 'd']);
  for (const id of ['a', 'b', 'c', 'd']) await h.finish(id);
  const outcomes = await h.done;
  assert.deepEqual([...outcomes.values()], ['succeeded', 'succeeded', 'succeeded', 'succeeded']);
});

test('a task starts only after all its deps succeeded, and as soon as they did (no phase barrier)', async () => {
  const h = harness([
    task('build:a'),
    task('build:b'),
    task('tag:a', ['build:a']),
    task('deploy:x', ['tag:a', 'build:b']),
  ]);
  await nextTurn();
  assert.deepEqual(h.started, ['build:a', 'build:b']);
  await h.finish('build:a');
  // tag:a runs while build:b is still building.
  assert.deepEqual(h.started, ['build:a', 'build:b', 'tag:a']);
  await h.finish('tag:a');
  assert.equal(h.started.includes('deploy:x'), false, 'deploy:x still waits for build:b');
  await h.finish('build:b');
  assert.deepEqual(h.started.at(-1), 'deploy:x');
  await h.finish('deploy:x');
  assert.equal((await h.done).get('deploy:x'), 'succeeded');
});

test('a diamond runs its bottom once, after both sides', async () => {
  const h = harness([
    task('top'),
    task('left', ['top']),
    task('right', ['top']),
    task('bottom', ['left', 'right']),
  ]);
  await h.finish('top');
  assert.deepEqual(h.started, ['top', 'left', 'right']);
  await h.finish('right');
  assert.deepEqual(h.started, ['top', 'left', 'right']);
  await h.finish('left');
  await h.finish('bottom');
  assert.deepEqual(h.started, ['top', 'left', 'right', 'bottom']);
  assert.equal((await h.done).size, 4);
});

test('with one free slot, the task on the longest remaining chain starts first', async () => {
  // Ids chosen so that id order alone would pick the short one.
  const tasks = [
    task('a-short'),
    task('z-long-1'),
    task('z-long-2', ['z-long-1']),
    task('z-long-3', ['z-long-2']),
  ];
  const h = harness(tasks, { parallel: 1 });
  await nextTurn();
  assert.deepEqual(h.started, ['z-long-1']);
  await h.finish('z-long-1');
  assert.deepEqual(h.started, ['z-long-1', 'z-long-2'], 'z-long-2 (2 left) beats a-short (1 left)');
  await h.finish('z-long-2');
  assert.deepEqual(h.started.at(-1), 'a-short', 'a tie (1 left each) goes to the smaller id');
  await h.finish('a-short');
  await h.finish('z-long-3');
  await h.done;
});

test('estimates weigh the remaining path; equal paths go by id', async () => {
  const estimates: Record<string, number> = { slow: 50, chain1: 10, chain2: 10, b: 5, a: 5 };
  const h = harness([task('chain1'), task('chain2', ['chain1']), task('slow'), task('b'), task('a')], {
    parallel: 1,
    estimateMs: (id) => estimates[id] ?? 1,
  });
  for (const id of ['slow', 'chain1', 'chain2', 'a', 'b']) {
    await nextTurn();
    assert.equal(h.started.at(-1), id);
    await h.finish(id);
  }
  await h.done;
});

test('the global limit and per-kind limits are never exceeded, and are reached', async () => {
  // A layered random graph; tasks finish after a pseudo-random number of turns.
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const kinds = ['build', 'tag', 'render', 'deploy'];
  const tasks: SchedulerTask[] = [];
  for (let i = 0; i < 300; i++) {
    const deps = i < 20 ? [] : [...new Set([0, 1, 2].map(() => `t${Math.floor(random() * i)}`))];
    tasks.push({ id: `t${i}`, kind: kinds[i % 4] as string, deps });
  }
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const succeeded = new Set<string>();
  const running = new Map<string, number>();
  let total = 0;
  let maxTotal = 0;
  const maxKind = new Map<string, number>();
  const outcomes = await schedule(tasks, {
    parallel: 5,
    kindLimits: { build: 1, render: 2 },
    keepGoing: false,
    execute: async (t) => {
      for (const d of byId.get(t.id)?.deps ?? []) assert.ok(succeeded.has(d), `${t.id} started before ${d}`);
      total++;
      running.set(t.kind, (running.get(t.kind) ?? 0) + 1);
      maxTotal = Math.max(maxTotal, total);
      maxKind.set(t.kind, Math.max(maxKind.get(t.kind) ?? 0, running.get(t.kind) ?? 0));
      for (let turns = Math.floor(random() * 4); turns >= 0; turns--) await nextTurn();
      total--;
      running.set(t.kind, (running.get(t.kind) ?? 0) - 1);
      succeeded.add(t.id);
      return 'succeeded';
    },
  });
  assert.equal(succeeded.size, 300);
  assert.ok([...outcomes.values()].every((o) => o === 'succeeded'));
  assert.equal(maxTotal, 5);
  assert.equal(maxKind.get('build'), 1);
  assert.equal(maxKind.get('render'), 2);
});

test('a kind at its limit does not hold back ready tasks of other kinds', async () => {
  const h = harness([task('build:a'), task('build:b'), task('build:c'), task('tag:x')], {
    parallel: 3,
    kindLimits: { build: 1 },
  });
  await nextTurn();
  assert.deepEqual(h.started, ['build:a', 'tag:x']);
  await h.finish('build:a');
  assert.deepEqual(h.started, ['build:a', 'tag:x', 'build:b']);
  await h.finish('build:b');
  await h.finish('build:c');
  await h.finish('tag:x');
  await h.done;
});

test('an empty graph resolves with no outcomes', async () => {
  const outcomes = await schedule([], {
    parallel: 1,
    keepGoing: false,
    execute: () => Promise.resolve('succeeded'),
  });
  assert.equal(outcomes.size, 0);
});

test('10,000-task chain and 10,000-task wide graph complete without stack overflow', async () => {
  const chain = Array.from({ length: 10_000 }, (_, i) => task(`c${i}`, i === 0 ? [] : [`c${i - 1}`]));
  const wide = [
    task('root'),
    ...Array.from({ length: 10_000 }, (_, i) => task(`w${i}`, ['root'])),
    task('sink'),
  ];
  (wide.at(-1) as SchedulerTask).deps = wide.slice(1, -1).map((t) => t.id);
  for (const [graph, parallel] of [
    [chain, 4],
    [wide, 8],
  ] as const) {
    const order: string[] = [];
    const outcomes = await schedule(graph, {
      parallel,
      keepGoing: false,
      execute: (t) => {
        order.push(t.id);
        return Promise.resolve('succeeded');
      },
    });
    assert.equal(order.length, graph.length);
    assert.ok([...outcomes.values()].every((o) => o === 'succeeded'));
  }
});

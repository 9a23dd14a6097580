// The critical path from real timings, and the scheduler's outcomes turned into it end to end.
import assert from 'node:assert/strict';
import test from 'node:test';
import { criticalPath, type TaskTiming } from '../engine/run/critical-path.ts';

const timing = (id: string, startMs: number, endMs: number, status = 'ran'): TaskTiming => ({
  id,
  status,
  startMs,
  endMs,
  durationMs: endMs - startMs,
});

const deps = new Map<string, string[]>([
  ['tag:api', ['build:api']],
  ['tag:web', ['build:web']],
  ['render:web', ['tag:api', 'tag:web']],
  ['deploy:web', ['render:web']],
  ['deploy:db', []],
]);

test('the chain that set the makespan: walk back through the dependency that ended last', () => {
  const tasks = [
    timing('build:api', 0, 2100),
    timing('build:web', 0, 1000),
    timing('tag:web', 1000, 1200),
    timing('tag:api', 2100, 2400),
    timing('render:web', 2400, 2500),
    timing('deploy:db', 0, 3000),
    timing('deploy:web', 2500, 4000),
  ];
  assert.deepEqual(criticalPath(tasks, deps), [
    { id: 'build:api', durationMs: 2100 },
    { id: 'tag:api', durationMs: 300 },
    { id: 'render:web', durationMs: 100 },
    { id: 'deploy:web', durationMs: 1500 },
  ]);
});

test('tasks that never started take no part; ties go to the smaller id', () => {
  const tasks = [
    timing('build:api', 0, 500),
    timing('build:web', 0, 500),
    timing('tag:api', 500, 700),
    timing('tag:web', 500, 700),
    timing('render:web', 700, 700, 'skipped'),
    timing('deploy:web', 700, 700, 'skipped'),
  ];
  assert.deepEqual(
    criticalPath(tasks, deps).map((s) => s.id),
    ['build:api', 'tag:api'],
  );
  assert.deepEqual(criticalPath([], deps), []);
});

test('a 10,000-task chain walks back without recursion', () => {
  const n = 10_000;
  const tasks = Array.from({ length: n }, (_, i) => timing(`t${i}`, i, i + 1));
  const chain = new Map(tasks.map((t, i) => [t.id, i === 0 ? [] : [`t${i - 1}`]]));
  const path = criticalPath(tasks, chain);
  assert.equal(path.length, n);
  assert.equal(path[0]?.id, 't0');
  assert.equal(path.at(-1)?.id, `t${n - 1}`);
});

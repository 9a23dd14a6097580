import assert from 'node:assert/strict';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTaskLog, readTaskLog, taskLogFile } from '../cache/logs.ts';
import { keptRuns, lastDurations, listRuns, writeRunSummary, type RunSummary } from '../cache/runs.ts';
import { tempDir } from './helpers/cli.ts';

test('a task log is truncated when the task starts and holds its lines in order', async () => {
  const state = await tempDir('dsg-logs-');
  const first = await openTaskLog(state, 'db/build:api');
  first.line('old run');
  await first.close();
  const log = await openTaskLog(state, 'db/build:api');
  assert.equal(log.file, 'logs/db%2Fbuild%3Aapi.log');
  assert.equal(taskLogFile('db/build:api'), log.file);
  for (let i = 0; i < 1000; i++) log.line(`line ${i}`);
  log.line('already terminated\n');
  await log.flush();
  const midway = await readFile(join(state, log.file), 'utf8');
  assert.ok(midway.startsWith('line 0\nline 1\n'));
  log.line('last');
  await log.close();
  log.line('after close is dropped');
  const text = await readTaskLog(state, 'db/build:api');
  const expected = [
    ...Array.from({ length: 1000 }, (_, i) => `line ${i}`),
    'already terminated',
    'last',
    '',
  ].join('\n');
  assert.equal(text, expected);
  assert.equal(await readTaskLog(state, 'deploy:none'), undefined);
});

function summary(startedAt: string, tasks: [string, string, number][]): RunSummary {
  return {
    command: 'dsg run deploy',
    startedAt,
    finishedAt: startedAt,
    outcome: 'succeeded',
    tasks: tasks.map(([id, outcome, durationMs]) => ({
      id,
      outcome,
      reason: 'first run',
      startMs: 0,
      durationMs,
    })),
  };
}

test('run summaries: newest first, the last 50 kept', async () => {
  const state = await tempDir('dsg-runs-');
  for (let i = 0; i < keptRuns + 5; i++) {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    const file = await writeRunSummary(state, summary(at, [['build:api', 'ran', i]]), 1000 + i);
    if (i === 0) assert.equal(file, 'runs/2026-01-01T00-00-00.000Z-1000.json');
  }
  const files = await readdir(join(state, 'runs'));
  assert.equal(files.length, keptRuns);
  assert.ok(!files.some((f) => f.startsWith('2026-01-01T00-00-04')), 'the five oldest are gone');
  const runs = await listRuns(state, 3);
  assert.deepEqual(
    runs.map((r) => r.tasks[0]?.durationMs),
    [54, 53, 52],
  );
});

test('lastDurations takes each task from the newest run where it actually ran', async () => {
  const state = await tempDir('dsg-runs-');
  await writeRunSummary(
    state,
    summary('2026-01-01T00:00:00.000Z', [
      ['build:api', 'ran', 900],
      ['deploy:web', 'ran', 300],
    ]),
  );
  await writeRunSummary(
    state,
    summary('2026-01-02T00:00:00.000Z', [
      ['build:api', 'ran', 1200],
      ['deploy:web', 'failed', 5],
    ]),
  );
  await writeRunSummary(
    state,
    summary('2026-01-03T00:00:00.000Z', [
      ['build:api', 'cached', 0],
      ['render:web', 'ran', 40],
    ]),
  );
  // A damaged summary is skipped, not fatal.
  await mkdir(join(state, 'runs'), { recursive: true });
  await writeFile(join(state, 'runs/2026-01-04T00-00-00.000Z-1.json'), '{"startedAt":');
  assert.deepEqual(await lastDurations(state), { 'build:api': 1200, 'deploy:web': 300, 'render:web': 40 });
  assert.deepEqual(await lastDurations(await tempDir('dsg-runs-')), {});
});

// kill -9 at random moments: the next run reruns exactly what had not finished, and never skips a task whose
// output is missing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import test from 'node:test';
import { dsgCommand, runDsg } from './helpers/cli.ts';
import { customProject, endStatuses } from './helpers/custom-project.ts';
import { openStore } from '../cache/store.ts';

const KILLS = 20;

// Read in process (the store is what `dsg cache ls` prints): each task's last recorded key.
async function recordedTasks(dir: string): Promise<Map<string, string>> {
  const rows = await openStore(join(dir, '.dsg')).list();
  return new Map(rows.filter((r) => r.latest && !r.damaged).map((r) => [r.taskId, r.key]));
}

function killAfter(dir: string, ms: number): Promise<void> {
  const { command, args } = dsgCommand();
  const child = spawn(command, [...args, 'run', 'build', '--json'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: 'ignore',
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

test(`kill -9 ${KILLS} times at random moments: no false skip, unfinished tasks rerun`, async () => {
  const dir = await customProject([
    { name: 'a', sleepMs: 60 },
    { name: 'b', sleepMs: 120, after: ['a'] },
    { name: 'c', sleepMs: 90 },
    { name: 'd', sleepMs: 150, after: ['b', 'c'] },
    { name: 'e', sleepMs: 40 },
    { name: 'f', sleepMs: 80, after: ['e'] },
  ]);
  let killedMidway = 0;
  for (let i = 0; i < KILLS; i++) {
    // Start from a different point each time: change one source so part of the graph is stale again.
    const stale = ['a', 'c', 'e', 'b'][i % 4] ?? 'a';
    await appendFile(join(dir, stale, 'src.txt'), `edit ${i}\n`);
    await killAfter(dir, 150 + Math.floor(Math.random() * 900));
    const before = await recordedTasks(dir);
    const r = await runDsg(['run', 'build', '--json'], { cwd: dir });
    assert.equal(r.code, 0, `run after kill ${i}: ${r.stderr}`);
    const statuses = endStatuses(r.stdout);
    const outputs = new Set(await readdir(join(dir, 'out')));
    const after = await recordedTasks(dir);
    for (const [id, status] of statuses) {
      if (status === 'cached') {
        // A skipped task's record existed before this run, and the artifact it stands for is there.
        assert.ok(before.has(id), `kill ${i}: ${id} cached without a record from before`);
        if (id.startsWith('build:')) {
          const name = id.slice('build:'.length);
          assert.ok(
            [...outputs].some((o) => o.startsWith(`${name}.`)),
            `kill ${i}: ${id} cached but its output is missing`,
          );
        }
      } else {
        assert.equal(status, 'ran', `kill ${i}: ${id} ended ${status}`);
        // It ran because its current key had no record: whatever was recorded before was for other inputs.
        assert.notEqual(
          before.get(id),
          after.get(id),
          `kill ${i}: ${id} reran although its key was recorded`,
        );
      }
    }
    if ([...statuses.values()].some((s) => s === 'cached') && [...statuses.values()].some((s) => s === 'ran'))
      killedMidway++;
  }
  // After the clean runs everything is recorded and a further run does nothing.
  const still = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.deepEqual([...new Set(endStatuses(still.stdout).values())], ['cached'], 'not settled');
  // The kills must have landed mid-run some of the time for this test to mean anything.
  assert.ok(killedMidway >= 3, `only ${killedMidway} of ${KILLS} kills landed mid-run`);
});

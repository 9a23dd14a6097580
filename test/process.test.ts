// The one process runner (core/process.ts) and what it guarantees to every caller: output captured or
// streamed, a missing program named, and nothing left running after a cancel, a timeout or a stopped dsg.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import test from 'node:test';
import { runProcess, runShellLine } from '../core/process.ts';
import { startDsg, tempDir, waitFor } from './helpers/cli.ts';

const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pidIn(file: string): Promise<number> {
  await waitFor(async () => (await readFile(file, 'utf8').catch(() => '')).trim() !== '', `a pid in ${file}`);
  return Number((await readFile(file, 'utf8')).trim());
}

test('output is captured and streamed by line; input reaches the program; a missing program is named', async () => {
  const dir = await tempDir();
  const lines: string[] = [];
  const r = await runShellLine('cat; echo "to stderr" >&2; printf "no newline"', {
    cwd: dir,
    env,
    input: 'from input\n',
    onLine: (l) => lines.push(l),
  });
  assert.ok(r.ok);
  assert.equal(r.value.code, 0);
  assert.equal(r.value.stdout, 'from input\nno newline');
  assert.equal(r.value.stderr, 'to stderr\n');
  assert.deepEqual([...lines].sort(), ['from input', 'no newline', 'to stderr']);
  const missing = await runProcess('dsg-no-such-program', ['x'], { cwd: dir, env });
  assert.deepEqual(missing.ok ? undefined : [missing.error.reason, missing.error.message], [
    'not-found',
    'Cannot run "dsg-no-such-program": it was not found on PATH',
  ]);
  const exit = await runShellLine('exit 3', { cwd: dir, env });
  assert.ok(exit.ok && exit.value.code === 3);
});

test('cancelling or timing out ends the whole process group, background children included', async () => {
  const dir = await tempDir();
  for (const how of ['cancel', 'timeout'] as const) {
    const file = join(dir, `${how}.pid`);
    const controller = new AbortController();
    const running = runShellLine(`sleep 60 & echo $! > ${how}.pid; wait`, {
      cwd: dir,
      env,
      graceMs: 200,
      signal: controller.signal,
      ...(how === 'timeout' ? { timeoutMs: 300 } : {}),
    });
    const child = await pidIn(file);
    assert.ok(alive(child));
    if (how === 'cancel') controller.abort();
    const r = await running;
    assert.equal(r.ok ? 'ran' : r.error.reason, how === 'cancel' ? 'aborted' : 'timed-out');
    await waitFor(() => !alive(child), `the background child (${how}) to end`, 5000);
  }
});

test('SIGTERM to dsg alone stops a custom build with its children and exits 143', async () => {
  const dir = await tempDir();
  await writeFile(
    join(dir, 'devspace.yaml'),
    [
      'version: v2beta1',
      'name: groups',
      'images:',
      '  slow:',
      '    image: local/slow',
      '    custom:',
      `      command: sh -c 'sleep 60 & echo $! > child.pid; wait'`,
      '      skipImageArg: true',
      '',
    ].join('\n'),
  );
  const run = startDsg(['run', 'build', '--json'], { cwd: dir });
  const child = await pidIn(join(dir, 'child.pid')).catch((e: unknown) => {
    throw new Error(`${String(e)}: ${JSON.stringify(run.output())}`);
  });
  run.kill('SIGTERM');
  const r = await run.done;
  assert.equal(r.code, 143, r.stderr);
  assert.match(r.stderr, /interrupted — finished tasks are recorded/);
  await waitFor(() => !alive(child), 'the build command and its background child to end', 10_000);
});

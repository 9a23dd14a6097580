// `.dsg/` that cannot be used — a directory where a file belongs, `.dsg` a file, a read-only or full disk —
// ends a run with one message naming the path and what to do, exit 1, no stack trace; on a full disk the
// tasks that finished stay recorded. Tests run as root, where permission bits stop nothing: read-only is a
// read-only bind mount or the immutable attribute, a full disk a small tmpfs mounted for the test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDsg, startDsg, tempDir, waitFor, type DsgResult } from './helpers/cli.ts';
import { endStatuses } from './helpers/custom-project.ts';
import { exited, spawnFixture, waitForLine } from './fixtures/cache/child.ts';

/** A project of two custom-built images; `b` is built after `a` and runs `bCommand`. */
async function project(dir: string, bCommand = 'echo built b'): Promise<string> {
  for (const name of ['a', 'b']) {
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(join(dir, name, 'src.txt'), `source of ${name}\n`);
  }
  await writeFile(
    join(dir, 'devspace.yaml'),
    [
      'version: v2beta1',
      'name: faults',
      'images:',
      '  a:',
      '    image: local/a',
      '    custom:',
      '      command: echo built a',
      '      skipImageArg: true',
      '      onChange: [a/**]',
      '  b:',
      '    image: local/b',
      '    custom:',
      `      command: ${bCommand} \${runtime.images.a.tag}`,
      '      skipImageArg: true',
      '      onChange: [b/**]',
      '',
    ].join('\n'),
  );
  return dir;
}

function sh(command: string, ...args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
}

/** Mounts `dir` read-only over itself for the duration of `body`. */
async function readOnly<T>(dir: string, body: () => Promise<T>): Promise<T> {
  sh('mount', '--bind', dir, dir);
  try {
    sh('mount', '-o', 'remount,ro,bind', dir);
    return await body();
  } finally {
    sh('umount', dir);
  }
}

/** Exit 1 and exactly one error (message and hint), with nothing that looks like a stack trace. */
function assertOneError(r: DsgResult, message: string, hint: string): void {
  assert.equal(r.code, 1, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.deepEqual(errors, [`error: ${message}`], r.stderr);
  assert.ok(r.stderr.includes(`  hint: ${hint}\n`), r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at |Error:|node:internal/m);
}

test('a directory where the lock file belongs is named, with what to do', async () => {
  const dir = await project(await tempDir('dsg-fault-'));
  await mkdir(join(dir, '.dsg/lock'), { recursive: true });
  assertOneError(
    await runDsg(['run', 'build'], { cwd: dir }),
    'Cannot use ".dsg/lock": it is a directory, where dsg keeps a file',
    'Remove the directory ".dsg/lock"; dsg writes the file again.',
  );
  // The cache commands that take the lock say the same.
  assertOneError(
    await runDsg(['cache', 'gc'], { cwd: dir }),
    'Cannot use ".dsg/lock": it is a directory, where dsg keeps a file',
    'Remove the directory ".dsg/lock"; dsg writes the file again.',
  );
});

test('a directory where digests.json belongs is named before anything runs', async () => {
  const dir = await project(await tempDir('dsg-fault-'));
  await mkdir(join(dir, '.dsg/digests.json'), { recursive: true });
  assertOneError(
    await runDsg(['run', 'build'], { cwd: dir }),
    'Cannot use ".dsg/digests.json": it is a directory, where dsg keeps a file',
    'Remove the directory ".dsg/digests.json"; dsg writes the file again.',
  );
  assert.deepEqual((await readdir(join(dir, '.dsg'))).sort(), ['digests.json']);
});

test('.dsg being a file is named, and left as it was', async () => {
  const dir = await project(await tempDir('dsg-fault-'));
  await writeFile(join(dir, '.dsg'), 'mine\n');
  assertOneError(
    await runDsg(['run', 'build'], { cwd: dir }),
    'Cannot use ".dsg": it is a file, where dsg keeps a folder',
    'Move or delete the file ".dsg"; dsg creates the folder.',
  );
});

test('a read-only .dsg and a read-only project folder are named, with what to do', async () => {
  const hint =
    'dsg keeps its cache in .dsg/ beside the config file: run it where that folder can be written (a writable copy of the project).';
  const dir = await project(await tempDir('dsg-fault-'));
  assert.equal((await runDsg(['run', 'build'], { cwd: dir })).code, 0);
  await writeFile(join(dir, 'a/src.txt'), 'changed\n');
  await readOnly(join(dir, '.dsg'), async () =>
    assertOneError(
      await runDsg(['run', 'build'], { cwd: dir }),
      'Cannot write ".dsg/": read-only file system',
      hint,
    ),
  );
  const fresh = await project(await tempDir('dsg-fault-'));
  await readOnly(fresh, async () =>
    assertOneError(
      await runDsg(['run', 'build'], { cwd: fresh }),
      'Cannot write ".dsg/": read-only file system',
      hint,
    ),
  );
});

test('an immutable .dsg (chattr +i) is named, with what to do', async () => {
  const dir = await project(await tempDir('dsg-fault-'));
  await mkdir(join(dir, '.dsg'));
  sh('chattr', '+i', join(dir, '.dsg'));
  try {
    assertOneError(
      await runDsg(['run', 'build'], { cwd: dir }),
      'Cannot write ".dsg/": permission denied',
      'Make ".dsg/" writable for this user (check its owner, mode and `lsattr` flags), or delete .dsg/ to start afresh.',
    );
  } finally {
    sh('chattr', '-i', join(dir, '.dsg'));
  }
});

test('a disk that fills up during a run: one error, and what finished stays recorded', async () => {
  const dir = await tempDir('dsg-fault-');
  sh('mount', '-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir);
  try {
    // b's build fills the disk (once) and still succeeds: its record is what cannot be written.
    await project(
      dir,
      "sh -c 'if [ -e fill-now ]; then rm fill-now; dd if=/dev/zero of=fill bs=64k 2>/dev/null; fi; true'",
    );
    await writeFile(join(dir, 'fill-now'), '');
    const full = await runDsg(['run', 'build', '--json'], { cwd: dir });
    assert.equal(full.code, 1, full.stderr);
    const errors = full.stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(errors.length, 1, full.stderr);
    assert.match(errors[0] ?? '', /^error: Cannot write "\.dsg\/[^"]+": no space left on device$/);
    assert.ok(
      full.stderr.includes(
        '  hint: Free space on that disk (`dsg cache gc --max-size MB` trims .dsg/), then run again; tasks that finished before are recorded.\n',
      ),
    );
    assert.doesNotMatch(full.stderr, /^\s+at |node:internal/m);
    assert.equal(endStatuses(full.stdout).get('build:a'), 'ran');
    await rm(join(dir, 'fill'));
    const after = await runDsg(['run', 'build', '--json'], { cwd: dir });
    assert.equal(after.code, 0, after.stderr);
    const s = endStatuses(after.stdout);
    assert.equal(s.get('build:a'), 'cached');
    assert.equal(s.get('build:b'), 'ran');
  } finally {
    sh('umount', dir);
  }
});

test('a waiting run says how long it waits; --lock-timeout ends the wait with exit 1', async () => {
  const dir = await project(await tempDir('dsg-fault-'));
  const child = spawnFixture('lock-holder', [join(dir, '.dsg')]);
  await waitForLine(child, (l) => l.startsWith('locked '));
  try {
    const bounded = await runDsg(['run', 'build', '--lock-timeout', '1'], { cwd: dir });
    assert.equal(bounded.code, 1, bounded.stderr);
    assert.match(
      bounded.stderr,
      /^warning: Waiting for another dsg run on this project \(pid \d+, `dsg run deploy`, started \d+s ago\): up to 1s \(--lock-timeout\)$/m,
    );
    assert.match(
      bounded.stderr,
      /^error: Gave up waiting for the lock on \.dsg\/ after 1s: another dsg run \(pid \d+, `dsg run deploy`, started \d+s ago\) still holds it$/m,
    );
    const unbounded = startDsg(['run', 'build'], { cwd: dir });
    await waitFor(() => /Waiting for another/.test(unbounded.output().stderr), 'the run to wait');
    assert.match(
      unbounded.output().stderr,
      /: until it finishes \(--lock-timeout SECONDS bounds the wait\)$/m,
    );
    child.stdin.write('release\n');
    assert.equal((await unbounded.done).code, 0);
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
});

test('a run takes over the lock of a killed run on another host, with a warning', async () => {
  const dir = await project(await tempDir('dsg-fault-'));
  await mkdir(join(dir, '.dsg'));
  const holder = {
    pid: 1,
    hostname: 'ci-job-8d2f1a',
    command: 'dsg run deploy',
    startedAt: new Date().toISOString(),
    token: 'gone',
  };
  await writeFile(join(dir, '.dsg/lock'), JSON.stringify(holder));
  // The bound is shortened for the test (realistic: 30 s), but left longer than a start-up on a loaded machine:
  // the lock was just written, so the run first waits.
  const r = await runDsg(['run', 'build'], { cwd: dir, env: { DSG_LOCK_STALE_MS: '4000' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^warning: Waiting for another dsg run on this project \(pid 1 on host "ci-job-8d2f1a"/m,
  );
  assert.match(
    r.stderr,
    /^warning: Took over the lock of a dsg run that is gone: pid 1 on host "ci-job-8d2f1a", `dsg run deploy`, started \d+s ago \(its lock was not refreshed for \d+s\)$/m,
  );
});

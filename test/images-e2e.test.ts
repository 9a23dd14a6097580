// `dsg run build` against the real Docker Engine and registry: content-addressed tags, skips with their reasons,
// reuse across clones through the registry, and the bad inputs, each one clear message.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { age } from './helpers/age.ts';
import { copyFixture, runDsg } from './helpers/cli.ts';
import { endStatuses, jsonEvents } from './helpers/custom-project.ts';

const unique = (): string =>
  `127.0.0.1:5000/dsg-e2e-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

async function project(repo = unique()): Promise<{ dir: string; repo: string }> {
  const dir = await copyFixture('test/fixtures/images');
  const yaml = await readFile(join(dir, 'devspace.yaml'), 'utf8');
  await writeFile(join(dir, 'devspace.yaml'), yaml.replace('REPO: 127.0.0.1:5000/dsg-e2e', `REPO: ${repo}`));
  return { dir, repo };
}

const reason = (stdout: string, id: string): string =>
  JSON.stringify(jsonEvents(stdout).find((e) => e.type === 'task-end' && e.id === id)?.reason ?? null);

const records = async (dir: string): Promise<string[]> => {
  const ls = await runDsg(['cache', 'ls', '--json'], { cwd: dir });
  return (JSON.parse(ls.stdout) as { rows: { taskId: string }[] }).rows.map((r) => r.taskId).sort();
};

test('build, push, skip, rebuild when the image is gone, reuse from the registry in a second clone', async () => {
  const { dir, repo } = await project();
  const first = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(-2000));
  const s = endStatuses(first.stdout);
  assert.equal(s.get('build:base'), 'ran');
  assert.equal(s.get('build:app'), 'ran');
  const tag =
    jsonEvents(first.stdout).length > 0 ? (await runDsg(['logs', 'tag:app'], { cwd: dir })).stdout : '';
  assert.match(tag, new RegExp(`${repo.replace(/[.]/g, '\\.')}/app:[0-9a-f]{12}`));
  const ref = new RegExp(`(${repo.replace(/[.]/g, '\\.')}/app:[0-9a-f]{12})`).exec(tag)?.[1] ?? '';
  // The image runs and carries the build arg and the context.
  const out = execFileSync(
    'docker',
    ['run', '--rm', ref, 'cat', '/app/message.txt', '/app/main.txt', '/base.txt'],
    { encoding: 'utf8' },
  );
  assert.equal(out, 'hello\napp source\nbase\n');
  // The registry has it.
  const [registry, ...path] = ref.split('/');
  const [name, t] = path.join('/').split(':');
  const head = await fetch(`http://${registry ?? ''}/v2/${name ?? ''}/manifests/${t ?? ''}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  assert.equal(head.status, 200);

  const second = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.deepEqual([...new Set(endStatuses(second.stdout).values())], ['cached']);

  execFileSync('docker', ['rmi', '-f', ref]);
  const third = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(third.code, 0, third.stderr);
  assert.equal(endStatuses(third.stdout).get('build:app'), 'ran');
  assert.match(reason(third.stdout, 'build:app'), /artifact-missing.*image/);
  assert.equal(endStatuses(third.stdout).get('build:base'), 'cached');

  // A clone in another folder, with no .dsg/: the same keys, so the pushed images are reused, not built.
  const clone = await project(repo);
  const fourth = await runDsg(['run', 'build', '--json'], { cwd: clone.dir });
  assert.equal(fourth.code, 0, fourth.stderr);
  assert.equal(endStatuses(fourth.stdout).get('build:base'), 'cached');
  assert.equal(endStatuses(fourth.stdout).get('build:app'), 'cached');
  assert.match(reason(fourth.stdout, 'build:app'), /in the registry/);
  assert.doesNotMatch(
    await readFile(join(clone.dir, '.dsg/logs/build%3Aapp.log'), 'utf8').catch(() => ''),
    /Step \d/,
  );
});

test('a changed file in the context rebuilds; an ignored one does not', async () => {
  const { dir } = await project();
  assert.equal((await runDsg(['run', 'build', '--skip-push'], { cwd: dir })).code, 0);
  await writeFile(join(dir, 'app/src/notes.tmp'), 'ignored by .dockerignore\n');
  const ignored = await runDsg(['run', 'build', '--skip-push', '--json'], { cwd: dir });
  assert.equal(endStatuses(ignored.stdout).get('build:app'), 'cached');
  await appendFile(join(dir, 'app/src/main.txt'), 'v2\n');
  const changed = await runDsg(['run', 'build', '--skip-push', '--json'], { cwd: dir });
  assert.equal(endStatuses(changed.stdout).get('build:app'), 'ran');
  assert.match(reason(changed.stdout, 'build:app'), /app\/src\/main\.txt/);
  const message = await runDsg(['run', 'build', '--skip-push', '--var', 'MESSAGE=bye', '--json'], {
    cwd: dir,
  });
  assert.match(reason(message.stdout, 'build:app'), /buildArgs\.MESSAGE/);
});

test('bad input: each one clear message, exit 1, nothing recorded', async () => {
  const cases: {
    name: string;
    edit: (dir: string) => Promise<void>;
    env?: Record<string, string>;
    expect: RegExp;
  }[] = [
    {
      name: 'missing Dockerfile',
      edit: (dir) => rm(join(dir, 'base/Dockerfile')),
      expect:
        /Cannot read Dockerfile "base\/Dockerfile".*file not found|Dockerfile.*base\/Dockerfile.*not found/,
    },
    {
      name: 'Dockerfile syntax error',
      edit: (dir) => writeFile(join(dir, 'base/Dockerfile'), 'FROM dsg-test/busybox:1\nBOGUS instruction\n'),
      expect: /image "base"|base\/Dockerfile/,
    },
    {
      name: 'failing RUN',
      edit: (dir) => writeFile(join(dir, 'base/Dockerfile'), 'FROM dsg-test/busybox:1\nRUN exit 3\n'),
      expect: /Build of image "base" failed.*RUN exit 3.*(code|returned).*3/,
    },
    {
      name: 'daemon not running',
      edit: async () => undefined,
      env: { DOCKER_HOST: 'unix:///tmp/dsg-no-such-docker.sock' },
      expect: /Cannot reach the Docker Engine at unix:\/\/\/tmp\/dsg-no-such-docker\.sock/,
    },
    {
      name: 'registry down',
      edit: async (dir) => {
        const yaml = await readFile(join(dir, 'devspace.yaml'), 'utf8');
        await writeFile(
          join(dir, 'devspace.yaml'),
          yaml.replace(/REPO: .*/, 'REPO: 127.0.0.1:5999/nothing-here'),
        );
      },
      expect: /127\.0\.0\.1:5999/,
    },
  ];
  for (const c of cases) {
    const { dir } = await project();
    await c.edit(dir);
    const r = await runDsg(['run', 'build'], { cwd: dir, ...(c.env ? { env: c.env } : {}) });
    assert.equal(r.code, 1, `${c.name}: ${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, c.expect, c.name);
    assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, `${c.name}: no stack trace`);
    const done = await records(dir);
    assert.ok(
      !done.includes('build:base') || c.name === 'registry down',
      `${c.name}: build:base recorded as done`,
    );
    assert.ok(!done.includes('tag:base') && !done.includes('tag:app'), `${c.name}: a tag recorded as done`);
  }
});

test('a memoised run asks the engine again: a removed image is rebuilt, and the memo follows', async () => {
  const { dir } = await project();
  await age(dir);
  const env = { DSG_DEBUG_RUN_MEMO: '1' };
  const memo = (stderr: string): string[] =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('run memo: '))
      .map((l) => l.slice('run memo: '.length));
  const first = await runDsg(['run', 'build', '--json'], { cwd: dir, env });
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(memo(first.stderr), ['stored'], 'a fresh project has no memo to look up');
  const second = await runDsg(['run', 'build', '--json'], { cwd: dir, env });
  assert.deepEqual(memo(second.stderr), ['hit']);
  assert.deepEqual([...new Set(endStatuses(second.stdout).values())], ['cached']);

  const tag = (await runDsg(['logs', 'tag:app'], { cwd: dir })).stdout;
  const ref = /(127\.0\.0\.1:5000\/\S+\/app:[0-9a-f]{12})/.exec(tag)?.[1] ?? '';
  assert.notEqual(ref, '', tag);
  execFileSync('docker', ['rmi', '-f', ref]);
  const third = await runDsg(['run', 'build', '--json'], { cwd: dir, env });
  assert.equal(third.code, 0, third.stderr);
  assert.deepEqual(memo(third.stderr), ['hit', 'stored']);
  assert.equal(endStatuses(third.stdout).get('build:app'), 'ran');
  assert.match(reason(third.stdout, 'build:app'), /artifact-missing.*image/);
  assert.equal(endStatuses(third.stdout).get('build:base'), 'cached');
  const fourth = await runDsg(['run', 'build', '--json'], { cwd: dir, env });
  assert.deepEqual(memo(fourth.stderr), ['hit']);
  assert.deepEqual([...new Set(endStatuses(fourth.stdout).values())], ['cached']);
});

// A Dockerfile `FROM` another image of the config: the child is built on the exact image its parent's task made
// in this run (no tag, `latest`, an `ARG` default), an explicit other tag stays as written, a change to the parent
// rebuilds the child; locally (`--skip-push`) and through the registry (a clone whose parent is only pushed).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { dockerfileFroms, replaceFroms } from '../tasks/docker/dockerfile-from.ts';
import { BASE_IMAGE } from './fixtures/docker/task.ts';
import { runDsg, tempDir } from './helpers/cli.ts';
import { endStatuses, jsonEvents } from './helpers/custom-project.ts';

test('FROM lines: global ARG defaults and build args filled in, stages and later ARGs left out', () => {
  const text = [
    'ARG BASE=reg.local/team/base',
    'ARG TAG',
    'FROM --platform=linux/amd64 ${BASE}:${TAG:-latest} AS build',
    'ARG BASE=ignored/after/from',
    'RUN make',
    'FROM build',
    'FROM \\',
    '  $BASE',
    'FROM scratch',
  ].join('\n');
  assert.deepEqual(
    dockerfileFroms(text, {}).map((f) => [f.image, f.line, f.endLine, f.alias]),
    [
      ['reg.local/team/base:latest', 3, 3, 'build'],
      ['reg.local/team/base', 7, 8, undefined],
    ],
  );
  assert.deepEqual(
    dockerfileFroms(text, { TAG: '1.2' }).map((f) => f.image),
    ['reg.local/team/base:1.2', 'reg.local/team/base'],
  );
  // Replaced in place: flags and stage name kept, continuation lines emptied, every other line where it was.
  const replaced = replaceFroms(text, dockerfileFroms(text, {}), (f) =>
    f.line === 3 ? 'sha256:abc' : 'x:1',
  );
  assert.deepEqual(replaced.split('\n'), [
    'ARG BASE=reg.local/team/base',
    'ARG TAG',
    'FROM --platform=linux/amd64 sha256:abc AS build',
    'ARG BASE=ignored/after/from',
    'RUN make',
    'FROM build',
    'FROM x:1',
    '',
    'FROM scratch',
  ]);
});

const unique = (): string => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

interface FromProject {
  dir: string;
  repo: string;
}

/** A project whose children build FROM its `base` image in every spelling; `pinned` is a tag dsg never makes. */
async function fromProject(repo: string): Promise<FromProject> {
  const dir = await tempDir('dsg-from-');
  const files: Record<string, string> = {
    'base/Dockerfile': `FROM ${BASE_IMAGE}\nCOPY base.txt /base.txt\n`,
    'base/base.txt': 'base v1\n',
    'bare/Dockerfile': `FROM ${repo}/base\nCOPY . /app\nRUN cat /base.txt > /seen\n`,
    'latest/Dockerfile': `FROM ${repo}/base:latest\nRUN cat /base.txt > /seen\n`,
    'arg/Dockerfile': `ARG PARENT=${repo}/base\nFROM \${PARENT} AS parent\nRUN cat /base.txt > /seen\n`,
    'pinned/Dockerfile': `FROM ${repo}/base:pinned\nRUN cat /base.txt > /seen\n`,
  };
  for (const [file, content] of Object.entries(files)) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), content);
  }
  const image = (name: string): string[] => [
    `  ${name}:`,
    `    image: ${repo}/${name}`,
    `    dockerfile: ./${name}/Dockerfile`,
    `    context: ./${name}`,
  ];
  const yaml = ['version: v2beta1', 'name: from-test', 'images:'];
  for (const name of ['base', 'bare', 'latest', 'arg', 'pinned']) yaml.push(...image(name));
  await writeFile(join(dir, 'devspace.yaml'), `${yaml.join('\n')}\n`);
  return { dir, repo };
}

/** What the child image saw of its parent: `/seen` of the image its last build made. */
async function seen(dir: string, name: string): Promise<string> {
  const log = await readFile(join(dir, `.dsg/logs/build%3A${name}.log`), 'utf8');
  const id = /Successfully built ([0-9a-f]+)/.exec(log)?.[1];
  assert.ok(id, `no image in the log of build:${name}:\n${log}`);
  return execFileSync('docker', ['run', '--rm', id, 'cat', '/seen'], { encoding: 'utf8' });
}

test('FROM an image of the config without a tag, with latest or through an ARG default: built on this run’s image (--skip-push)', async () => {
  const { dir, repo } = await fromProject(`dsg-from-${unique()}`);
  // A tag dsg never makes: the user's choice, kept as written.
  execFileSync('docker', ['build', '-q', '-t', `${repo}/base:pinned`, '-'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    input: `FROM ${BASE_IMAGE}\nRUN echo pinned > /base.txt\n`,
  });

  const graph = await runDsg(['graph', '--format', 'json'], { cwd: dir });
  const edges = (JSON.parse(graph.stdout) as { edges: { from: string; to: string }[] }).edges;
  for (const child of ['bare', 'latest', 'arg', 'pinned'])
    assert.ok(
      edges.some((e) => e.from === 'build:base' && e.to === `build:${child}`),
      child,
    );

  const first = await runDsg(['run', 'build', '--skip-push', '--json'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(-3000));
  for (const child of ['bare', 'latest', 'arg']) assert.equal(await seen(dir, child), 'base v1\n', child);
  assert.equal(await seen(dir, 'pinned'), 'pinned\n');
  const log = await readFile(join(dir, '.dsg/logs/build%3Abare.log'), 'utf8');
  assert.match(
    log,
    new RegExp(`FROM ${repo}/base \\(line 1\\) -> sha256:[0-9a-f]{64}, the image "base" of this run`),
  );

  // A change to the parent rebuilds every child built on it, on the new parent; the pinned one is rebuilt (its
  // key names the parent) but stays on its tag.
  await writeFile(join(dir, 'base/base.txt'), 'base v2\n');
  const second = await runDsg(['run', 'build', '--skip-push', '--json'], { cwd: dir });
  assert.equal(second.code, 0, second.stderr);
  const statuses = endStatuses(second.stdout);
  for (const child of ['base', 'bare', 'latest', 'arg']) assert.equal(statuses.get(`build:${child}`), 'ran');
  for (const child of ['bare', 'latest', 'arg']) assert.equal(await seen(dir, child), 'base v2\n', child);
  assert.equal(await seen(dir, 'pinned'), 'pinned\n');

  // Nothing changed: all cached.
  const third = await runDsg(['run', 'build', '--skip-push', '--json'], { cwd: dir });
  assert.deepEqual([...new Set(endStatuses(third.stdout).values())], ['cached']);
});

test('FROM an image of the config through the registry: pushed, and in a clone whose parent is only in the registry', async () => {
  const repo = `127.0.0.1:5000/dsg-from-${unique()}`;
  const { dir } = await fromProject(repo);
  await writeFile(join(dir, 'pinned/Dockerfile'), `FROM ${repo}/base\nRUN cat /base.txt > /seen\n`);
  const first = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(-3000));
  assert.equal(await seen(dir, 'bare'), 'base v1\n');

  // Another machine: the same project in a new folder, no local image of the parent, one child changed.
  const clone = await fromProject(repo);
  await writeFile(join(clone.dir, 'pinned/Dockerfile'), `FROM ${repo}/base\nRUN cat /base.txt > /seen\n`);
  await writeFile(join(clone.dir, 'bare/changed.txt'), 'changed in the clone\n');
  const local = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', `${repo}/base`], {
    encoding: 'utf8',
  });
  const refs = local.split('\n').filter((l) => l !== '');
  assert.ok(refs.length > 0);
  execFileSync('docker', ['rmi', '-f', ...refs]);

  const second = await runDsg(['run', 'build', '--json'], { cwd: clone.dir });
  assert.equal(second.code, 0, second.stderr + second.stdout.slice(-3000));
  const statuses = endStatuses(second.stdout);
  assert.equal(statuses.get('build:base'), 'cached');
  assert.equal(statuses.get('build:bare'), 'ran');
  assert.equal(statuses.get('build:latest'), 'cached');
  const reason = jsonEvents(second.stdout).find((e) => e.type === 'task-end' && e.id === 'build:base');
  assert.match(JSON.stringify(reason), /in the registry/);
  const log = await readFile(join(clone.dir, '.dsg/logs/build%3Abare.log'), 'utf8');
  assert.match(log, new RegExp(`-> ${repo.replace(/\./g, '\\.')}/base:[0-9a-f]{12}, the image "base"`));
  assert.equal(await seen(clone.dir, 'bare'), 'base v1\n');
});

// The docker build task against the real engine: what reaches the daemon, what the image holds, how failures read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerBuildInputs, dockerBuildRun, dockerBuildStatus } from '../tasks/build/docker.ts';
import { removeImage } from './fixtures/docker/containers.ts';
import { defaultTag } from '../tasks/build/image-tags.ts';
import type { ImageConfig } from '../core/config.ts';
import { engine, removeImages, runImage } from './fixtures/docker/engine.ts';
import {
  BASE_IMAGE,
  imageConfig,
  inputsContext,
  makeProject,
  taskContext,
  taskNode,
  testEnv,
  uniqueRepo,
} from './fixtures/docker/task.ts';

const COPY_ALL = `FROM ${BASE_IMAGE}\nCOPY . /app\n`;

void test('a build sends only the files .dockerignore keeps (negation, **, directories) and the build args', async () => {
  const dir = await makeProject({
    Dockerfile: `FROM ${BASE_IMAGE}\nARG GREETING=none\nCOPY . /app\nRUN echo "$GREETING" > /greeting\n`,
    '.dockerignore': '*.log\n**/secret*\nbuild/\n!build/keep.txt\n',
    'main.txt': 'main',
    'debug.log': 'x',
    'sub/data.txt': 'data',
    'sub/secret.txt': 'x',
    'sub/deep/secretive.md': 'x',
    'sub/deep/ok.md': 'ok',
    'build/out.bin': 'x',
    'build/keep.txt': 'keep',
  });
  const image = imageConfig({
    name: 'api',
    image: uniqueRepo(undefined, 'ignore'),
    buildArgs: { GREETING: 'hello' },
  });
  const task = taskNode('build', dir, image);
  const env = await testEnv();
  const ctx = taskContext(task, env);
  const built = await dockerBuildRun(task, ctx);
  assert.ok(built.ok, JSON.stringify(built.ok ? '' : built.error));
  const data = built.value.data;
  assert.deepEqual(data.tags, [defaultTag(ctx.key)]);
  assert.equal(data.tag, defaultTag(ctx.key));
  assert.match(data.imageId, /^sha256:[0-9a-f]{64}$/);
  assert.equal(built.value.digest, data.imageId);
  assert.ok(
    ctx.lines.some((l) => l.startsWith('Step 1/4 : FROM')),
    ctx.lines.join('\n'),
  );

  const docker = await engine();
  try {
    const out = await runImage(docker, `${image.image}:${data.tag}`, [
      'sh',
      '-c',
      'cat /greeting; cd /app && find . -type f | sort',
    ]);
    assert.deepEqual(out.trim().split('\n'), [
      'hello',
      './.dockerignore',
      './Dockerfile',
      './build/keep.txt',
      './main.txt',
      './sub/data.txt',
      './sub/deep/ok.md',
    ]);

    const inputs = await dockerBuildInputs(task, inputsContext(task, env));
    assert.ok(inputs.ok);
    assert.deepEqual(inputs.value.files, [
      '.dockerignore',
      'Dockerfile',
      'build/keep.txt',
      'main.txt',
      'sub/data.txt',
      'sub/deep/ok.md',
    ]);

    assert.deepEqual(await dockerBuildStatus(task, built.value, ctx), { present: true });
    await removeImage(docker, `${image.image}:${data.tag}`);
    const status = await dockerBuildStatus(task, built.value, ctx);
    assert.equal(status.present, false);
  } finally {
    await removeImages(docker, [data.imageId]);
    await docker.close();
  }
});

void test('a Dockerfile outside the context is sent under a generated name and leaves no trace in the image', async () => {
  const dir = await makeProject({
    'docker/api.Dockerfile': `FROM ${BASE_IMAGE}\nCOPY . /app\n`,
    'app/index.txt': 'index',
    'app/Dockerfile': 'not the one used',
  });
  const image = imageConfig({
    name: 'api',
    image: uniqueRepo(undefined, 'outside'),
    dockerfile: 'docker/api.Dockerfile',
    context: 'app',
  });
  const task = taskNode('build', dir, image);
  const env = await testEnv();
  const built = await dockerBuildRun(task, taskContext(task, env));
  assert.ok(built.ok, JSON.stringify(built.ok ? '' : built.error));
  const data = built.value.data;
  const docker = await engine();
  try {
    const out = await runImage(docker, data.imageId, ['sh', '-c', 'cd /app && find . | sort']);
    assert.deepEqual(out.trim().split('\n'), ['.', './Dockerfile', './index.txt']);
    const inputs = await dockerBuildInputs(task, inputsContext(task, env));
    assert.ok(inputs.ok);
    assert.deepEqual(inputs.value.files, ['app/Dockerfile', 'app/index.txt', 'docker/api.Dockerfile']);
  } finally {
    await removeImages(docker, [data.imageId]);
    await docker.close();
  }
});

void test('ignore rules reach the image as docker build applies them: excluded Dockerfile, rewrites, <Dockerfile>.dockerignore', async () => {
  const cases: { files: Record<string, string>; fields: Partial<ImageConfig>; expected: string[] }[] = [
    {
      files: { Dockerfile: COPY_ALL, '.dockerignore': 'Dockerfile\n.dockerignore\n', 'a.txt': 'a' },
      fields: {},
      expected: ['.', './a.txt'],
    },
    {
      files: { Dockerfile: COPY_ALL, '.dockerignore': '*.md\n', 'a.txt': 'a', 'b.md': 'b' },
      fields: { appendDockerfileInstructions: ['RUN echo appended > /appended'] },
      expected: ['.', './.dockerignore', './Dockerfile', './a.txt'],
    },
    {
      files: {
        'api.Dockerfile': COPY_ALL,
        'api.Dockerfile.dockerignore': 'secret.txt\n*.Dockerfile*\n',
        '.dockerignore': 'a.txt\n',
        'a.txt': 'a',
        'secret.txt': 's',
      },
      fields: { dockerfile: 'api.Dockerfile' },
      // BuildKit's rule: the specific file replaces .dockerignore, which is then an ordinary file of the context.
      expected: ['.', './.dockerignore', './a.txt'],
    },
  ];
  const docker = await engine();
  try {
    for (const c of cases) {
      const dir = await makeProject(c.files);
      const image = imageConfig({ name: 'api', image: uniqueRepo(undefined, 'rules'), ...c.fields });
      const task = taskNode('build', dir, image);
      const built = await dockerBuildRun(task, taskContext(task, await testEnv()));
      assert.ok(built.ok, JSON.stringify(built.ok ? '' : built.error));
      const id = built.value.data.imageId;
      try {
        const out = await runImage(docker, id, ['sh', '-c', 'cd /app && find . | sort']);
        assert.deepEqual(out.trim().split('\n'), c.expected, JSON.stringify(c.files));
      } finally {
        await removeImages(docker, [id]);
      }
    }
  } finally {
    await docker.close();
  }
});

void test('target picks the stage; entrypoint, cmd and extra instructions go at the end of that stage', async () => {
  const dir = await makeProject({
    Dockerfile: [
      `FROM ${BASE_IMAGE} AS base`,
      'ENV STAGE=base',
      'FROM base AS dev',
      'ENV STAGE=dev',
      'FROM base AS prod',
      'ENV STAGE=prod',
      '',
    ].join('\n'),
  });
  const image = imageConfig({
    name: 'web',
    image: uniqueRepo(undefined, 'target'),
    target: 'dev',
    appendDockerfileInstructions: ['ENV APPENDED=yes'],
    entrypoint: ['sh', '-c'],
    cmd: ['echo $STAGE $APPENDED'],
  });
  const task = taskNode('build', dir, image);
  const built = await dockerBuildRun(task, taskContext(task, await testEnv()));
  assert.ok(built.ok, JSON.stringify(built.ok ? '' : built.error));
  const data = built.value.data;
  const docker = await engine();
  try {
    assert.equal(await runImage(docker, data.imageId), 'dev yes\n');
    const find = await runImage(docker, data.imageId, ['ls -a /']);
    assert.doesNotMatch(find, /dockerfile/);
  } finally {
    await removeImages(docker, [data.imageId]);
    await docker.close();
  }
});

void test('tags: become every ref of the build', async () => {
  const dir = await makeProject({ Dockerfile: `FROM ${BASE_IMAGE}\nENV A=1\n` });
  const image = imageConfig({
    name: 'api',
    image: uniqueRepo(undefined, 'tags'),
    tags: ['v1-###', 'stable'],
  });
  const task = taskNode('build', dir, image);
  const built = await dockerBuildRun(task, taskContext(task, await testEnv()));
  assert.ok(built.ok, JSON.stringify(built.ok ? '' : built.error));
  const data = built.value.data;
  assert.match(data.tags[0] ?? '', /^v1-[a-z0-9]{3}$/);
  assert.equal(data.tags[1], 'stable');
  const docker = await engine();
  try {
    const out = await runImage(docker, `${image.image}:stable`, ['true']);
    assert.equal(out, '');
  } finally {
    await removeImages(docker, [data.imageId]);
    await docker.close();
  }
});

void test('a missing Dockerfile is one diagnostic at images.NAME.dockerfile, from inputs and from run', async () => {
  const dir = await makeProject({ 'api/main.txt': 'x' });
  const image = imageConfig({
    name: 'api',
    image: uniqueRepo(undefined, 'missing'),
    dockerfile: 'api/Dockerfile',
    context: 'api',
  });
  const task = taskNode('build', dir, image);
  const env = await testEnv();
  const inputs = await dockerBuildInputs(task, inputsContext(task, env));
  assert.ok(!inputs.ok);
  assert.equal(inputs.error.message, 'Cannot read Dockerfile "api/Dockerfile": file not found');
  assert.deepEqual(inputs.error.location, { file: 'devspace.yaml', line: 5, col: 5 });
  const run = await dockerBuildRun(task, taskContext(task, env));
  assert.ok(!run.ok);
  assert.equal(run.error.message, inputs.error.message);
});

void test('a failing RUN names the image, the step and the daemon error, located at the step', async () => {
  const dir = await makeProject({ Dockerfile: `FROM ${BASE_IMAGE}\n\nRUN exit 3\nRUN echo never\n` });
  const image = imageConfig({ name: 'api', image: uniqueRepo(undefined, 'fail') });
  const task = taskNode('build', dir, image);
  const ctx = taskContext(task, await testEnv());
  const run = await dockerBuildRun(task, ctx);
  assert.ok(!run.ok);
  assert.equal(
    run.error.message,
    'Build of image "api" failed at step `RUN exit 3`: The command \'/bin/sh -c exit 3\' returned a non-zero code: 3',
  );
  assert.deepEqual(run.error.location, { file: 'Dockerfile', line: 3, col: 1, length: 10 });
  assert.ok(ctx.lines.includes('Step 2/3 : RUN exit 3'), ctx.lines.join('\n'));
});

void test('a failed build removes its intermediate containers (counted before and after)', async () => {
  const docker = await engine();
  // A base image of this test's own (a new id), so no other build on the engine shares its containers.
  const base = `${uniqueRepo(undefined, 'forcerm-base')}:1`;
  const baseDir = await makeProject({ Dockerfile: `FROM ${BASE_IMAGE}\nLABEL test=${base}\n` });
  const baseTask = taskNode('build', baseDir, imageConfig({ name: 'base', image: base.split(':')[0] ?? '' }));
  const built = await dockerBuildRun(baseTask, taskContext(baseTask, await testEnv()));
  assert.ok(built.ok, built.ok ? '' : built.error.message);
  const { data } = built.value;
  const baseRef = `${data.image}:${data.tag}`;
  const containers = async (): Promise<number> => {
    const list = await docker.json({
      method: 'GET',
      path: '/containers/json',
      query: { all: 'true', filters: JSON.stringify({ ancestor: [baseRef] }) },
    });
    assert.ok(list.ok && Array.isArray(list.value), JSON.stringify(list));
    return list.value.length;
  };
  try {
    const before = await containers();
    const dir = await makeProject({ Dockerfile: `FROM ${baseRef}\nRUN touch /made\nRUN exit 3\n` });
    const task = taskNode(
      'build',
      dir,
      imageConfig({ name: 'api', image: uniqueRepo(undefined, 'forcerm') }),
    );
    const run = await dockerBuildRun(task, taskContext(task, await testEnv()));
    assert.ok(!run.ok);
    assert.match(run.error.message, /failed at step `RUN exit 3`/);
    assert.equal(await containers(), before);
  } finally {
    await removeImages(docker, [baseRef]);
    await docker.close();
  }
});

void test('a Dockerfile syntax error is reported with its line', async () => {
  const dir = await makeProject({ Dockerfile: `FROM ${BASE_IMAGE}\nCOPPY . /app\n` });
  const image = imageConfig({ name: 'api', image: uniqueRepo(undefined, 'syntax') });
  const task = taskNode('build', dir, image);
  const run = await dockerBuildRun(task, taskContext(task, await testEnv()));
  assert.ok(!run.ok);
  assert.match(run.error.message, /^Build of image "api" failed: .*unknown instruction: COPPY/i);
  assert.equal(run.error.location?.file, 'Dockerfile');
  assert.equal(run.error.location?.line, 2);
});

void test('a daemon that is not running gives one clear message', async () => {
  const dir = await makeProject({ Dockerfile: `FROM ${BASE_IMAGE}\n` });
  const task = taskNode('build', dir, imageConfig({ name: 'api', image: uniqueRepo(undefined, 'nodaemon') }));
  const host = `unix://${dir}/no-such-docker.sock`;
  const run = await dockerBuildRun(task, taskContext(task, await testEnv({ DOCKER_HOST: host })));
  assert.ok(!run.ok);
  assert.equal(
    run.error.message,
    `Cannot reach the Docker Engine at ${host}: connect ENOENT — start dockerd (or run scripts/setup.sh) or set DOCKER_HOST`,
  );
});

void test('aborting the signal cancels a running build', async () => {
  const dir = await makeProject({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo started && sleep 60\n` });
  const task = taskNode('build', dir, imageConfig({ name: 'slow', image: uniqueRepo(undefined, 'abort') }));
  const controller = new AbortController();
  const ctx = taskContext(task, await testEnv(), { signal: controller.signal });
  const log = ctx.log;
  ctx.log = (line) => {
    log(line);
    if (line.includes('started')) controller.abort();
  };
  const run = await dockerBuildRun(task, ctx);
  assert.ok(!run.ok);
  assert.equal(run.error.message, 'Build of image "slow" was cancelled');
});

void test('ignoreContextChanges keeps context files out of the inputs', async () => {
  const dir = await makeProject({
    Dockerfile: `FROM ${BASE_IMAGE}\n`,
    'a.txt': 'a',
    '.dockerignore': 'b.txt\n',
  });
  const image = imageConfig({ name: 'api', image: 'x/y', rebuildStrategy: 'ignoreContextChanges' });
  const task = taskNode('build', dir, image);
  const inputs = await dockerBuildInputs(task, inputsContext(task, await testEnv()));
  assert.ok(inputs.ok);
  assert.deepEqual(inputs.value.files, ['.dockerignore', 'Dockerfile']);
  assert.equal((inputs.value.spec as { rebuildStrategy: string }).rebuildStrategy, 'ignoreContextChanges');
});

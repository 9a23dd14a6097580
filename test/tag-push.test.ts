// The tag task against the real engine and the two local registries: push, skip, credentials, failures.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerBuildRun, dockerBuildStatus } from '../tasks/build/docker.ts';
import { buildKind } from '../tasks/build/kind.ts';
import type { BuiltImage } from '../tasks/build/output.ts';
import { imageInRegistry } from '../tasks/registry/image-in-registry.ts';
import { inspectImage } from '../tasks/docker/images.ts';
import { getManifest } from '../tasks/registry/client.ts';
import { parseRepository } from '../core/image-ref.ts';
import { tagKind } from '../tasks/tag/kind.ts';
import type { TaskOutput } from '../core/task-kind.ts';
import { engine, removeImages } from './fixtures/docker/engine.ts';
import {
  BASE_IMAGE,
  imageConfig,
  makeProject,
  randomKey,
  settings,
  taskContext,
  taskNode,
  testEnv,
  uniqueRepo,
  writeDockerConfig,
} from './fixtures/docker/task.ts';
import type { ImageConfig } from '../core/config.ts';

/** A build output for the base image under `image`, as if `build:NAME` had produced it (no build needed). */
async function baseImageOutput(image: ImageConfig, tags: string[]): Promise<Map<string, TaskOutput>> {
  const docker = await engine();
  try {
    const info = await inspectImage(docker, BASE_IMAGE);
    assert.ok(info.ok && info.value, 'the base image must exist (scripts/setup.sh)');
    const data: BuiltImage = {
      name: image.name,
      image: image.image,
      tag: tags[0] ?? '',
      tags,
      imageId: info.value.id,
    };
    return new Map([[`build:${image.name}`, { digest: info.value.id, data }]]);
  } finally {
    await docker.close();
  }
}

void test('build, push to the open registry, read the digest back; a second run skips the push', async () => {
  const dir = await makeProject({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo ${randomKey()} > /id\n` });
  const image = imageConfig({ name: 'api', image: uniqueRepo('127.0.0.1:5000', 'push') });
  const env = await testEnv();
  const buildTask = taskNode('build', dir, image);
  const buildCtx = taskContext(buildTask, env);
  const built = await dockerBuildRun(buildTask, buildCtx);
  assert.ok(built.ok, JSON.stringify(built.ok ? '' : built.error));
  const builtData: BuiltImage = built.value.data;
  assert.equal(builtData['fromRegistry'], undefined);
  const task = taskNode('tag', dir, image);
  const docker = await engine();
  try {
    const ctx = taskContext(task, env, { upstream: new Map([['build:api', built.value]]) });
    const tagged = await tagKind.run(task, ctx);
    assert.ok(tagged.ok, JSON.stringify(tagged.ok ? '' : tagged.error));
    const data = tagged.value.data;
    assert.equal(data.pushed, true);
    assert.equal(data.alreadyInRegistry, false);
    assert.deepEqual(data.refs, [`${image.image}:${builtData.tag}`]);
    assert.match(data.digest, /^sha256:[0-9a-f]{64}$/);

    const manifest = await getManifest(
      parseRepository(image.image),
      builtData.tag,
      { kind: 'anonymous' },
      { method: 'GET' },
    );
    assert.ok(manifest.ok && manifest.value);
    assert.equal(manifest.value.digest, data.digest);
    assert.equal(manifest.value.configDigest, builtData.imageId);
    assert.equal(await imageInRegistry(image, builtData.tag, { env }), true);
    assert.equal(await imageInRegistry(image, 'not-pushed', { env }), false);
    assert.deepEqual(await tagKind.status?.(task, tagged.value, ctx), { present: true });

    const again = taskContext(task, env, { upstream: new Map([['build:api', built.value]]) });
    const second = await tagKind.run(task, again);
    assert.ok(second.ok);
    const secondData = second.value.data;
    assert.equal(secondData.alreadyInRegistry, true);
    assert.equal(secondData.pushed, false);
    assert.equal(secondData.digest, data.digest);
    assert.ok(
      again.lines.some((l) => l.includes('already in the registry, push skipped')),
      again.lines.join('\n'),
    );

    // Another machine with the same key and an empty engine: no build, and the tag task needs no engine either.
    await removeImages(docker, [builtData.imageId]);
    const elsewhere = taskContext(buildTask, env, { key: buildCtx.key });
    const reused = await buildKind.reuse?.(buildTask, elsewhere);
    assert.ok(reused);
    assert.equal(reused.what, `image ${image.image}:${builtData.tag} in the registry`);
    // The content-addressed tag names the inputs: the digest is the same on every machine.
    assert.equal(reused.output.digest, `${image.image}:${builtData.tag}`);
    assert.equal(reused.output.data.fromRegistry, true);
    assert.deepEqual(await dockerBuildStatus(buildTask, reused.output, elsewhere), { present: true });
    assert.equal(await buildKind.reuse?.(buildTask, taskContext(buildTask, env)), undefined);
    const withTags = taskNode('build', dir, { ...image, tags: ['v1'] });
    assert.equal(
      await buildKind.reuse?.(withTags, taskContext(withTags, env, { key: buildCtx.key })),
      undefined,
    );
    const noEngine = await testEnv({ DOCKER_HOST: `unix://${dir}/no-engine.sock` });
    const third = await tagKind.run(
      task,
      taskContext(task, noEngine, { upstream: new Map([['build:api', reused.output]]) }),
    );
    assert.ok(third.ok, JSON.stringify(third.ok ? '' : third.error));
    assert.equal(third.value.data.alreadyInRegistry, true);
    assert.equal(third.value.data.digest, data.digest);

    // An output without an image id (reused by tag alone): the tag in the registry is the proof.
    const noId = { digest: 'x', data: { ...reused.output.data, imageId: '' } };
    const fourth = await tagKind.run(
      task,
      taskContext(task, noEngine, { upstream: new Map([['build:api', noId]]) }),
    );
    assert.ok(fourth.ok, JSON.stringify(fourth.ok ? '' : fourth.error));
    assert.equal(fourth.value.data.alreadyInRegistry, true);
  } finally {
    await removeImages(docker, [builtData.imageId]);
    await docker.close();
  }
});

void test('push to the registry with a password: the right one works, a wrong one is refused with what to do', async () => {
  const dir = await makeProject({});
  const image = imageConfig({ name: 'api', image: uniqueRepo('127.0.0.1:5001', 'auth') });
  const task = taskNode('tag', dir, image);
  const upstream = await baseImageOutput(image, ['v1']);
  const docker = await engine();
  try {
    const good = await testEnv();
    await writeDockerConfig(good, { '127.0.0.1:5001': { username: 'dsg', password: 'dsg-secret' } });
    const ok = await tagKind.run(task, taskContext(task, good, { upstream }));
    assert.ok(ok.ok, JSON.stringify(ok.ok ? '' : ok.error));
    const manifest = await getManifest(
      parseRepository(image.image),
      'v1',
      { kind: 'basic', username: 'dsg', password: 'dsg-secret' },
      { method: 'HEAD' },
    );
    assert.ok(manifest.ok && manifest.value);
    assert.equal(manifest.value.digest, ok.value.data.digest);

    // Only HOME is set here, so the message names the default config file.
    const home = await testEnv();
    delete home['DOCKER_CONFIG'];
    await writeDockerConfig(
      { HOME: home['HOME'] ?? '' },
      { 'https://127.0.0.1:5001': { username: 'dsg', password: 'wrong' } },
    );
    const refused = await tagKind.run(task, taskContext(task, home, { upstream }));
    assert.ok(!refused.ok);
    assert.equal(
      refused.error.message,
      `Push of "${image.image}:v1" was refused by 127.0.0.1:5001: unauthorized — check the credentials for 127.0.0.1:5001 in ~/.docker/config.json (docker login 127.0.0.1:5001)`,
    );
    assert.doesNotMatch(JSON.stringify(refused.error), /wrong|dsg-secret/);

    const none = await tagKind.run(task, taskContext(task, await testEnv(), { upstream }));
    assert.ok(!none.ok);
    assert.match(
      none.error.message,
      /was refused by 127\.0\.0\.1:5001: authentication required — check the credentials/,
    );

    const helperEnv = await testEnv();
    await mkdir(helperEnv['DOCKER_CONFIG'] ?? '', { recursive: true });
    await writeFile(
      join(helperEnv['DOCKER_CONFIG'] ?? '', 'config.json'),
      JSON.stringify({ credHelpers: { '127.0.0.1:5001': 'pass' } }),
    );
    const helper = await tagKind.run(task, taskContext(task, helperEnv, { upstream }));
    assert.ok(!helper.ok);
    assert.match(
      helper.error.message,
      /credential helper "pass" configured for 127\.0\.0\.1:5001 is not supported yet/,
    );
  } finally {
    await removeImages(docker, [`${image.image}:v1`]);
    await docker.close();
  }
});

void test('a registry that is down is named in the message', async () => {
  const dir = await makeProject({});
  const image = imageConfig({ name: 'api', image: uniqueRepo('127.0.0.1:5999', 'down') });
  const task = taskNode('tag', dir, image);
  const docker = await engine();
  try {
    const run = await tagKind.run(
      task,
      taskContext(task, await testEnv(), { upstream: await baseImageOutput(image, ['v1']) }),
    );
    assert.ok(!run.ok);
    assert.equal(
      run.error.message,
      `Push of "${image.image}:v1" failed: the registry 127.0.0.1:5999 is not reachable (connect ECONNREFUSED) — start it, or check the registry in the image name`,
    );
    assert.equal(await imageInRegistry(image, 'v1', { env: await testEnv() }), false);
  } finally {
    await removeImages(docker, [`${image.image}:v1`]);
    await docker.close();
  }
});

void test('--skip-push and skipPush tag in the engine only; status then asks the engine', async () => {
  const dir = await makeProject({});
  const image = imageConfig({ name: 'api', image: uniqueRepo('127.0.0.1:5000', 'skip') });
  const task = taskNode('tag', dir, image);
  const env = await testEnv();
  const upstream = await baseImageOutput(image, ['a', 'b']);
  const docker = await engine();
  try {
    const ctx = taskContext(task, env, { upstream, settings: settings({ skipPush: true }) });
    const run = await tagKind.run(task, ctx);
    assert.ok(run.ok, JSON.stringify(run.ok ? '' : run.error));
    const data = run.value.data;
    assert.equal(data.pushed, false);
    assert.deepEqual(data.refs, [`${image.image}:a`, `${image.image}:b`]);
    assert.equal(data.digest, data.imageId);
    for (const ref of data.refs) {
      const info = await inspectImage(docker, ref);
      assert.ok(info.ok && info.value);
      assert.equal(info.value.id, data.imageId);
    }
    assert.equal(await imageInRegistry(image, 'a', { env }), false);
    assert.deepEqual(await tagKind.status?.(task, run.value, ctx), { present: true });
    await removeImages(docker, [`${image.image}:b`]);
    assert.equal((await tagKind.status?.(task, run.value, ctx))?.present, false);

    const inputs = await tagKind.inputs(task, {
      env,
      settings: settings({ skipPush: true }),
      listFiles: async () => [],
    });
    assert.ok(inputs.ok);
    assert.equal((inputs.value.spec as { push: boolean }).push, false);
    assert.doesNotMatch(JSON.stringify(inputs.value), /password|auth/i);
  } finally {
    await removeImages(docker, [`${image.image}:a`, `${image.image}:b`]);
    await docker.close();
  }
});

void test('custom-builder images: tag only records the refs and never asks the engine', async () => {
  const dir = await makeProject({});
  const image = imageConfig({
    name: 'tool',
    image: uniqueRepo('127.0.0.1:5000', 'custom'),
    builder: {
      kind: 'custom',
      command: 'true',
      args: [],
      appendArgs: [],
      onChange: [],
      skipImageArg: false,
      imageTagOnly: false,
    },
  });
  const task = taskNode('tag', dir, image);
  const data: BuiltImage = { name: 'tool', image: image.image, tag: 't1', tags: ['t1', 't2'], imageId: '' };
  const upstream = new Map([['build:tool', { digest: 'custom-key', data }]]);
  const env = await testEnv({ DOCKER_HOST: `unix://${dir}/nothing.sock` });
  const ctx = taskContext(task, env, { upstream });
  const run = await tagKind.run(task, ctx);
  assert.ok(run.ok, JSON.stringify(run.ok ? '' : run.error));
  assert.deepEqual(run.value.data.refs, [`${image.image}:t1`, `${image.image}:t2`]);
  assert.deepEqual(await tagKind.status?.(task, run.value, ctx), { present: true });
});

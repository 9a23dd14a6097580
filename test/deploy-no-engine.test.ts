// With everything cached and the images in the registry, a deploy needs no Docker Engine: "is the image still
// there?" is answered by the registry when the engine cannot be reached. When neither can, one clear error.
// The registry is reached through a proxy of this test's own, so that it can be taken away.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';
import test from 'node:test';
import { runDsg, tempDir } from './helpers/cli.ts';
import { endStatuses, jsonEvents } from './helpers/custom-project.ts';
import { repoRoot } from './helpers/paths.ts';
import { startKubeServer } from './kube-server/index.ts';
import { BASE_IMAGE, uniqueRepo } from './fixtures/docker/task.ts';

/** A TCP proxy to the test registry on 127.0.0.1:5000, on a random port; `close` makes it unreachable. */
async function registryProxy(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(5000, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

test('a cached deploy answers "image exists" from the registry when the engine is gone; neither is an error', async () => {
  const proxy = await registryProxy();
  const server = await startKubeServer({ readyDelayMs: 5 });
  try {
    const dir = await tempDir('dsg-noengine-');
    const repo = uniqueRepo(`127.0.0.1:${proxy.port}`, 'noengine');
    await mkdir(join(dir, 'api'));
    await mkdir(join(dir, 'kube'));
    await writeFile(join(dir, 'api/Dockerfile'), `FROM ${BASE_IMAGE}\nCOPY . /app\n`);
    await writeFile(join(dir, 'api/main.sh'), 'echo hello\n');
    await writeFile(
      join(dir, 'kube/api.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: ${repo}\n`,
    );
    await writeFile(
      join(dir, 'devspace.yaml'),
      `version: v2beta1\nname: noengine\nimages:\n  api:\n    image: ${repo}\n    context: ./api\n    dockerfile: ./api/Dockerfile\ndeployments:\n  api:\n    kubectl:\n      manifests:\n        - kube/api.yaml\n`,
    );
    const kubeconfig = join(dir, 'kubeconfig');
    await server.writeKubeconfig(kubeconfig);
    const env = { KUBECONFIG: kubeconfig, PATH: `${join(repoRoot, '.tools/bin')}:${process.env.PATH ?? ''}` };

    const first = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env });
    assert.equal(first.code, 0, first.stderr + first.stdout.slice(-2000));

    const dead = { ...env, DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}` };
    const cached = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env: dead });
    assert.equal(cached.code, 0, cached.stderr + cached.stdout.slice(-2000));
    assert.deepEqual([...new Set(endStatuses(cached.stdout).values())], ['cached']);
    const build = jsonEvents(cached.stdout).find((e) => e.type === 'task-end' && e.id === 'build:api');
    assert.match(
      JSON.stringify(build?.reason),
      new RegExp(
        `the Docker Engine is not reachable; image ${repo.replaceAll('.', '\\.')}:[0-9a-f]{12} is in the registry`,
      ),
    );
    // In plain output too.
    const plain = await runDsg(['run', 'deploy'], { cwd: dir, env: dead });
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /cached \(the Docker Engine is not reachable; image .* is in the registry\)/);

    await proxy.close();
    const neither = await runDsg(['run', 'deploy'], { cwd: dir, env: dead });
    assert.equal(neither.code, 1, neither.stdout);
    assert.match(neither.stderr, /Cannot reach the Docker Engine at unix:\/\/.*no-engine\.sock/);
    assert.doesNotMatch(neither.stderr, /\n\s+at .*:\d+:\d+/);
  } finally {
    await proxy.close();
    await server.close();
  }
});

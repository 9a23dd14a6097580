// DevSpace's own example projects (../shared/corpus/projects) deployed with dsg against the test cluster, with
// real builds: the image tags that end up in the cluster are the ones this run built. The corpus keeps the
// configs, manifests and charts but not the Dockerfiles and sources (see each MANIFEST.md); a temp copy gets
// small ones built on the local base image, since nothing can be pulled from Docker Hub here.
// Not deployed here: `dependencies` (its third dependency is a git repository on GitHub, out of reach here).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { inspectImage } from '../tasks/docker/images.ts';
import { runDsg, tempDir } from './helpers/cli.ts';
import { e2eCluster, type E2eCluster } from './helpers/e2e-cluster.ts';
import { engine, removeImages, runImage } from './fixtures/docker/engine.ts';
import { repoRoot } from './helpers/paths.ts';

const projects = join(repoRoot, '..', 'shared', 'corpus', 'projects');

/** A temp copy of corpus project `name` with `files` added (the omitted Dockerfiles and sources). */
async function corpusProject(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(await tempDir('dsg-corpus-'), name);
  await cp(join(projects, name), dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** A Dockerfile on the local base image that copies its context, and a source file unique to this run. */
function buildable(prefix: string, marker: string, source = 'app.txt'): Record<string, string> {
  return {
    [join(prefix, 'Dockerfile')]: 'FROM dsg-test/busybox:1\nCOPY . /app\n',
    [join(prefix, source)]: `${marker}\n`,
  };
}

interface Workload {
  spec?: { template?: { spec?: { containers?: { image?: string }[] } } };
}

async function imageOf(cluster: E2eCluster, name: string): Promise<string> {
  const live = (await cluster.get('apps/v1', 'Deployment', name)) as Workload | undefined;
  return live?.spec?.template?.spec?.containers?.[0]?.image ?? '(no deployment)';
}

/** Asserts that `ref` was built by this run: a content-keyed tag, in the engine, holding `marker`. */
async function assertBuilt(ref: string, repository: string, marker: string, file: string): Promise<void> {
  assert.match(ref, new RegExp(`^${repository.replace(/[./]/g, '\\$&')}:[0-9a-f]{12}$`), ref);
  const docker = await engine();
  try {
    const found = await inspectImage(docker, ref, new AbortController().signal);
    assert.ok(found.ok && found.value, `${ref} is in the Docker Engine`);
    assert.equal((await runImage(docker, ref, ['cat', file])).trim(), marker, `${ref} is this run's build`);
  } finally {
    await docker.close();
  }
}

async function cleanup(refs: string[]): Promise<void> {
  const docker = await engine();
  try {
    await removeImages(docker, refs);
  } finally {
    await docker.close();
  }
}

test('custom-builder: the custom command builds the image it is told to, and that tag is deployed', async () => {
  const cluster = await e2eCluster();
  const marker = `custom-${randomBytes(6).toString('hex')}`;
  let deployed = '';
  try {
    const dir = await corpusProject('custom-builder', {
      'custom/Dockerfile': 'FROM dsg-test/busybox:1\nCOPY main.go /app/main.go\n',
      'main.go': `${marker}\n`,
      'go.mod': 'module example\n',
    });
    const r = await runDsg(['run', 'deploy'], { cwd: dir, env: cluster.env });
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
    deployed = await imageOf(cluster, 'devspace');
    await assertBuilt(deployed, 'myusername/devspace', marker, '/app/main.go');
  } finally {
    await cluster.close();
    if (deployed.includes(':')) await cleanup([deployed]);
  }
});

test("microservices (v5.18.4, one config): node's manifest and php's chart (its own values.yaml) deploy this run's builds", async () => {
  const cluster = await e2eCluster();
  const marker = `node-${randomBytes(6).toString('hex')}`;
  const built: string[] = [];
  try {
    const dir = await corpusProject('microservices-v5.18.4', {
      ...buildable('node', marker),
      ...buildable('php', `php-${marker}`),
    });
    // The example says so itself: without pushing (its images are named for Docker Hub).
    const r = await runDsg(['run', 'deploy', '--skip-push'], { cwd: dir, env: cluster.env });
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
    const node = await imageOf(cluster, 'devspace');
    built.push(node);
    await assertBuilt(node, 'node', marker, '/app/app.txt');
    // The deployment sets no values: the image comes from `containers.php.image: php` in the chart's values.yaml.
    const php = await imageOf(cluster, 'devspace-php');
    built.push(php);
    await assertBuilt(php, 'php', `php-${marker}`, '/app/app.txt');
  } finally {
    await cluster.close();
    await cleanup(built.filter((b) => b.includes(':')));
  }
});

test('microservices (dependencies node and php): the php image is deployed through its helm values', async () => {
  const cluster = await e2eCluster();
  const marker = `php-${randomBytes(6).toString('hex')}`;
  const built: string[] = [];
  try {
    const dir = await corpusProject('microservices', {
      ...buildable('php', marker),
      ...buildable('node', `node-${marker}`),
    });
    const r = await runDsg(['run', 'deploy', '--skip-push'], { cwd: dir, env: cluster.env });
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
    const php = await imageOf(cluster, 'php');
    built.push(php);
    await assertBuilt(php, 'myuser/php', marker, '/app/app.txt');
    // node's manifest names the stock `node` image, not its `myuser/node`: DevSpace leaves it, and so does dsg.
    assert.equal(await imageOf(cluster, 'devspace'), 'node');
  } finally {
    await cluster.close();
    await cleanup(built.filter((b) => b.includes(':')));
  }
});

test('kustomize: the kustomization deploys as written (the example builds no image)', async () => {
  const cluster = await e2eCluster();
  try {
    const dir = await corpusProject('kustomize', {});
    const r = await runDsg(['run', 'deploy'], { cwd: dir, env: cluster.env });
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
    assert.equal(await imageOf(cluster, 'my-app'), 'yourusername/devspace');
    assert.ok(await cluster.get('v1', 'Service', 'my-service'));
  } finally {
    await cluster.close();
  }
});

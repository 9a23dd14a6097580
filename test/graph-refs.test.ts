// The compiler through the owners it shares with the run and render: every `${runtime...}` reference is an
// edge to the task that fills it in (dependencies included) or a located error, and the manifest files it
// reads for image references are exactly those render applies.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { runDsg, tempDir } from './helpers/cli.ts';

async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('dsg-refs-');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

interface Edge {
  from: string;
  to: string;
  implicit: boolean;
  detail: string;
}

async function edges(dir: string): Promise<Edge[]> {
  const r = await runDsg(['graph', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { edges: Edge[] }).edges;
}

const images =
  'images:\n  api:\n    image: 127.0.0.1:5000/refs/api\n  web:\n    image: 127.0.0.1:5000/refs/web\n';

test('a folder of manifests with an upper-case .YAML file gives an explicit edge, as render reads the file', async () => {
  const dir = await project({
    'devspace.yaml': `version: v2beta1\nname: refs\n${images}deployments:\n  web:\n    kubectl:\n      manifests: [kube]\n`,
    'kube/web.YAML':
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: w\n      image: 127.0.0.1:5000/refs/web\n',
  });
  const into = (await edges(dir)).filter((e) => e.to === 'render:web');
  assert.deepEqual(
    into.map((e) => [e.from, e.implicit]),
    [['tag:web', false]],
  );
});

test('a runtime reference in a manifest file to an unknown image is an error at its file and line', async () => {
  const dir = await project({
    'devspace.yaml': `version: v2beta1\nname: refs\n${images}deployments:\n  web:\n    kubectl:\n      manifests: [kube/web.yaml]\n`,
    'kube/web.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata:\n  image: ${runtime.images.db.image}\n',
  });
  const r = await runDsg(['graph'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^kube\/web\.yaml:5:1: error: Image "db" used by kube\/web\.yaml is not defined in images/m,
  );
  assert.match(r.stderr, /defined images: "api", "web"/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('an expression that is no runtime reference is a located error, in a build or a deployment', async () => {
  const dir = await project({
    'devspace.yaml': `version: v2beta1\nname: refs\n${images.replace('refs/api\n', 'refs/api\n    buildArgs:\n      BASE: ${runtime.images.web.digest}\n')}`,
    Dockerfile: 'FROM scratch\n',
  });
  const r = await runDsg(['graph'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /devspace\.yaml:4:3: error: Cannot resolve "\$\{runtime\.images\.web\.digest\}" in image "api"/,
  );
});

test('runtime references into a dependency are edges from its tasks; an unknown dependency is an error', async () => {
  const dir = await project({
    'devspace.yaml': [
      'version: v2beta1',
      'name: app',
      'images:',
      '  app:',
      '    image: 127.0.0.1:5000/refs/app',
      '    buildArgs:',
      '      BASE: ${runtime.dependencies.db.images.pg.image}:${runtime.dependencies.db.images.pg.tag}',
      'dependencies:',
      '  db:',
      '    path: ./db',
      'deployments:',
      '  app:',
      '    helm:',
      '      chart: {name: ./chart}',
      '      values:',
      '        pg: ${runtime.dependencies.db.images.pg.image}',
      '',
    ].join('\n'),
    'db/devspace.yaml': 'version: v2beta1\nname: db\nimages:\n  pg:\n    image: 127.0.0.1:5000/refs/pg\n',
    'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
  });
  const all = await edges(dir);
  const has = (from: string, to: string): boolean => all.some((e) => e.from === from && e.to === to);
  assert.ok(has('db/build:pg', 'build:app'), JSON.stringify(all));
  assert.ok(has('db/tag:pg', 'render:app'), JSON.stringify(all));
  await writeFile(
    join(dir, 'devspace.yaml'),
    'version: v2beta1\nname: app\nimages:\n  app:\n    image: x/app\n    buildArgs:\n      B: ${runtime.dependencies.cache.images.pg.tag}\n',
  );
  const r = await runDsg(['graph'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /error: Dependency "cache" of "\$\{runtime\.dependencies\.cache\.images\.pg\.tag\}" in image "app" is not defined/,
  );
});

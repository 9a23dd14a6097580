// Deployments wait only for their own images: kustomizations and local charts are read statically (resources,
// components, patches, `images:` renames; a chart's default values and templates), only what cannot be read falls
// back to every image of the project, and `dsg graph` says why. Render agrees with the edges it is given.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { BASE_IMAGE } from './fixtures/docker/task.ts';
import { webChart } from './fixtures/render/chart.ts';
import { runDsg, tempDir } from './helpers/cli.ts';
import { endStatuses } from './helpers/custom-project.ts';

interface GraphJson {
  edges: { from: string; to: string; implicit: boolean; detail: string }[];
}

const deployment = (name: string, image: string): string =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${name}}`,
    'spec:',
    '  selector: {matchLabels: {app: x}}',
    '  template:',
    '    metadata: {labels: {app: x}}',
    '    spec:',
    `      containers: [{name: c, image: "${image}"}]`,
    '',
  ].join('\n');

async function precisionProject(registry: string): Promise<string> {
  const dir = await tempDir('dsg-precision-');
  const chart = webChart('charts/web');
  chart['charts/web/values.yaml'] =
    `image:\n  repository: ${registry}/web\n  tag: ""\nsidecar: busybox\nreplicas: 1\n`;
  chart['charts/web/templates/job.yaml'] = [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata: {name: "{{ .Release.Name }}-migrate"}',
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    `      containers: [{name: m, image: "${registry}/migrate:{{ .Chart.AppVersion }}"}]`,
    '',
  ].join('\n');
  const files: Record<string, string> = {
    ...chart,
    'base/kustomization.yaml': 'resources: [deploy.yaml]\n',
    'base/deploy.yaml': deployment('app', 'app'),
    'overlay/kustomization.yaml': [
      'resources: [../base]',
      'images:',
      `- {name: app, newName: ${registry}/api}`,
      `- {name: ${registry}/web, newName: other/web}`,
      '',
    ].join('\n'),
    'remote/kustomization.yaml': 'resources:\n- https://github.com/example/app//deploy?ref=v1\n',
  };
  for (const name of ['api', 'web', 'worker', 'migrate'])
    files[`${name}/Dockerfile`] = `FROM ${BASE_IMAGE}\nLABEL image=${name}\n`;
  for (const [file, content] of Object.entries(files)) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), content);
  }
  const yaml = ['version: v2beta1', 'name: precision', 'images:'];
  for (const name of ['api', 'web', 'worker', 'migrate'])
    yaml.push(
      `  ${name}:`,
      `    image: ${registry}/${name}`,
      `    dockerfile: ${name}/Dockerfile`,
      `    context: ${name}`,
    );
  yaml.push(
    'deployments:',
    '  app:',
    '    kubectl: {kustomize: true, manifests: [overlay]}',
    '  remote:',
    '    kubectl: {kustomize: true, manifests: [remote]}',
    '  web:',
    '    helm: {chart: {name: ./charts/web}}',
    '  hosted:',
    '    helm: {chart: {name: nginx, repo: "https://charts.example.com"}}',
  );
  await writeFile(join(dir, 'devspace.yaml'), `${yaml.join('\n')}\n`);
  return dir;
}

const into = (g: GraphJson, to: string): string[] =>
  g.edges
    .filter((e) => e.to === to && e.from.startsWith('tag:'))
    .map((e) => `${e.from}${e.implicit ? ' (implicit)' : ''}`)
    .sort();

async function graph(dir: string): Promise<GraphJson> {
  const result = await runDsg(['graph', '--format', 'json'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as GraphJson;
}

test('kustomizations and local charts: edges to their own images only, implicit only where unreadable, with the reason', async () => {
  const registry = `reg.local/precision-${Date.now().toString(36)}`;
  const dir = await precisionProject(registry);
  const g = await graph(dir);
  // The overlay renames `app` to the api image and the web image away: api only.
  assert.deepEqual(into(g, 'render:app'), ['tag:api']);
  const app = g.edges.find((e) => e.from === 'tag:api' && e.to === 'render:app');
  assert.equal(app?.detail, `image: ${registry}/api (app before kustomize images:) in base/deploy.yaml`);
  // The chart's default values name web, a template names migrate literally.
  assert.deepEqual(into(g, 'render:web'), ['tag:migrate', 'tag:web']);
  const migrate = g.edges.find((e) => e.from === 'tag:migrate' && e.to === 'render:web');
  assert.match(migrate?.detail ?? '', /charts\/web\/templates\/job\.yaml:8$/);
  // What cannot be read: every image, and why.
  assert.deepEqual(into(g, 'render:remote'), [
    'tag:api (implicit)',
    'tag:migrate (implicit)',
    'tag:web (implicit)',
    'tag:worker (implicit)',
  ]);
  const remote = g.edges.find((e) => e.to === 'render:remote');
  assert.match(remote?.detail ?? '', /remote base "https:\/\/github\.com\/example\/app\/\/deploy\?ref=v1"/);
  assert.match(
    g.edges.find((e) => e.to === 'render:hosted')?.detail ?? '',
    /chart "nginx" is not local and its values name no image/,
  );
  const text = await runDsg(['graph', '--focus', 'render:remote'], { cwd: dir });
  assert.match(text.stdout, /tag:api {2}\(implicit: every image of the project: remote base "https:/);

  // The files read are in the graph's memo: a changed resource changes the edges on the next call.
  await writeFile(join(dir, 'base/deploy.yaml'), deployment('app', `${registry}/worker`));
  assert.deepEqual(into(await graph(dir), 'render:app'), ['tag:worker']);
  await writeFile(join(dir, 'charts/web/values.yaml'), 'image:\n  repository: nginx\nreplicas: 1\n');
  assert.deepEqual(into(await graph(dir), 'render:web'), ['tag:migrate']);
});

test('render of a kustomization waits for its own images and gets their tags, renamed or not', async () => {
  const registry = `dsg-precision-${Date.now().toString(36)}`;
  const dir = await precisionProject(registry);
  // The remote base and chart cannot be fetched here: the rest still renders.
  const run = await runDsg(['run', 'render', '--skip-push', '--keep-going', '--json'], { cwd: dir });
  const statuses = endStatuses(run.stdout);
  assert.equal(statuses.get('render:app'), 'ran', run.stderr + run.stdout.slice(-2000));
  const rendered = await readFile(join(dir, '.dsg/rendered/app.yaml'), 'utf8');
  assert.match(rendered, new RegExp(`image: ${registry}/api:[0-9a-f]{12}\\n`));
});

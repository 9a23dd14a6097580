// Helm deployments rendered with the real helm: local and OCI charts, values and values files, tag
// replacement in values, and the errors of a missing chart, a failing template and an unreachable repo.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import type { HelmDeployment } from '../core/config.ts';
import { renderKind } from '../tasks/render/kind.ts';
import { runProcess } from '../core/process.ts';
import { webChart } from './fixtures/render/chart.ts';
import {
  helmDeployment,
  inputsContext,
  makeProject,
  renderNode,
  settings,
  taggedImage,
  taskContext,
  toolEnv,
} from './fixtures/render/tasks.ts';
import { tempDir } from './helpers/cli.ts';

const web = taggedImage('web', '127.0.0.1:5000/shop/web', 'abc123');

async function renderHelm(
  dir: string,
  deployment: HelmDeployment,
  extraSettings: { namespace?: string } = {},
) {
  const stateDir = await tempDir('dsg-render-state-');
  const task = renderNode(dir, deployment, ['tag:web']);
  const ctx = taskContext(task, await toolEnv(), settings(stateDir, extraSettings), {
    upstream: new Map([['tag:web', web]]),
  });
  const result = await renderKind.run(task, ctx);
  const read = async (): Promise<{ objects: Record<string, unknown>[]; values: unknown }> => {
    assert.ok(result.ok, JSON.stringify(result));
    const { data } = result.value;
    const text = await readFile(join(stateDir, data.file), 'utf8');
    const values = parse(await readFile(join(stateDir, data.valuesFile ?? ''), 'utf8')) as unknown;
    return { objects: parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>), values };
  };
  return { result, read };
}

test('a local chart renders with values files, inline values and the image tag set in a repository/tag map', async () => {
  const dir = await makeProject({ ...webChart(), 'values-prod.yaml': 'replicas: 3\ngreeting: from-file\n' });
  const deployment = helmDeployment({
    name: 'shop',
    chart: { name: './charts/web' },
    valuesFiles: ['values-prod.yaml'],
    values: { image: { repository: '127.0.0.1:5000/shop/web' }, greeting: 'inline' },
  });
  const { read } = await renderHelm(dir, deployment, { namespace: 'shop-ns' });
  const { objects, values } = await read();
  assert.deepEqual(
    objects.map((o) => o['kind']),
    ['ConfigMap', 'Deployment'],
  );
  const [configMap, dep] = objects;
  assert.deepEqual(configMap?.['data'], { greeting: 'inline' });
  const metadata = dep?.['metadata'] as { name: string; namespace: string };
  assert.equal(metadata.name, 'shop');
  assert.equal(metadata.namespace, 'shop-ns');
  const spec = dep?.['spec'] as { replicas: number; template: { spec: { containers: { image: string }[] } } };
  assert.equal(spec.replicas, 3);
  assert.deepEqual(
    spec.template.spec.containers.map((c) => c.image),
    ['127.0.0.1:5000/shop/web:abc123', 'busybox'],
  );
  assert.deepEqual(values, {
    replicas: 3,
    greeting: 'inline',
    image: { repository: '127.0.0.1:5000/shop/web', tag: 'abc123' },
  });
});

test('inputs list the chart and values files, the helm version and the namespace', async () => {
  const dir = await makeProject({ ...webChart(), 'values-prod.yaml': 'replicas: 3\n' });
  const task = renderNode(
    dir,
    helmDeployment({ name: 'shop', chart: { name: 'charts/web' }, valuesFiles: ['values-prod.yaml'] }),
  );
  const inputs = await renderKind.inputs(
    task,
    inputsContext(task, await toolEnv(), settings('.dsg', { namespace: 'ns1' })),
  );
  assert.ok(inputs.ok, JSON.stringify(inputs));
  assert.deepEqual(inputs.value.files, [
    'charts/web/Chart.yaml',
    'charts/web/templates/configmap.yaml',
    'charts/web/templates/deployment.yaml',
    'charts/web/values.yaml',
    'values-prod.yaml',
  ]);
  assert.match(inputs.value.tools['helm'] ?? '', /^v3\./);
  assert.equal((inputs.value.spec as { namespace: string }).namespace, 'ns1');
});

test('an OCI chart from the local registry renders like a local one', async () => {
  const dir = await makeProject(webChart());
  const env = await toolEnv();
  const out = await tempDir('dsg-chart-pkg-');
  const pkg = await runProcess('helm', ['package', 'charts/web', '-d', out], { cwd: dir, env });
  assert.ok(pkg.ok && pkg.value.code === 0, JSON.stringify(pkg));
  const repo = `oci://127.0.0.1:5000/dsg-test/charts-${randomBytes(4).toString('hex')}`;
  const push = await runProcess('helm', ['push', join(out, 'web-0.1.0.tgz'), repo, '--plain-http'], {
    cwd: dir,
    env,
  });
  assert.ok(push.ok && push.value.code === 0, JSON.stringify(push));
  const { read } = await renderHelm(
    dir,
    helmDeployment({
      name: 'oci',
      chart: { name: `${repo}/web`, version: '0.1.0' },
      values: { sidecar: 'nginx' },
    }),
  );
  const { objects } = await read();
  const dep = objects.find((o) => o['kind'] === 'Deployment');
  assert.match(JSON.stringify(dep), /"image":"nginx"/);
  const missing = await renderHelm(
    dir,
    helmDeployment({ name: 'oci', chart: { name: `${repo}/nope`, version: '0.1.0' } }),
  );
  assert.equal(missing.result.ok, false);
  assert.match(
    missing.result.ok ? '' : missing.result.error.message,
    /^Cannot find chart "oci:\/\/127\.0\.0\.1:5000\/.*\/nope:0\.1\.0": /,
  );
});

test('a missing local chart is named plainly', async () => {
  const dir = await makeProject({});
  const { result } = await renderHelm(dir, helmDeployment({ name: 'shop', chart: { name: 'charts/none' } }));
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.error.message, /^Cannot find chart "charts\/none": no such folder/);
});

test("a failing template reports the first lines of helm's error", async () => {
  const dir = await makeProject(webChart());
  const { result } = await renderHelm(
    dir,
    helmDeployment({ name: 'shop', chart: { name: 'charts/web' }, values: { fail: true } }),
  );
  assert.equal(result.ok, false);
  assert.match(
    result.ok ? '' : result.error.message,
    /^Cannot render chart "charts\/web" of deployment "shop": .*the values ask this chart to fail/,
  );
});

test('a chart repository that cannot be reached is a clear error', async () => {
  const dir = await makeProject({});
  const { result } = await renderHelm(
    dir,
    helmDeployment({ name: 'shop', chart: { name: 'nginx', repo: 'http://127.0.0.1:9/charts' } }),
  );
  assert.equal(result.ok, false);
  assert.match(
    result.ok ? '' : result.error.message,
    /^Cannot fetch chart "nginx" from repository "http:\/\/127\.0\.0\.1:9\/charts": the repository cannot be reached/,
  );
});

test("a local chart's own values.yaml gets the built tags as the deployment's values do, folder or packaged, unless the values set them", async () => {
  const chart = webChart();
  chart['charts/web/values.yaml'] = [
    'image:',
    '  repository: 127.0.0.1:5000/shop/web',
    '  tag: ""',
    'sidecar: 127.0.0.1:5000/shop/web',
    'pinned: 127.0.0.1:5000/shop/web:1.0',
    'unrelated: nginx',
    'replicas: 1',
    '',
  ].join('\n');
  const dir = await makeProject(chart);
  const images = (objects: Record<string, unknown>[]): string[] =>
    [...JSON.stringify(objects.find((o) => o['kind'] === 'Deployment')).matchAll(/"image":"([^"]+)"/g)].map(
      (m) => m[1] ?? '',
    );
  // Folder chart, no values: every untagged default naming the image gets its tag; the explicit one stays.
  const bare = await renderHelm(dir, helmDeployment({ name: 'shop', chart: { name: './charts/web' } }));
  const first = await bare.read();
  assert.deepEqual(images(first.objects), [
    '127.0.0.1:5000/shop/web:abc123',
    '127.0.0.1:5000/shop/web:abc123',
  ]);
  assert.deepEqual(first.values, {
    image: { tag: 'abc123' },
    sidecar: '127.0.0.1:5000/shop/web:abc123',
  });
  // The deployment's values win: another repository keeps the chart's (empty) tag, a sidecar set stays as set.
  const set = await renderHelm(
    dir,
    helmDeployment({
      name: 'shop',
      chart: { name: './charts/web' },
      values: { image: { repository: 'nginx' }, sidecar: 'busybox' },
    }),
  );
  assert.deepEqual(images((await set.read()).objects), ['nginx:1.0', 'busybox']);
  // The same chart packaged: its values.yaml is read from the archive.
  const env = await toolEnv();
  const pkg = await runProcess('helm', ['package', 'charts/web', '-d', 'packaged'], { cwd: dir, env });
  assert.ok(pkg.ok && pkg.value.code === 0, JSON.stringify(pkg));
  const packaged = await renderHelm(
    dir,
    helmDeployment({ name: 'shop', chart: { name: 'packaged/web-0.1.0.tgz' } }),
  );
  assert.deepEqual(images((await packaged.read()).objects), [
    '127.0.0.1:5000/shop/web:abc123',
    '127.0.0.1:5000/shop/web:abc123',
  ]);
  // updateImageTags: false leaves the chart's defaults alone too.
  const off = await renderHelm(
    dir,
    helmDeployment({ name: 'shop', chart: { name: './charts/web' }, updateImageTags: false }),
  );
  assert.deepEqual(images((await off.read()).objects), [
    '127.0.0.1:5000/shop/web:1.0',
    '127.0.0.1:5000/shop/web',
  ]);
});

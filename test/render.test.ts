// Render of kubectl deployments: files, folders, globs, inline manifests, kustomize, patches, the rendered
// file and its status, the inputs, and the errors that name the file and line.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../core/diagnostics.ts';
import type { Result } from '../core/result.ts';
import { renderKind } from '../tasks/render/kind.ts';
import { loadRenderedObjects, type RenderedData } from '../tasks/render/output.ts';
import type { TaskOutput } from '../core/task-kind.ts';
import { brokenManifest, kindlessManifest } from './fixtures/render/chart.ts';
import {
  fixtureProject,
  inputsContext,
  kubectlDeployment,
  makeProject,
  renderNode,
  settings,
  taggedImage,
  taskContext,
  toolEnv,
} from './fixtures/render/tasks.ts';
import { tempDir } from './helpers/cli.ts';

const web = taggedImage('web', '127.0.0.1:5000/shop/web', 'abc123');

async function render(
  deployment: Parameters<typeof renderNode>[1],
  dir = fixtureProject,
): Promise<{ result: Result<TaskOutput<RenderedData>, Diagnostic>; stateDir: string; lines: string[] }> {
  const stateDir = await tempDir('dsg-render-state-');
  const task = renderNode(dir, deployment, ['tag:web']);
  const ctx = taskContext(task, await toolEnv(), settings(stateDir), {
    upstream: new Map([['tag:web', web]]),
  });
  return { result: await renderKind.run(task, ctx), stateDir, lines: ctx.lines };
}

async function renderedObjects(
  stateDir: string,
  output: TaskOutput<RenderedData>,
): Promise<Record<string, unknown>[]> {
  const { data } = output;
  const text = await readFile(join(stateDir, data.file), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

test('a folder renders its YAML files in name order, a List expands, other files are ignored', async () => {
  const { result, stateDir } = await render(
    kubectlDeployment({ name: 'web', manifests: ['kube/', 'more/extra.yaml'] }),
  );
  assert.ok(result.ok, JSON.stringify(result));
  const data = result.value.data;
  assert.equal(data.file, 'rendered/web.yaml');
  assert.deepEqual(
    data.objects.map((o) => `${o.kind}/${o.name}`),
    ['ConfigMap/web-config', 'Deployment/web', 'Service/web', 'ConfigMap/extra-a', 'ConfigMap/extra-b'],
  );
  assert.equal(data.objects[1]?.source, 'kube/deployment.yaml:1');
  assert.equal(data.objects[2]?.source, 'kube/deployment.yaml:28');
  assert.match(data.objects[0]?.digest ?? '', /^[0-9a-f]{64}$/);
  const objects = await renderedObjects(stateDir, result.value);
  assert.equal(objects.length, 5);
  // YAML 1.1 readers (kubectl) must still see the string "on".
  const text = await readFile(join(stateDir, data.file), 'utf8');
  assert.match(text, /mode: "on"/);
});

test('globs select files, each file once, in a stable order', async () => {
  const { result } = await render(
    kubectlDeployment({ name: 'web', manifests: ['kube/*.y*ml', 'kube/config.yml'] }),
  );
  assert.ok(result.ok);
  const data = result.value.data;
  assert.deepEqual(
    data.objects.map((o) => o.name),
    ['web-config', 'web', 'web'],
  );
});

test('rendering twice gives the same digest; the status holds until the file is edited', async () => {
  const deployment = kubectlDeployment({ name: 'web', manifests: ['kube/'] });
  const first = await render(deployment);
  const second = await render(deployment);
  assert.ok(first.result.ok && second.result.ok);
  assert.equal(first.result.value.digest, second.result.value.digest);
  const task = renderNode(fixtureProject, deployment, ['tag:web']);
  const ctx = taskContext(task, await toolEnv(), settings(first.stateDir));
  assert.deepEqual(await renderKind.status?.(task, first.result.value, ctx), { present: true });
  await writeFile(join(first.stateDir, 'rendered/web.yaml'), 'edited: true\n');
  const status = await renderKind.status?.(task, first.result.value, ctx);
  assert.ok(status && !status.present);
  assert.match(status.missing, /rendered\/web\.yaml/);
});

test('deploy reads the JSON copy of the render, and the YAML when the copy no longer matches', async () => {
  const { result, stateDir } = await render(kubectlDeployment({ name: 'web', manifests: ['kube/'] }));
  assert.ok(result.ok);
  const data = result.value.data;
  const yamlText = await readFile(join(stateDir, data.file), 'utf8');
  const fromJson = await loadRenderedObjects(stateDir, result.value, 'not: used');
  assert.equal(fromJson.length, 3);
  assert.deepEqual(fromJson, await renderedObjects(stateDir, result.value));
  const tampered = JSON.parse(await readFile(join(stateDir, data.json ?? ''), 'utf8')) as { kind: string }[];
  tampered[0] = { kind: 'Tampered' };
  await writeFile(join(stateDir, data.json ?? ''), JSON.stringify(tampered));
  const fromYaml = await loadRenderedObjects(stateDir, result.value, yamlText);
  assert.deepEqual(fromYaml, fromJson);
});

test('an inline manifest renders, with runtime image references resolved', async () => {
  const inlineManifest = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: inline',
    'data:',
    '  both: ${runtime.images.web}',
    '  tag: ${runtime.images.web.tag}',
  ].join('\n');
  const { result, stateDir } = await render(kubectlDeployment({ name: 'inline', inlineManifest }));
  assert.ok(result.ok, JSON.stringify(result));
  const [object] = await renderedObjects(stateDir, result.value);
  assert.deepEqual(object?.['data'], { both: '127.0.0.1:5000/shop/web:abc123', tag: 'abc123' });
});

test('kustomize folders are built with kubectl kustomize', async () => {
  const { result, stateDir } = await render(
    kubectlDeployment({ name: 'api', kustomize: true, manifests: ['overlay/kustomization.yaml'] }),
  );
  assert.ok(result.ok, JSON.stringify(result));
  const [object] = await renderedObjects(stateDir, result.value);
  const metadata = object?.['metadata'] as { name: string; labels: Record<string, string> };
  assert.equal(metadata.name, 'staging-api');
  assert.equal(metadata.labels['env'], 'staging');
  const spec = JSON.stringify(object?.['spec']);
  assert.match(spec, /127\.0\.0\.1:5000\/shop\/web:abc123/);
});

test("a broken kustomization fails with kubectl kustomize's message", async () => {
  const { result } = await render(kubectlDeployment({ name: 'api', kustomize: true, manifests: ['kube'] }));
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.error.message, /^Cannot build kustomization "kube": .*kustomization/i);
});

test('patches replace, add and remove by DevSpace paths, only on their target', async () => {
  const deployment = kubectlDeployment({
    name: 'web',
    manifests: ['kube/deployment.yaml'],
    patches: [
      { op: 'replace', path: 'spec.replicas', value: 3, target: { kind: 'Deployment', name: 'web' } },
      {
        op: 'add',
        path: 'metadata.annotations',
        value: { team: 'shop' },
        target: { name: 'web', kind: 'Service' },
      },
      {
        op: 'remove',
        path: 'spec.template.spec.containers.name=sidecar',
        target: { name: 'web', kind: 'Deployment' },
      },
      {
        op: 'replace',
        path: "spec.template.spec.containers[?(@.name=='pinned')].image",
        value: 'busybox:1',
        target: { name: 'web', apiVersion: 'apps/v1' },
      },
      {
        op: 'add',
        path: '/spec/template/spec/containers/-',
        value: { name: 'extra', image: 'busybox' },
        target: { name: 'web', kind: 'Deployment' },
      },
    ],
  });
  const { result, stateDir } = await render(deployment);
  assert.ok(result.ok, JSON.stringify(result));
  const [dep, svc] = await renderedObjects(stateDir, result.value);
  const spec = dep?.['spec'] as {
    replicas: number;
    template: { spec: { containers: { name: string; image: string }[] } };
  };
  assert.equal(spec.replicas, 3);
  assert.deepEqual(
    spec.template.spec.containers.map((c) => `${c.name}=${c.image}`),
    ['web=127.0.0.1:5000/shop/web:abc123', 'pinned=busybox:1', 'extra=busybox'],
  );
  assert.deepEqual((svc?.['metadata'] as { annotations: unknown }).annotations, { team: 'shop' });
});

test('a patch whose path does not exist names the patch, the object and the path', async () => {
  const { result } = await render(
    kubectlDeployment({
      name: 'web',
      manifests: ['kube/deployment.yaml'],
      patches: [
        { op: 'replace', path: 'spec.paused', value: true, target: { name: 'web', kind: 'Deployment' } },
      ],
    }),
  );
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(
    result.error.message,
    'Cannot apply patch 1 of deployment "web" to deployment/web: replace does not apply: "spec.paused" does not exist',
  );
  assert.equal(result.error.location?.file, 'devspace.yaml');
});

test('invalid YAML fails with the file and line of the error', async () => {
  const dir = await makeProject({ 'kube/broken.yaml': brokenManifest });
  const { result } = await render(kubectlDeployment({ name: 'web', manifests: ['kube/broken.yaml'] }), dir);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.match(result.error.message, /^Invalid manifest "kube\/broken\.yaml": /);
  assert.equal(result.error.location?.file, 'kube/broken.yaml');
  assert.equal(result.error.location?.line, 4);
});

test('a document without kind fails with the document it is', async () => {
  const dir = await makeProject({ 'kube/nokind.yaml': kindlessManifest });
  const { result } = await render(kubectlDeployment({ name: 'web', manifests: ['kube/'] }), dir);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.error.message, 'Invalid manifest "kube/nokind.yaml": document 2 has no "kind"');
  assert.equal(result.error.location?.line, 6);
});

test('a manifest path that matches nothing is an error at the deployment', async () => {
  const { result } = await render(kubectlDeployment({ name: 'web', manifests: ['missing/*.yaml'] }));
  assert.equal(result.ok, false);
  assert.equal(
    result.ok ? '' : result.error.message,
    'Cannot find manifests "missing/*.yaml": no YAML or JSON file matches',
  );
});

test('inputs name the manifest files, the deployment without its position, and kubectl only for kustomize', async () => {
  const env = await toolEnv();
  const plain = renderNode(
    fixtureProject,
    kubectlDeployment({ name: 'web', manifests: ['kube/', 'more/'] }),
    ['tag:web'],
  );
  const inputs = await renderKind.inputs(plain, inputsContext(plain, env, settings('.dsg')));
  assert.ok(inputs.ok);
  assert.deepEqual(inputs.value.files, ['kube/config.yml', 'kube/deployment.yaml', 'more/extra.yaml']);
  assert.deepEqual(inputs.value.tools, {});
  assert.doesNotMatch(JSON.stringify(inputs.value.spec), /"at":/);
  assert.deepEqual((inputs.value.spec as { images: string[] }).images, ['tag:web']);

  const kustomized = renderNode(
    fixtureProject,
    kubectlDeployment({ name: 'api', kustomize: true, manifests: ['overlay'] }),
  );
  const k = await renderKind.inputs(kustomized, inputsContext(kustomized, env, settings('.dsg')));
  assert.ok(k.ok);
  assert.deepEqual(k.value.files, [
    'base/deployment.yaml',
    'base/kustomization.yaml',
    'overlay/kustomization.yaml',
  ]);
  assert.match(k.value.tools['kubectl'] ?? '', /^v1\.\d+\.\d+/);
});

// Deploy of kubectl deployments to the stand-in API server: first deploy, a no-op re-deploy that writes
// nothing, a one-object change, pruning, the status of a cached deploy after hand edits, and purge.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import type { DeployedData } from '../tasks/kube/deploy-objects.ts';
import { deploymentLabel, digestAnnotation, keyAnnotation } from '../tasks/kube/inventory.ts';
import {
  deployStatus,
  purgeDeploy,
  renderAndDeploy,
  testCluster,
  writes,
} from './fixtures/render/cluster.ts';
import { kubectlDeployment, makeProject } from './fixtures/render/tasks.ts';

const webYaml = (image: string, replicas = 1): string =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    `  replicas: ${replicas}`,
    '  selector:',
    '    matchLabels: { app: web }',
    '  template:',
    '    metadata:',
    '      labels: { app: web }',
    '    spec:',
    '      containers:',
    `        - { name: web, image: "${image}" }`,
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: web',
    'spec:',
    '  selector: { app: web }',
    '  ports: [{ port: 80 }]',
    '',
  ].join('\n');

const configYaml = (greeting: string): string =>
  [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: web-config',
    'data:',
    `  greeting: ${greeting}`,
    '',
  ].join('\n');

const deployment = kubectlDeployment({ name: 'web', manifests: ['kube/'] });

test('first deploy creates the namespace and the objects, labelled, and waits for the rollout', async () => {
  const cluster = await testCluster({ namespace: 'shop' });
  try {
    const dir = await makeProject({
      'kube/web.yaml': webYaml('busybox:1'),
      'kube/config.yaml': configYaml('hello'),
    });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(step.deploy.ok, JSON.stringify(step.deploy));
    const data = step.deploy.value.data as unknown as DeployedData;
    assert.equal(data.namespace, 'shop');
    assert.deepEqual(
      data.objects.map((o) => `${o.kind}/${o.namespace ?? ''}/${o.name}`),
      ['ConfigMap/shop/web-config', 'Deployment/shop/web', 'Service/shop/web'],
    );
    const live = cluster.server.getObject('apps/v1', 'Deployment', 'shop', 'web');
    assert.equal(live?.metadata.labels?.[deploymentLabel], 'web');
    assert.equal(live?.metadata.labels?.['app.kubernetes.io/managed-by'], 'dsg');
    assert.match(live?.metadata.annotations?.[digestAnnotation] ?? '', /^[0-9a-f]{64}$/);
    assert.match(live?.metadata.annotations?.[keyAnnotation] ?? '', /^[0-9a-f]{64}$/);
    assert.equal(
      (live?.['status'] as { availableReplicas?: number } | undefined)?.availableReplicas,
      1,
      'rolled out',
    );
    assert.ok(cluster.server.getObject('v1', 'Namespace', undefined, 'shop'));
    assert.ok(step.lines.includes('3 applied, 0 pruned, 0 unchanged'), step.lines.join('\n'));
    assert.deepEqual(await deployStatus(cluster, dir, deployment, step.deploy.value), { present: true });
  } finally {
    await cluster.close();
  }
});

test('re-deploying unchanged objects sends no write request; one changed manifest sends exactly that object', async () => {
  const cluster = await testCluster();
  try {
    const dir = await makeProject({
      'kube/web.yaml': webYaml('busybox:1'),
      'kube/config.yaml': configYaml('hello'),
    });
    const first = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(first.deploy.ok, JSON.stringify(first.deploy));
    cluster.server.resetStats();
    const again = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(again.deploy.ok, JSON.stringify(again.deploy));
    assert.equal(cluster.server.stats().writes, 0, writes(cluster.server).join('\n'));
    assert.equal(again.deploy.value.digest, first.deploy.value.digest);

    await writeFile(join(dir, 'kube/config.yaml'), configYaml('changed'));
    cluster.server.resetStats();
    const changed = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(changed.deploy.ok, JSON.stringify(changed.deploy));
    assert.deepEqual(writes(cluster.server), ['APPLY /api/v1/namespaces/default/configmaps/web-config']);
    const live = cluster.server.getObject('v1', 'ConfigMap', 'default', 'web-config');
    assert.deepEqual(live?.['data'], { greeting: 'changed' });
  } finally {
    await cluster.close();
  }
});

test('an object that left the render is pruned, and so is a kind that left entirely', async () => {
  const cluster = await testCluster();
  try {
    const dir = await makeProject({
      'kube/web.yaml': webYaml('busybox:1'),
      'kube/config.yaml': configYaml('hello'),
    });
    assert.ok((await renderAndDeploy(cluster, dir, deployment)).deploy.ok);
    await writeFile(
      join(dir, 'kube/web.yaml'),
      webYaml('busybox:1').split('---')[0] ?? '', // the Service is gone
    );
    cluster.server.resetStats();
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(step.deploy.ok, JSON.stringify(step.deploy));
    assert.deepEqual(writes(cluster.server), ['DELETE /api/v1/namespaces/default/services/web']);
    assert.equal(cluster.server.getObject('v1', 'Service', 'default', 'web'), undefined);

    await rm(join(dir, 'kube/config.yaml'));
    cluster.server.resetStats();
    const noConfigMaps = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(noConfigMaps.deploy.ok, JSON.stringify(noConfigMaps.deploy));
    assert.deepEqual(writes(cluster.server), ['DELETE /api/v1/namespaces/default/configmaps/web-config']);
  } finally {
    await cluster.close();
  }
});

test('status reports an object deleted or edited by hand, and the re-run puts back just that object', async () => {
  const cluster = await testCluster();
  try {
    const dir = await makeProject({
      'kube/web.yaml': webYaml('busybox:1'),
      'kube/config.yaml': configYaml('hello'),
    });
    const first = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(first.deploy.ok);
    assert.ok(cluster.server.removeObject('v1', 'Service', 'default', 'web'));
    assert.deepEqual(await deployStatus(cluster, dir, deployment, first.deploy.value), {
      present: false,
      missing: 'service/web was deleted',
    });
    cluster.server.resetStats();
    const repaired = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(repaired.deploy.ok);
    assert.deepEqual(writes(cluster.server), ['APPLY /api/v1/namespaces/default/services/web']);
    assert.deepEqual(await deployStatus(cluster, dir, deployment, repaired.deploy.value), { present: true });

    cluster.server.editObject('apps/v1', 'Deployment', 'default', 'web', (o) => {
      (o['spec'] as { replicas: number }).replicas = 3;
    });
    assert.deepEqual(await deployStatus(cluster, dir, deployment, repaired.deploy.value), {
      present: false,
      missing: 'deployment/web was edited by hand',
    });
    cluster.server.resetStats();
    const restored = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(restored.deploy.ok, JSON.stringify(restored.deploy));
    assert.deepEqual(writes(cluster.server), ['APPLY /apis/apps/v1/namespaces/default/deployments/web']);
    const live = cluster.server.getObject('apps/v1', 'Deployment', 'default', 'web');
    assert.equal((live?.['spec'] as { replicas: number }).replicas, 1);
    assert.deepEqual(await deployStatus(cluster, dir, deployment, restored.deploy.value), { present: true });
  } finally {
    await cluster.close();
  }
});

test('a CRD and its objects deploy together: the CRD first, the objects once it is established', async () => {
  const cluster = await testCluster();
  try {
    const crd = [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata: { name: widgets.example.com }',
      'spec:',
      '  group: example.com',
      '  scope: Namespaced',
      '  names: { plural: widgets, singular: widget, kind: Widget }',
      '  versions:',
      '    - name: v1',
      '      served: true',
      '      storage: true',
      '      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }',
      '',
    ].join('\n');
    const widget = [
      'apiVersion: example.com/v1',
      'kind: Widget',
      'metadata: { name: gizmo }',
      'spec: { size: 3 }',
      '',
    ].join('\n');
    const dir = await makeProject({ 'kube/a-widget.yaml': widget, 'kube/b-crd.yaml': crd });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(step.deploy.ok, JSON.stringify(step.deploy));
    assert.ok(cluster.server.getObject('example.com/v1', 'Widget', 'default', 'gizmo'));
    const applied = step.lines.filter((l) => l.startsWith('applied'));
    assert.deepEqual(applied, [
      'applied customresourcedefinition/widgets.example.com',
      'applied widget/gizmo (default)',
    ]);
  } finally {
    await cluster.close();
  }
});

test('purge deletes every object of the deployment', async () => {
  const cluster = await testCluster();
  try {
    const dir = await makeProject({
      'kube/web.yaml': webYaml('busybox:1'),
      'kube/config.yaml': configYaml('hello'),
    });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(step.deploy.ok);
    const purged = await purgeDeploy(cluster, dir, deployment, step.render);
    assert.ok(purged.ok, JSON.stringify(purged));
    assert.equal(cluster.server.getObject('apps/v1', 'Deployment', 'default', 'web'), undefined);
    assert.equal(cluster.server.getObject('v1', 'Service', 'default', 'web'), undefined);
    assert.equal(cluster.server.getObject('v1', 'ConfigMap', 'default', 'web-config'), undefined);
    const status = await deployStatus(cluster, dir, deployment, step.deploy.value);
    assert.equal(status.present, false);
  } finally {
    await cluster.close();
  }
});

// The merge logic of the test API server on its own: patches, server-side apply ownership, selectors.
import assert from 'node:assert/strict';
import test from 'node:test';
import { serverSideApply, trackUpdate } from './kube-server/apply.ts';
import type { KubeObject } from './kube-server/object.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './kube-server/patch.ts';
import { parseFieldSelector, parseLabelSelector } from './kube-server/selectors.ts';

function deployment(
  containers: { name: string; image: string }[],
  labels: Record<string, string> = { app: 'web' },
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels },
    spec: { replicas: 1, template: { spec: { containers } } },
  };
}

function containersOf(object: unknown): string[] {
  const spec = (object as { spec: { template: { spec: { containers: { name: string; image: string }[] } } } })
    .spec;
  return spec.template.spec.containers.map((c) => `${c.name}=${c.image}`);
}

test('strategic merge patch merges keyed lists and honours the directives of three-way patches', () => {
  const live = deployment([
    { name: 'web', image: 'web:1' },
    { name: 'log', image: 'log:1' },
  ]);
  const merged = strategicMergePatch(live, {
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'db' }],
          containers: [
            { name: 'web', image: 'web:2' },
            { name: 'db', image: 'db:1' },
            { name: 'log', $patch: 'delete' },
          ],
        },
      },
    },
    metadata: { labels: { app: null, tier: 'front' } },
  });
  assert.deepEqual(containersOf(merged), ['web=web:2', 'db=db:1']);
  assert.deepEqual((merged as KubeObject).metadata.labels, { tier: 'front' });

  const replaced = strategicMergePatch(live, {
    spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o:1' }] } } },
  });
  assert.deepEqual(containersOf(replaced), ['only=o:1']);

  const retained = strategicMergePatch(
    { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
    {
      strategy: { $retainKeys: ['type'], type: 'Recreate' },
    },
  );
  assert.deepEqual(retained, { strategy: { type: 'Recreate' } });

  const finalizers = strategicMergePatch(
    { metadata: { finalizers: ['a', 'b'] } },
    {
      metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] },
    },
  );
  assert.deepEqual(finalizers, { metadata: { finalizers: ['b', 'c'] } });
});

test('merge patch replaces lists and deletes nulls; JSON patch applies operations in order or fails whole', () => {
  assert.deepEqual(mergePatch({ a: { b: 1, c: [1, 2] } }, { a: { b: null, c: [3] } }), { a: { c: [3] } });
  const patched = jsonPatch({ data: { a: '1' }, list: [1, 2] }, [
    { op: 'add', path: '/data/b', value: '2' },
    { op: 'remove', path: '/list/0' },
    { op: 'add', path: '/list/-', value: 9 },
    { op: 'copy', from: '/data/a', path: '/data/c' },
    { op: 'move', from: '/data/b', path: '/data/d' },
    { op: 'test', path: '/data/d', value: '2' },
  ]);
  assert.deepEqual(patched, { ok: true, value: { data: { a: '1', c: '1', d: '2' }, list: [2, 9] } });
  const failed = jsonPatch({ data: {} }, [{ op: 'replace', path: '/data/missing', value: 1 }]);
  assert.equal(failed.ok, false);
  assert.equal(jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]).ok, false);
});

test('server-side apply drops what its manager stopped applying, unless another manager owns it now', () => {
  const first = serverSideApply(
    undefined,
    deployment(
      [
        { name: 'web', image: 'web:1' },
        { name: 'log', image: 'log:1' },
      ],
      { app: 'web', tier: 'front', color: 'blue' },
    ),
    { manager: 'dsg', force: false },
  );
  assert.ok(first.ok);
  const live = first.value;
  assert.deepEqual(
    live.metadata.managedFields?.map((m) => m.manager),
    ['dsg'],
  );

  // Someone relabels the tier (taking that field over) and adds a label of their own.
  const relabelled: KubeObject = structuredClone(live);
  relabelled.metadata.labels = { app: 'web', tier: 'edge', color: 'blue', owner: 'ops' };
  trackUpdate(live, relabelled, 'kubectl-label');

  const second = serverSideApply(relabelled, deployment([{ name: 'web', image: 'web:2' }], { app: 'web' }), {
    manager: 'dsg',
    force: false,
  });
  assert.ok(second.ok);
  assert.deepEqual(
    containersOf(second.value),
    ['web=web:2'],
    'the log container left the applied config, so it goes',
  );
  assert.deepEqual(
    second.value.metadata.labels,
    { app: 'web', tier: 'edge', owner: 'ops' },
    'color was only dsg’s and goes; tier and owner belong to kubectl-label and stay',
  );
});

test('server-side apply reports conflicts with other managers unless forced, and force takes ownership', () => {
  const created = serverSideApply(undefined, deployment([{ name: 'web', image: 'web:1' }]), {
    manager: 'dsg',
    force: false,
  });
  assert.ok(created.ok);
  const scaled: KubeObject = structuredClone(created.value);
  (scaled['spec'] as { replicas: number }).replicas = 5;
  trackUpdate(created.value, scaled, 'autoscaler');

  const config = deployment([{ name: 'web', image: 'web:1' }]);
  const refused = serverSideApply(scaled, config, { manager: 'dsg', force: false });
  assert.equal(refused.ok, false);
  assert.deepEqual(refused.ok ? [] : refused.error.map((c) => [c.manager, c.path.join('.')]), [
    ['autoscaler', 'f:spec.f:replicas'],
  ]);
  const forced = serverSideApply(scaled, config, { manager: 'dsg', force: true });
  assert.ok(forced.ok);
  assert.equal((forced.value['spec'] as { replicas: number }).replicas, 1);
  assert.deepEqual(
    forced.value.metadata.managedFields?.map((m) => m.manager),
    ['dsg'],
    'the autoscaler lost its only field',
  );
});

test('label selectors: equality, inequality, set-based and existence; field selectors on any path', () => {
  const object = (labels: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels },
    spec: { nodeName: 'n1' },
  });
  const matches = (selector: string, labels: Record<string, string>): boolean => {
    const parsed = parseLabelSelector(selector);
    assert.ok(parsed.ok, selector);
    return parsed.value(object(labels));
  };
  assert.equal(matches('app=web,tier!=db', { app: 'web', tier: 'front' }), true);
  assert.equal(matches('app==web', { app: 'api' }), false);
  assert.equal(matches('tier in (front, back),!legacy', { tier: 'back' }), true);
  assert.equal(matches('tier notin (front),app', { tier: 'front', app: 'x' }), false);
  assert.equal(matches('legacy', {}), false);
  assert.equal(parseLabelSelector('app in (a').ok, false);
  const field = parseFieldSelector('metadata.name=p,spec.nodeName!=n2');
  assert.ok(field.ok);
  assert.equal(field.value(object({})), true);
});

// Reading the kubeconfig the way kubectl does (KUBECONFIG lists, first file wins, --kube-context), and the
// namespace a deployment lands in.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import test from 'node:test';
import { stringify } from 'yaml';
import { readKubeconfig, targetNamespace } from '../tasks/kube/kubeconfig.ts';
import { kubectlDeployment } from './fixtures/render/tasks.ts';
import { tempDir } from './helpers/cli.ts';

function kubeconfig(
  current: string,
  contexts: { name: string; server: string; namespace?: string }[],
): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': current,
    clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server } })),
    users: contexts.map((c) => ({ name: c.name, user: {} })),
    contexts: contexts.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) },
    })),
  });
}

test('KUBECONFIG lists merge with the first file winning; --kube-context picks another context', async () => {
  const dir = await tempDir('dsg-kubeconfig-');
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  await writeFile(a, kubeconfig('dev', [{ name: 'dev', server: 'https://dev:6443', namespace: 'team' }]));
  await writeFile(
    b,
    kubeconfig('prod', [
      { name: 'dev', server: 'https://shadowed:6443' },
      { name: 'prod', server: 'https://prod:6443' },
    ]),
  );
  const env = { KUBECONFIG: [a, join(dir, 'missing'), b].join(delimiter) };
  const current = readKubeconfig(env);
  assert.ok(current.ok);
  assert.deepEqual(current.value.identity, { server: 'https://dev:6443', context: 'dev', namespace: 'team' });
  const prod = readKubeconfig(env, 'prod');
  assert.ok(prod.ok);
  assert.deepEqual(prod.value.identity, {
    server: 'https://prod:6443',
    context: 'prod',
    namespace: 'default',
  });
  const unknown = readKubeconfig(env, 'staging');
  assert.equal(unknown.ok, false);
  assert.match(
    unknown.ok ? '' : unknown.error.message,
    /^Cannot use kube context "staging": ".*" has no such context$/,
  );
  const none = readKubeconfig({ KUBECONFIG: join(dir, 'missing') });
  assert.equal(
    none.ok ? '' : none.error.message,
    `Cannot find a kubeconfig: "${join(dir, 'missing')}" does not exist`,
  );
});

test("the namespace is -n, else the deployment's, else the context's", () => {
  const identity = { server: 's', context: 'c', namespace: 'from-context' };
  const plain = kubectlDeployment({ name: 'web' });
  const pinned = kubectlDeployment({ name: 'web', namespace: 'from-deployment' });
  assert.equal(targetNamespace({}, plain, identity), 'from-context');
  assert.equal(targetNamespace({}, pinned, identity), 'from-deployment');
  assert.equal(targetNamespace({ namespace: 'from-flag' }, pinned, identity), 'from-flag');
  assert.equal(targetNamespace({}, plain, undefined), 'default');
});

// Reading the kubeconfig the way kubectl does (KUBECONFIG lists, first file wins, --kube-context, paths
// relative to their file), held to `kubectl config view --merge`; and the namespace a deployment lands in.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import test from 'node:test';
import { stringify } from 'yaml';
import { readKubeconfig, targetNamespace } from '../tasks/kube/kubeconfig.ts';
import { renderAndDeploy, testCluster } from './fixtures/render/cluster.ts';
import { kubectlDeployment, makeProject } from './fixtures/render/tasks.ts';
import { kubectlPath, runTool } from './kube-server/clients.ts';
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

test("the namespace is the deployment's own, else -n, else the context's, as in DevSpace", () => {
  const identity = { server: 's', context: 'c', namespace: 'from-context' };
  const plain = kubectlDeployment({ name: 'web' });
  const own = kubectlDeployment({ name: 'web', namespace: 'from-deployment' });
  assert.equal(targetNamespace({}, plain, identity), 'from-context');
  assert.equal(targetNamespace({ namespace: 'from-flag' }, plain, identity), 'from-flag');
  assert.equal(targetNamespace({}, own, identity), 'from-deployment');
  assert.equal(targetNamespace({ namespace: 'from-flag' }, own, identity), 'from-deployment');
  assert.equal(targetNamespace({}, plain, undefined), 'default');
});

test('two kubeconfig files sharing a cluster name deploy to the first definition, as kubectl merges them', async () => {
  const cluster = await testCluster();
  try {
    const dir = await tempDir('dsg-kubeconfig-');
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    // Both files define cluster, user and context "dsg-test"; the second also brings its own context.
    await cluster.server.writeKubeconfig(first);
    await writeFile(
      second,
      kubeconfig('other', [
        { name: 'dsg-test', server: 'http://127.0.0.1:1' },
        { name: 'other', server: 'http://127.0.0.1:2' },
      ]),
    );
    const env = { ...cluster.env, KUBECONFIG: [first, second].join(delimiter) };

    // kubectl's own merge is the reference: same clusters, same servers, same current context.
    const view = await runTool(kubectlPath, ['config', 'view', '--merge', '-o', 'json'], { env });
    assert.equal(view.code, 0, view.stderr);
    const kubectl = JSON.parse(view.stdout) as {
      clusters: { name: string; cluster: { server: string } }[];
      'current-context': string;
    };
    const ours = readKubeconfig(env);
    assert.ok(ours.ok, JSON.stringify(ours));
    const servers = (clusters: readonly { name: string; cluster?: unknown }[]): Record<string, unknown> =>
      Object.fromEntries(clusters.map((c) => [c.name, (c.cluster as { server?: unknown }).server]));
    assert.deepEqual(servers(ours.value.merged.clusters), servers(kubectl.clusters));
    assert.equal(ours.value.merged.currentContext, kubectl['current-context']);
    assert.equal(ours.value.identity.server, cluster.server.url);

    const project = await makeProject({
      'kube/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { a: "1" }\n',
    });
    const step = await renderAndDeploy(
      { ...cluster, env },
      project,
      kubectlDeployment({ name: 'web', manifests: ['kube/'] }),
    );
    assert.ok(step.deploy.ok, JSON.stringify(step.deploy));
    assert.ok(cluster.server.getObject('v1', 'ConfigMap', 'default', 'settings'));
  } finally {
    await cluster.close();
  }
});

test('certificate paths in a kubeconfig resolve against the file that names them', async () => {
  const dir = await tempDir('dsg-kubeconfig-');
  await mkdir(join(dir, 'sub'));
  const file = join(dir, 'sub', 'config');
  await writeFile(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: 'https://c:6443', 'certificate-authority': 'ca.pem' } }],
      users: [{ name: 'c', user: { 'client-certificate': 'certs/me.pem', 'client-key': '/abs/me.key' } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'c' } }],
    }),
  );
  const read = readKubeconfig({ KUBECONFIG: file });
  assert.ok(read.ok);
  assert.deepEqual(read.value.merged.clusters[0]?.['cluster'], {
    server: 'https://c:6443',
    'certificate-authority': join(dir, 'sub', 'ca.pem'),
  });
  assert.deepEqual(read.value.merged.users[0]?.['user'], {
    'client-certificate': join(dir, 'sub', 'certs', 'me.pem'),
    'client-key': '/abs/me.key',
  });
});

// Deploy failures, each one sentence that names the object or the cluster: an unknown kind, an unreachable
// cluster, rejected credentials, a rollout that never completes, an invalid object.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { deployKind } from '../tasks/deploy/kind.ts';
import { neverReadyAnnotation, startKubeServer } from './kube-server/index.ts';
import { renderAndDeploy, testCluster } from './fixtures/render/cluster.ts';
import {
  deployNode,
  inputsContext,
  kubectlDeployment,
  makeProject,
  settings,
  toolEnv,
} from './fixtures/render/tasks.ts';
import { tempDir } from './helpers/cli.ts';

const deployment = kubectlDeployment({ name: 'web', manifests: ['kube/'] });

function workload(kind: string, name: string, neverReady: boolean): string {
  return [
    'apiVersion: apps/v1',
    `kind: ${kind}`,
    `metadata: { name: ${name} }`,
    'spec:',
    '  replicas: 1',
    ...(kind === 'StatefulSet' ? [`  serviceName: ${name}`] : []),
    `  selector: { matchLabels: { app: ${name} } }`,
    '  template:',
    '    metadata:',
    `      labels: { app: ${name} }`,
    ...(neverReady ? [`      annotations: { ${neverReadyAnnotation}: "true" }`] : []),
    '    spec:',
    '      containers: [{ name: app, image: busybox }]',
    '',
  ].join('\n');
}

test('a kind the cluster does not serve names the deployment, the kind and the manifest line', async () => {
  const cluster = await testCluster();
  try {
    const dir = await makeProject({ 'kube/web.yaml': workload('Deploymnt', 'web', false) });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.equal(step.deploy.ok, false);
    if (step.deploy.ok) return;
    assert.equal(
      step.deploy.error.message,
      'Deployment "web": kind "Deploymnt" (apps/v1) of "web" is not served by the cluster',
    );
    assert.deepEqual(step.deploy.error.location, { file: 'kube/web.yaml', line: 1, col: 1 });
    assert.equal(cluster.server.stats().writes, 0, 'nothing was applied');
  } finally {
    await cluster.close();
  }
});

test('an unreachable cluster is named with its server and context', async () => {
  const server = await startKubeServer();
  const home = await tempDir('dsg-deploy-');
  const kubeconfig = await server.writeKubeconfig(join(home, 'kubeconfig'));
  await server.close();
  const env = await toolEnv({ KUBECONFIG: kubeconfig });
  const dir = await makeProject({ 'kube/web.yaml': workload('Deployment', 'web', false) });
  const step = await renderAndDeploy({ env, stateDir: join(home, 'state') }, dir, deployment);
  assert.equal(step.deploy.ok, false);
  assert.equal(
    step.deploy.ok ? '' : step.deploy.error.message,
    `Cannot reach the cluster at ${server.url} (context dsg-test): connect ECONNREFUSED — is it running? check KUBECONFIG / --kube-context`,
  );
});

test('rejected credentials name the context', async () => {
  const cluster = await testCluster({ token: 'right' });
  try {
    await cluster.server.writeKubeconfig(cluster.env['KUBECONFIG'] ?? '', { token: 'wrong' });
    const dir = await makeProject({ 'kube/web.yaml': workload('Deployment', 'web', false) });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.equal(step.deploy.ok, false);
    assert.equal(
      step.deploy.ok ? '' : step.deploy.error.message,
      `The cluster rejected the credentials of context "dsg-test" (${cluster.server.url}): 401 Unauthorized`,
    );
  } finally {
    await cluster.close();
  }
});

test('a Deployment that never becomes ready fails with its last condition at its progress deadline', async () => {
  // 600 simulated seconds of 2ms each: the deadline passes after 1.2s.
  const cluster = await testCluster({ namespace: 'shop', secondMs: 2 });
  try {
    const dir = await makeProject({ 'kube/web.yaml': workload('Deployment', 'web', true) });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.equal(step.deploy.ok, false);
    if (step.deploy.ok) return;
    assert.match(
      step.deploy.error.message,
      /^Rollout of deployment\/web in namespace shop failed after [\d.]+m?s: Progressing=False ProgressDeadlineExceeded$/,
    );
    assert.equal(step.deploy.error.location?.file, 'kube/web.yaml');
  } finally {
    await cluster.close();
  }
});

test('a Job is waited for until Complete; a failed Job fails the deploy with its condition', async () => {
  const job = (name: string, neverReady: boolean): string =>
    [
      'apiVersion: batch/v1',
      'kind: Job',
      `metadata: { name: ${name} }`,
      'spec:',
      '  template:',
      ...(neverReady ? [`    metadata: { annotations: { ${neverReadyAnnotation}: "true" } }`] : []),
      '    spec: { restartPolicy: Never, containers: [{ name: job, image: busybox }] }',
      '',
    ].join('\n');
  const daemonSet = workload('DaemonSet', 'agent', false).replace('  replicas: 1\n', '');
  const cluster = await testCluster();
  try {
    const good = await makeProject({ 'kube/job.yaml': job('migrate', false), 'kube/agent.yaml': daemonSet });
    const done = await renderAndDeploy(cluster, good, deployment);
    assert.ok(done.deploy.ok, JSON.stringify(done.deploy));
    const live = cluster.server.getObject('batch/v1', 'Job', 'default', 'migrate');
    assert.match(JSON.stringify(live?.['status']), /"type":"Complete","status":"True"/);
    const bad = await makeProject({ 'kube/job.yaml': job('broken', true) });
    const failed = await renderAndDeploy(
      cluster,
      bad,
      kubectlDeployment({ name: 'jobs', manifests: ['kube/'] }),
    );
    assert.equal(failed.deploy.ok, false);
    assert.match(
      failed.deploy.ok ? '' : failed.deploy.error.message,
      /^Rollout of job\/broken in namespace default failed after [\d.]+m?s: Failed=True BackoffLimitExceeded$/,
    );
  } finally {
    await cluster.close();
  }
});

test('a rollout that does not finish in DSG_ROLLOUT_TIMEOUT says so', async () => {
  const cluster = await testCluster({ namespace: 'shop', env: { DSG_ROLLOUT_TIMEOUT: '1s' } });
  try {
    const dir = await makeProject({ 'kube/db.yaml': workload('StatefulSet', 'db', true) });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.equal(step.deploy.ok, false);
    assert.match(
      step.deploy.ok ? '' : step.deploy.error.message,
      /^Rollout of statefulset\/db in namespace shop did not complete in 1s: /,
    );
  } finally {
    await cluster.close();
  }
});

test('cancelling the run stops the rollout wait at once', async () => {
  const cluster = await testCluster({ env: { DSG_ROLLOUT_TIMEOUT: '5m' } });
  try {
    const dir = await makeProject({ 'kube/db.yaml': workload('StatefulSet', 'db', true) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const step = await renderAndDeploy(cluster, dir, deployment, { signal: controller.signal });
    assert.equal(step.deploy.ok, false);
    assert.equal(step.deploy.ok ? '' : step.deploy.error.message, 'Cancelled while talking to the cluster');
    assert.ok(Date.now() - started < 5000, 'it did not wait for the timeout');
  } finally {
    await cluster.close();
  }
});

test("an object the server rejects is named with the server's reason", async () => {
  const cluster = await testCluster();
  try {
    const bad = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: { name: Bad_Name }',
      'spec: { ports: [{ port: 80 }] }',
      '',
    ].join('\n');
    const dir = await makeProject({ 'kube/svc.yaml': bad });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.equal(step.deploy.ok, false);
    assert.match(
      step.deploy.ok ? '' : step.deploy.error.message,
      /^Cannot apply service\/Bad_Name in namespace default of deployment "web": /,
    );
  } finally {
    await cluster.close();
  }
});

test('inputs carry the cluster identity and change with the namespace', async () => {
  const cluster = await testCluster({ namespace: 'team' });
  try {
    const task = deployNode('/project', deployment);
    const first = await deployKind.inputs(task, inputsContext(task, cluster.env, settings(cluster.stateDir)));
    assert.ok(first.ok);
    assert.deepEqual((first.value.spec as { cluster: unknown }).cluster, {
      server: cluster.server.url,
      context: 'dsg-test',
      namespace: 'team',
    });
    const other = await deployKind.inputs(
      task,
      inputsContext(task, cluster.env, settings(cluster.stateDir, { namespace: 'other' })),
    );
    assert.ok(other.ok);
    assert.equal((other.value.spec as { cluster: { namespace: string } }).cluster.namespace, 'other');
    assert.equal(cluster.server.stats().total, 0, 'inputs never talk to the cluster');
  } finally {
    await cluster.close();
  }
});

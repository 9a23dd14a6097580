// Helm deployments against the stand-in with the real helm: install, upgrade, skip at the same revision,
// status after a hand uninstall, purge, and helm's own failures. Plus a component deployment's rollout.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg } from './helpers/cli.ts';
import { endStatuses, jsonEvents } from './helpers/custom-project.ts';
import { e2eCluster } from './helpers/e2e-cluster.ts';
import type { ReleaseData } from '../tasks/helm/deploy-release.ts';
import { runProcess } from '../core/process.ts';
import { webChart } from './fixtures/render/chart.ts';
import {
  deployStatus,
  purgeDeploy,
  renderAndDeploy,
  testCluster,
  writes,
} from './fixtures/render/cluster.ts';
import { componentDeployment, helmDeployment, makeProject, taggedImage } from './fixtures/render/tasks.ts';

test('helm install, upgrade, then skip while the release stands at the recorded revision', async () => {
  const cluster = await testCluster({ namespace: 'shop' });
  try {
    const dir = await makeProject(webChart());
    const v1 = helmDeployment({ name: 'web', chart: { name: 'charts/web' }, values: { greeting: 'one' } });
    const installed = await renderAndDeploy(cluster, dir, v1);
    assert.ok(installed.deploy.ok, JSON.stringify(installed.deploy));
    assert.equal((installed.deploy.value.data as unknown as ReleaseData).revision, 1);
    assert.deepEqual(cluster.server.getObject('v1', 'ConfigMap', 'shop', 'web-settings')?.['data'], {
      greeting: 'one',
    });
    const rolledOut = cluster.server.getObject('apps/v1', 'Deployment', 'shop', 'web');
    assert.equal((rolledOut?.['status'] as { availableReplicas?: number } | undefined)?.availableReplicas, 1);
    assert.deepEqual(await deployStatus(cluster, dir, v1, installed.deploy.value), { present: true });

    const v2 = helmDeployment({ name: 'web', chart: { name: 'charts/web' }, values: { greeting: 'two' } });
    const upgraded = await renderAndDeploy(cluster, dir, v2);
    assert.ok(upgraded.deploy.ok, JSON.stringify(upgraded.deploy));
    assert.equal((upgraded.deploy.value.data as unknown as ReleaseData).revision, 2);
    assert.deepEqual(cluster.server.getObject('v1', 'ConfigMap', 'shop', 'web-settings')?.['data'], {
      greeting: 'two',
    });
    // The first output is now stale: the release moved on.
    const stale = await deployStatus(cluster, dir, v1, installed.deploy.value);
    assert.equal(
      stale.present ? '' : stale.missing,
      'helm release "web" in namespace shop is at revision 2, dsg deployed revision 1',
    );

    cluster.server.resetStats();
    const again = await renderAndDeploy(cluster, dir, v2);
    assert.ok(again.deploy.ok, JSON.stringify(again.deploy));
    assert.equal((again.deploy.value.data as unknown as ReleaseData).revision, 2);
    assert.ok(again.lines.includes('release web is up to date at revision 2'), again.lines.join('\n'));
    assert.deepEqual(writes(cluster.server), [], 'no upgrade was made');
  } finally {
    await cluster.close();
  }
});

test('status notices a release uninstalled by hand; purge uninstalls', async () => {
  const cluster = await testCluster();
  try {
    const dir = await makeProject(webChart());
    const deployment = helmDeployment({ name: 'web', chart: { name: 'charts/web' } });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(step.deploy.ok, JSON.stringify(step.deploy));
    const gone = await runProcess('helm', ['uninstall', 'web', '-n', 'default'], {
      cwd: dir,
      env: cluster.env,
    });
    assert.ok(gone.ok && gone.value.code === 0, JSON.stringify(gone));
    assert.deepEqual(await deployStatus(cluster, dir, deployment, step.deploy.value), {
      present: false,
      missing: 'helm release "web" in namespace default is not installed',
    });
    const again = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(again.deploy.ok);
    const purged = await purgeDeploy(cluster, dir, deployment);
    assert.ok(purged.ok, JSON.stringify(purged));
    assert.equal(cluster.server.getObject('apps/v1', 'Deployment', 'default', 'web'), undefined);
    const list = await runProcess('helm', ['list', '-n', 'default', '-q'], { cwd: dir, env: cluster.env });
    assert.equal(list.ok ? list.value.stdout.trim() : 'error', '');
  } finally {
    await cluster.close();
  }
});

test("helm's own failure is reported with the chart and the release", async () => {
  const cluster = await testCluster();
  try {
    const chart = webChart();
    chart['charts/web/templates/widget.yaml'] =
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n';
    const dir = await makeProject(chart);
    const step = await renderAndDeploy(
      cluster,
      dir,
      helmDeployment({ name: 'web', chart: { name: 'charts/web' } }),
    );
    assert.equal(step.deploy.ok, false);
    assert.match(
      step.deploy.ok ? '' : step.deploy.error.message,
      /^Cannot install chart "charts\/web" as release "web" in namespace default: unable to build kubernetes objects/,
    );
  } finally {
    await cluster.close();
  }
});

test('a component deployment renders natively and rolls out its StatefulSet', async () => {
  const cluster = await testCluster({ namespace: 'data' });
  try {
    const deployment = componentDeployment('db', {
      containers: [
        {
          image: '127.0.0.1:5000/shop/db',
          volumeMounts: [{ containerPath: '/data', volume: { name: 'data' } }],
        },
      ],
      volumes: [{ name: 'data', size: '1Gi' }],
      service: { ports: [{ port: 5432 }] },
    });
    const upstream = new Map([['tag:db', taggedImage('db', '127.0.0.1:5000/shop/db', 'v9')]]);
    const step = await renderAndDeploy(cluster, '/nonexistent-project', deployment, { upstream });
    assert.ok(step.deploy.ok, JSON.stringify(step.deploy));
    const sts = cluster.server.getObject('apps/v1', 'StatefulSet', 'data', 'db');
    assert.match(JSON.stringify(sts?.['spec']), /127\.0\.0\.1:5000\/shop\/db:v9/);
    assert.equal((sts?.['status'] as { readyReplicas?: number } | undefined)?.readyReplicas, 1);
    assert.ok(cluster.server.getObject('v1', 'Service', 'data', 'db-headless'));
    assert.ok(cluster.server.getObject('v1', 'Service', 'data', 'db'));
  } finally {
    await cluster.close();
  }
});

/** A project with chart `web` deployed by helm, for the CLI. */
async function helmProject(): Promise<string> {
  const dir = await makeProject(webChart());
  await writeFile(
    join(dir, 'devspace.yaml'),
    'version: v2beta1\nname: drift\ndeployments:\n  web:\n    helm:\n      chart:\n        name: charts/web\n      values:\n        greeting: one\n',
  );
  return dir;
}

test('an object of a helm release deleted or edited by hand is noticed on the next run, and the release upgraded', async () => {
  const cluster = await e2eCluster();
  try {
    const dir = await helmProject();
    const ns = cluster.namespace;
    const first = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(first.code, 0, first.stderr + first.stdout.slice(-2000));
    const quiet = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(endStatuses(quiet.stdout).get('deploy:web'), 'cached', quiet.stdout);

    const deleted = await cluster.kubectl(['delete', 'configmap', 'web-settings', '-n', ns]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const restore = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(restore.code, 0, restore.stderr);
    const end = jsonEvents(restore.stdout).find((e) => e.type === 'task-end' && e.id === 'deploy:web');
    assert.equal(end?.status, 'ran');
    assert.deepEqual(end?.reason, {
      type: 'artifact-missing',
      what: `configmap/web-settings of the release was deleted (helm release "web" in namespace ${ns})`,
    });
    assert.deepEqual((await cluster.get('v1', 'ConfigMap', 'web-settings'))?.['data'], { greeting: 'one' });

    const edited = await cluster.kubectl([
      'patch',
      'configmap',
      'web-settings',
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"data":{"greeting":"hand"}}',
    ]);
    assert.equal(edited.code, 0, edited.stderr);
    const fix = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(fix.code, 0, fix.stderr);
    const fixed = jsonEvents(fix.stdout).find((e) => e.type === 'task-end' && e.id === 'deploy:web');
    assert.match(fixed?.reason?.what ?? '', /^configmap\/web-settings of the release was edited by hand/);
    assert.deepEqual((await cluster.get('v1', 'ConfigMap', 'web-settings'))?.['data'], { greeting: 'one' });
    const settled = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(endStatuses(settled.stdout).get('deploy:web'), 'cached', 'the restored release is whole');
  } finally {
    await cluster.close();
  }
});

test('--force deploy:NAME on a helm release whose workload was deleted redeploys it, as -d does, without waiting for a ghost', async () => {
  const cluster = await e2eCluster();
  try {
    const dir = await helmProject();
    const ns = cluster.namespace;
    assert.equal((await runDsg(['run', 'deploy'], { cwd: dir, env: cluster.env })).code, 0);
    const forces = [['--force', 'deploy:web'], ['-d']];
    for (const [i, force] of forces.entries()) {
      const gone = await cluster.kubectl(['delete', 'deployment', 'web', '-n', ns]);
      assert.equal(gone.code, 0, gone.stderr);
      // A wait for the deleted workload would end in this timeout's failure, not in exit 0.
      const r = await runDsg(['run', 'deploy', ...force, '--json'], {
        cwd: dir,
        env: { ...cluster.env, DSG_ROLLOUT_TIMEOUT: '2m' },
      });
      assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
      const end = jsonEvents(r.stdout).find((e) => e.type === 'task-end' && e.id === 'deploy:web');
      assert.equal(end?.status, 'ran');
      assert.equal(end?.reason?.type, 'forced', `${force.join(' ')} is the reason the deploy ran`);
      assert.ok(
        await cluster.get('apps/v1', 'Deployment', 'web'),
        `${force.join(' ')} restored the workload`,
      );
      // The release was upgraded (a new revision), not judged up to date around the missing workload.
      const revision = `sh.helm.release.v1.web.v${i + 2}`;
      assert.ok(await cluster.get('v1', 'Secret', revision), `${force.join(' ')} made ${revision}`);
    }
  } finally {
    await cluster.close();
  }
});

test("a chart's hooks are no objects of the release: a test hook never installed and a hook deleted after it ran leave the release cached", async () => {
  const cluster = await e2eCluster();
  try {
    const dir = await makeProject({
      ...webChart(),
      'charts/web/templates/test-hook.yaml': [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: {{ .Release.Name }}-test',
        '  annotations:',
        '    helm.sh/hook: test',
        'spec:',
        '  containers:',
        '    - name: test',
        '      image: busybox',
        '',
      ].join('\n'),
      'charts/web/templates/post-install.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-post',
        '  annotations:',
        '    helm.sh/hook: post-install,post-upgrade',
        '    helm.sh/hook-delete-policy: hook-succeeded',
        'data:',
        '  done: "yes"',
        '',
      ].join('\n'),
    });
    await writeFile(
      join(dir, 'devspace.yaml'),
      'version: v2beta1\nname: hooks\ndeployments:\n  web:\n    helm:\n      chart:\n        name: charts/web\n',
    );
    const first = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(first.code, 0, first.stderr + first.stdout.slice(-2000));
    assert.equal(await cluster.get('v1', 'Pod', 'web-test'), undefined, 'helm installs no test hook');
    assert.equal(
      await cluster.get('v1', 'ConfigMap', 'web-post'),
      undefined,
      'the hook was deleted after it ran',
    );
    const again = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(again.code, 0, again.stderr);
    const end = jsonEvents(again.stdout).find((e) => e.type === 'task-end' && e.id === 'deploy:web');
    assert.deepEqual(
      { status: end?.status, reason: end?.reason },
      { status: 'cached', reason: { type: 'cached' } },
    );
  } finally {
    await cluster.close();
  }
});

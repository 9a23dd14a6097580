// Deploys that hold on real clusters. Each test runs against the stand-in API server, or against the real
// cluster of DSG_TEST_KUBECONFIG (CI: kind), with the same assertions; what only the stand-in can simulate
// is marked where it is used.
import assert from 'node:assert/strict';
import test from 'node:test';
import { kubeSandbox } from './kube-server/clients.ts';
import { crashAnnotation, desiredReplicasAnnotation } from './kube-server/index.ts';
import { deployStatus, renderAndDeploy } from './fixtures/render/cluster.ts';
import { componentDeployment, kubectlDeployment, makeProject } from './fixtures/render/tasks.ts';
import { e2eCluster, realKubeconfig, type E2eCluster } from './helpers/e2e-cluster.ts';

const deployment = kubectlDeployment({ name: 'web', manifests: ['kube/'] });
const timeouts = { DSG_ROLLOUT_TIMEOUT: realKubeconfig ? '4m' : '20s', DSG_TERMINATING_TIMEOUT: '2m' };

const web = (containerExtra = '', templateExtra = ''): string =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: { name: web }',
    'spec:',
    '  replicas: 1',
    '  selector: { matchLabels: { app: web } }',
    '  template:',
    `    metadata: { labels: { app: web }${templateExtra} }`,
    '    spec:',
    `      containers: [{ name: web, image: "busybox:1.36", command: [sleep, "3600"]${containerExtra} }]`,
    '',
  ].join('\n');

async function withCluster(
  fn: (cluster: E2eCluster) => Promise<void>,
  options: Parameters<typeof e2eCluster>[0] = {},
): Promise<void> {
  const cluster = await e2eCluster({ readyDelayMs: 20, ...options, env: { ...timeouts, ...options.env } });
  try {
    await fn(cluster);
  } finally {
    await cluster.close();
  }
}

test('a typo in a manifest fails the deploy with file and line; server warnings reach the task', async () => {
  await withCluster(async (cluster) => {
    const typo = await makeProject({ 'kube/web.yaml': web(', imagePullPolcy: Always') });
    const failed = await renderAndDeploy(cluster, typo, deployment);
    assert.equal(failed.deploy.ok, false);
    if (failed.deploy.ok) return;
    assert.match(
      failed.deploy.error.message,
      /^Cannot apply deployment\/web in namespace \S+ of deployment "web": /,
    );
    assert.match(failed.deploy.error.message, /imagePullPolcy/);
    assert.deepEqual(failed.deploy.error.location, { file: 'kube/web.yaml', line: 1, col: 1 });

    const deprecated = await makeProject({
      'kube/web.yaml': web().replace(
        '    spec:\n',
        '    spec:\n      nodeSelector: { beta.kubernetes.io/os: linux }\n',
      ),
    });
    const warned = await renderAndDeploy(cluster, deprecated, deployment);
    assert.ok(warned.deploy.ok, JSON.stringify(warned.deploy));
    assert.ok(
      warned.warnings.some(
        (w) =>
          w.startsWith(`deployment/web (${cluster.namespace}) (kube/web.yaml:1): `) &&
          w.includes('spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14'),
      ),
      warned.warnings.join('\n'),
    );
    assert.ok(
      warned.lines.some((l) => l.startsWith('warning: deployment/web')),
      'and in the task log',
    );
  });
});

test('status and controller writes are not hand edits; a change to a field dsg applied is', async () => {
  await withCluster(async (cluster) => {
    const claim = [
      'apiVersion: v1',
      'kind: PersistentVolumeClaim',
      'metadata: { name: data }',
      'spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Mi } } }',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: { name: edge }',
      'spec: { type: LoadBalancer, selector: { app: web }, ports: [{ port: 80 }] }',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: { name: settings }',
      'data: { mode: fast }',
      '',
    ].join('\n');
    const dir = await makeProject({ 'kube/web.yaml': web(), 'kube/claim.yaml': claim });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.ok(step.deploy.ok, JSON.stringify(step.deploy));
    if (cluster.standIn) {
      // The stand-in's controllers bind the claim and give the service an address after the deploy.
      for (let i = 0; i < 200; i++) {
        const pvc = await cluster.get('v1', 'PersistentVolumeClaim', 'data');
        const svc = await cluster.get('v1', 'Service', 'edge');
        const bound = (pvc?.['status'] as { phase?: string } | undefined)?.phase === 'Bound';
        const addressed = JSON.stringify(svc?.['status'] ?? {}).includes('ingress');
        if (bound && addressed) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.equal(
        (
          cluster.standIn.getObject('v1', 'PersistentVolumeClaim', cluster.namespace, 'data')?.['status'] as {
            phase: string;
          }
        ).phase,
        'Bound',
      );
    }
    assert.deepEqual(await deployStatus(cluster, dir, deployment, step.deploy.value), { present: true });

    const edited = await cluster.kubectl([
      'patch',
      'configmap',
      'settings',
      '--type',
      'merge',
      '-p',
      '{"data":{"mode":"slow"}}',
    ]);
    assert.equal(edited.code, 0, edited.stderr);
    assert.deepEqual(await deployStatus(cluster, dir, deployment, step.deploy.value), {
      present: false,
      missing: 'configmap/settings was edited by hand',
    });
  });
});

test('an image that cannot be pulled fails the rollout at once, with the pod reason', async () => {
  // The stand-in asks the local registry, like a kubelet would pull; a kind node cannot reach it at all.
  await withCluster(
    async (cluster) => {
      const image = `127.0.0.1:5000/dsg-test/missing-${cluster.namespace}:v1`;
      const dir = await makeProject({ 'kube/web.yaml': web().replace('busybox:1.36', image) });
      const started = Date.now();
      const step = await renderAndDeploy(cluster, dir, deployment);
      assert.equal(step.deploy.ok, false);
      if (step.deploy.ok) return;
      assert.match(
        step.deploy.error.message,
        /^Rollout of deployment\/web in namespace \S+ failed after [\d.]+m?s: ImagePullBackOff: .*\(pod web-\S+, container web\)$/,
      );
      assert.equal(step.deploy.error.location?.file, 'kube/web.yaml');
      assert.ok(Date.now() - started < 120_000, 'long before the progress deadline');
    },
    { registries: ['127.0.0.1:5000'] },
  );
});

test('a container that keeps exiting fails the rollout with CrashLoopBackOff and its last log line', async () => {
  await withCluster(async (cluster) => {
    // The real container prints "boom" and exits; the stand-in runs nothing, its annotation says the same.
    const crashing = web(
      ', command: [sh, -c, "echo boom; exit 1"]',
      `, annotations: { ${crashAnnotation}: boom }`,
    ).replace(', command: [sleep, "3600"]', '');
    const dir = await makeProject({ 'kube/web.yaml': crashing });
    const step = await renderAndDeploy(cluster, dir, deployment);
    assert.equal(step.deploy.ok, false);
    assert.match(
      step.deploy.ok ? '' : step.deploy.error.message,
      /failed after [\d.]+m?s: CrashLoopBackOff: the container keeps exiting with code 1 \(pod web-\S+, container web\); last log line: "boom"$/,
    );
  });
});

test('a workload an autoscaler scales keeps its replicas across re-deploys, and is not "edited by hand"', async () => {
  await withCluster(async (cluster) => {
    const dir = await makeProject({});
    const component = (image: string) =>
      componentDeployment('web', {
        containers: [{ image, command: ['sleep'], args: ['3600'] }],
        replicas: 2,
        autoScaling: { horizontal: { maxReplicas: 5, averageCPU: '100m' } },
      });
    const first = await renderAndDeploy(cluster, dir, component('busybox:1.36'));
    assert.ok(first.deploy.ok, JSON.stringify(first.deploy));
    // Scaling through the scale subresource is what the autoscaler does; kubectl scale does the same here.
    const scaled = await cluster.kubectl(['scale', 'deployment/web', '--replicas=4']);
    assert.equal(scaled.code, 0, scaled.stderr);
    if (cluster.standIn) {
      // The stand-in's autoscaler follows its simulated load too.
      const hpa = await cluster.kubectl(['annotate', 'hpa/web', `${desiredReplicasAnnotation}=4`]);
      assert.equal(hpa.code, 0, hpa.stderr);
    }
    assert.deepEqual(await deployStatus(cluster, dir, component('busybox:1.36'), first.deploy.value), {
      present: true,
    });

    const again = await renderAndDeploy(cluster, dir, component('busybox:1.37'), { forceDeploy: true });
    assert.ok(again.deploy.ok, JSON.stringify(again.deploy));
    const live = await cluster.get('apps/v1', 'Deployment', 'web');
    const spec = live?.['spec'] as {
      replicas: number;
      template: { spec: { containers: { image: string }[] } };
    };
    assert.equal(spec.template.spec.containers[0]?.image, 'busybox:1.37', 'the new image was applied');
    assert.equal(spec.replicas, 4, 'the autoscaled replicas were kept');
  });
});

test('a deploy right after the namespace was deleted waits for it to terminate, then deploys', async () => {
  await withCluster(
    async (cluster) => {
      const dir = await makeProject({ 'kube/web.yaml': web() });
      assert.ok((await renderAndDeploy(cluster, dir, deployment)).deploy.ok);
      const deleted = await cluster.kubectl(['delete', 'namespace', cluster.namespace, '--wait=false']);
      assert.equal(deleted.code, 0, deleted.stderr);
      const step = await renderAndDeploy(cluster, dir, deployment, { forceDeploy: true });
      assert.ok(step.deploy.ok, JSON.stringify(step.deploy));
      assert.ok(
        step.lines.includes(`waiting for namespace ${cluster.namespace} to finish terminating`),
        step.lines.join('\n'),
      );
      assert.ok(await cluster.get('apps/v1', 'Deployment', 'web'));
    },
    { terminationMs: 300 },
  );
});

test('a user who may only use one namespace deploys into it; elsewhere the 403 names the permission', async () => {
  // Stand-in only: the token bound to one namespace is the stand-in's RBAC; a real cluster needs a Role.
  if (realKubeconfig) return;
  await withCluster(
    async (cluster) => {
      const server = cluster.standIn;
      if (!server) return;
      const admin = await kubeSandbox(server);
      try {
        assert.equal((await admin.kubectl(['create', 'namespace', 'team'])).code, 0);
      } finally {
        await admin.cleanup();
      }
      await server.writeKubeconfig(cluster.env['KUBECONFIG'] ?? '', {
        namespace: 'team',
        token: 'team-token',
      });
      const dir = await makeProject({ 'kube/web.yaml': web() });
      const step = await renderAndDeploy(cluster, dir, deployment);
      assert.ok(step.deploy.ok, JSON.stringify(step.deploy));
      assert.ok(server.getObject('apps/v1', 'Deployment', 'team', 'web'));

      const elsewhere = await renderAndDeploy(cluster, dir, deployment, { namespace: 'other' });
      assert.equal(elsewhere.deploy.ok, false);
      if (elsewhere.deploy.ok) return;
      assert.match(elsewhere.deploy.error.message, /^The cluster forbids to /);
      assert.equal(
        elsewhere.deploy.error.hint,
        'the credentials lack "list" on deployments.apps in namespace other: ask for that permission (a Role or ClusterRole), or deploy where you have it',
      );
    },
    { token: 'admin', namespaceTokens: { 'team-token': 'team' } },
  );
});

test('a kind whose CRD was just created is asked for until served, within DSG_DISCOVERY_TIMEOUT', async () => {
  // Stand-in only: its discovery lag is set here; a real server's lag is short and not controllable.
  if (realKubeconfig) return;
  const crd = (lag: string): string =>
    [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      `metadata: { name: widgets${lag}.example.com }`,
      'spec:',
      '  group: example.com',
      '  scope: Namespaced',
      `  names: { plural: widgets${lag}, singular: widget${lag}, kind: Widget${lag} }`,
      '  versions:',
      '    - { name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } } }',
      '---',
      'apiVersion: example.com/v1',
      `kind: Widget${lag}`,
      'metadata: { name: gizmo }',
      '',
    ].join('\n');
  await withCluster(
    async (cluster) => {
      const served = await renderAndDeploy(
        cluster,
        await makeProject({ 'kube/w.yaml': crd('') }),
        deployment,
      );
      assert.ok(served.deploy.ok, JSON.stringify(served.deploy));
    },
    { discoveryLagMs: 400 },
  );
  await withCluster(
    async (cluster) => {
      const step = await renderAndDeploy(
        cluster,
        await makeProject({ 'kube/w.yaml': crd('slow') }),
        deployment,
      );
      assert.equal(step.deploy.ok, false);
      assert.match(
        step.deploy.ok ? '' : step.deploy.error.message,
        /^Deployment "web": kind "Widgetslow" \(example\.com\/v1\) of "gizmo" is still not served [\d.]+m?s after its CustomResourceDefinition was established$/,
      );
    },
    { discoveryLagMs: 60_000, env: { DSG_DISCOVERY_TIMEOUT: '300ms' } },
  );
});

// The test API server, held to the real kubectl 1.32: every test starts its own server on a random port
// and drives it only through kubectl (plus direct store reads for assertions).
import assert from 'node:assert/strict';
import test from 'node:test';
import { startKubeServer, type KubeServer, type KubeServerOptions } from './kube-server/index.ts';
import { kubeSandbox, requestServer, type KubeSandbox } from './kube-server/clients.ts';

const manifest = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.local/web:v1
          ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  labels: {app: web, tier: config}
data:
  mode: fast
`;

async function withKube(
  fn: (server: KubeServer, kube: KubeSandbox) => Promise<void>,
  options: KubeServerOptions = {},
): Promise<void> {
  const server = await startKubeServer(options);
  const kube = await kubeSandbox(server);
  try {
    await fn(server, kube);
  } finally {
    await server.close();
    await kube.cleanup();
  }
}

function ok(result: { code: number; stdout: string; stderr: string }): string {
  assert.equal(result.code, 0, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result.stdout;
}

test('kubectl apply --server-side of a multi-document manifest creates every object', async () => {
  await withKube(async (server, kube) => {
    const out = ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], manifest));
    assert.match(out, /namespace\/shop serverside-applied/);
    assert.match(out, /deployment\.apps\/web serverside-applied/);
    assert.match(out, /service\/web serverside-applied/);
    assert.match(out, /configmap\/settings serverside-applied/);

    const deployment = JSON.parse(
      ok(await kube.kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'json'])),
    ) as {
      metadata: {
        generation: number;
        uid: string;
        resourceVersion: string;
        managedFields?: { manager: string; operation: string }[];
      };
      spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
    };
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(deployment.spec.template.spec.containers[0]?.image, 'registry.local/web:v1');
    assert.equal(deployment.metadata.generation, 1);
    assert.match(deployment.metadata.uid, /^[0-9a-f-]{36}$/);
    const stored = server.getObject('apps/v1', 'Deployment', 'shop', 'web') as typeof deployment | undefined;
    // kubectl's apply, then the controller's own writes (the revision annotation, the status), as on a cluster.
    const managers = stored?.metadata.managedFields?.map((m) => `${m.manager} ${m.operation}`) ?? [];
    assert.equal(managers[0], 'kubectl Apply');
    assert.ok(
      managers.slice(1).every((m) => m === 'kube-controller-manager Update'),
      managers.join(', '),
    );

    const service = server.getObject('v1', 'Service', 'shop', 'web') as
      { spec: { clusterIP: string } } | undefined;
    assert.match(service?.spec.clusterIP ?? '', /^10\.96\./);
  });
});

test('re-applying the same manifest changes nothing and writes no new resourceVersion', async () => {
  await withKube(async (server, kube) => {
    ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], manifest));
    // Let the simulated controller finish, so only the re-apply could change anything.
    ok(await kube.kubectl(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=20s']));
    const before = server.getObject('apps/v1', 'Deployment', 'shop', 'web');
    server.resetStats();
    ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], manifest));
    const after = server.getObject('apps/v1', 'Deployment', 'shop', 'web');
    assert.deepEqual(after, before);
    const stats = server.stats();
    assert.equal(stats.byVerb['APPLY'], 4);
    assert.equal(stats.writes, 4);
    assert.ok(stats.log.every((e) => e.method === 'GET' || e.method === 'PATCH'));
  });
});

test('kubectl rollout status succeeds once the simulated controller reports the rollout', async () => {
  await withKube(
    async (server, kube) => {
      ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], manifest));
      const out = ok(
        await kube.kubectl(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=20s']),
      );
      assert.match(out, /deployment "web" successfully rolled out/);
      const status = server.getObject('apps/v1', 'Deployment', 'shop', 'web')?.['status'] as Record<
        string,
        unknown
      >;
      assert.equal(status['readyReplicas'], 2);
      assert.equal(status['observedGeneration'], 1);
      // The ReplicaSet and pods exist too, owned by the deployment.
      const pods = ok(await kube.kubectl(['get', 'pods', '-n', 'shop', '-l', 'app=web', '-o', 'name']));
      assert.equal(pods.trim().split('\n').length, 2);
      assert.equal(server.stats().byVerb['WATCH'], 1);
    },
    { readyDelayMs: 300 },
  );
});

test('a never-ready deployment fails kubectl rollout status with a progress deadline error', async () => {
  await withKube(
    async (_server, kube) => {
      const never = manifest.replace('image: registry.local/web:v1', 'image: registry.local/never-ready:v1');
      ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], never));
      const result = await kube.kubectl([
        'rollout',
        'status',
        'deployment/web',
        '-n',
        'shop',
        '--timeout=20s',
      ]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /deployment "web" exceeded its progress deadline/);

      // Removing the marker (the annotation variant here) makes the next rollout succeed.
      const annotated = manifest.replace(
        'labels: {app: web}\n    spec:',
        'labels: {app: web}\n      annotations: {dsg.test/never-ready: "true"}\n    spec:',
      );
      ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], annotated));
      const failing = await kube.kubectl([
        'rollout',
        'status',
        'deployment/web',
        '-n',
        'shop',
        '--timeout=20s',
      ]);
      assert.equal(failing.code, 1);
      ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], manifest));
      ok(await kube.kubectl(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=20s']));
      // The deadline is 600 simulated seconds; here they last 2ms each.
    },
    { secondMs: 2 },
  );
});

test('jobs complete, or fail when never-ready, as kubectl wait sees it', async () => {
  await withKube(async (_server, kube) => {
    const jobs = `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: default}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: registry.local/migrate:v1}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: broken, namespace: default}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: registry.local/never-ready:v1}]
`;
    ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], jobs));
    ok(await kube.kubectl(['wait', '--for=condition=complete', 'job/migrate', '--timeout=20s']));
    ok(await kube.kubectl(['wait', '--for=condition=failed', 'job/broken', '--timeout=20s']));
    const succeeded = ok(await kube.kubectl(['get', 'job', 'migrate', '-o', 'jsonpath={.status.succeeded}']));
    assert.equal(succeeded, '1');
  });
});

test('list with label selectors, delete by name and by selector, with owner cascade', async () => {
  await withKube(async (server, kube) => {
    ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], manifest));
    ok(await kube.kubectl(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=20s']));
    const names = (args: string[]) => kube.kubectl(['get', ...args, '-n', 'shop', '-o', 'name']);
    assert.equal(
      ok(await names(['deploy,svc,cm', '-l', 'app=web']))
        .trim()
        .split('\n').length,
      3,
    );
    assert.equal(ok(await names(['cm', '-l', 'tier in (config,db)'])).trim(), 'configmap/settings');
    assert.equal(ok(await names(['cm,deploy', '-l', 'tier!=config'])).trim(), 'deployment.apps/web');
    assert.equal(
      ok(await names(['deploy', '--field-selector', 'metadata.name=web'])).trim(),
      'deployment.apps/web',
    );

    const deleted = ok(await kube.kubectl(['delete', 'deployment', 'web', '-n', 'shop']));
    assert.match(deleted, /deployment\.apps "web" deleted/);
    assert.equal(server.getObject('apps/v1', 'Deployment', 'shop', 'web'), undefined);
    assert.equal(ok(await names(['rs,pods'])).trim(), '', 'ReplicaSets and pods go with their deployment');

    ok(await kube.kubectl(['delete', 'cm,svc', '-n', 'shop', '-l', 'app=web']));
    assert.equal(server.getObject('v1', 'ConfigMap', 'shop', 'settings'), undefined);
    const missing = await kube.kubectl(['get', 'cm', 'settings', '-n', 'shop']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /configmaps "settings" not found/);
  });
});

test('a CRD makes its kind served, and objects of it can be applied, listed and deleted', async () => {
  await withKube(async (server, kube) => {
    const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wdg]}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
    ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], crd));
    ok(
      await kube.kubectl(['wait', '--for=condition=established', 'crd/widgets.example.com', '--timeout=20s']),
    );
    const widget =
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: gear, labels: {size: big}}\nspec: {teeth: 12}\n';
    ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], widget));
    assert.match(ok(await kube.kubectl(['get', 'wdg'])), /gear/);
    assert.equal(
      ok(await kube.kubectl(['get', 'widgets.example.com', 'gear', '-o', 'jsonpath={.spec.teeth}'])),
      '12',
    );
    assert.equal(
      ok(await kube.kubectl(['get', 'widget', '-l', 'size=big', '-o', 'name'])).trim(),
      'widget.example.com/gear',
    );

    ok(await kube.kubectl(['delete', 'crd', 'widgets.example.com']));
    assert.equal(server.getObject('example.com/v1', 'Widget', 'default', 'gear'), undefined);
  });
});

test('kubectl patch: merge, JSON and strategic patches', async () => {
  await withKube(async (server, kube) => {
    ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], manifest));
    ok(
      await kube.kubectl([
        'patch',
        'cm',
        'settings',
        '-n',
        'shop',
        '--type=merge',
        '-p',
        '{"data":{"mode":"slow","extra":"1"}}',
      ]),
    );
    ok(
      await kube.kubectl([
        'patch',
        'cm',
        'settings',
        '-n',
        'shop',
        '--type=json',
        '-p',
        '[{"op":"remove","path":"/data/extra"}]',
      ]),
    );
    const data = server.getObject('v1', 'ConfigMap', 'shop', 'settings')?.['data'];
    assert.deepEqual(data, { mode: 'slow' });

    const badPatch = await kube.kubectl([
      'patch',
      'cm',
      'settings',
      '-n',
      'shop',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/data/nope","value":"x"}]',
    ]);
    assert.equal(badPatch.code, 1);

    // Strategic merge (kubectl's default): containers merge by name instead of being replaced.
    const sidecar =
      '{"spec":{"template":{"spec":{"containers":[{"name":"log","image":"registry.local/log:v1"}]}}}}';
    ok(await kube.kubectl(['patch', 'deploy', 'web', '-n', 'shop', '-p', sidecar]));
    const deployment = server.getObject('apps/v1', 'Deployment', 'shop', 'web') as unknown as {
      metadata: { generation: number };
      spec: { template: { spec: { containers: { name: string }[] } } };
    };
    assert.deepEqual(
      deployment.spec.template.spec.containers.map((c) => c.name),
      ['web', 'log'],
    );
    assert.equal(deployment.metadata.generation, 2);
  });
});

test('server-side apply: removed fields go, other managers conflict unless forced, dry run stores nothing', async () => {
  await withKube(async (server, kube) => {
    ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], manifest));
    // Another manager takes over the replica count.
    ok(await kube.kubectl(['scale', 'deployment/web', '-n', 'shop', '--replicas=5']));
    const conflicting = manifest.replace('replicas: 2', 'replicas: 3');
    const refused = await kube.kubectl(['apply', '--server-side', '-f', '-'], conflicting);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /conflict with "kubectl" .*\.spec\.replicas/s);
    ok(await kube.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], conflicting));
    const spec = () =>
      server.getObject('apps/v1', 'Deployment', 'shop', 'web')?.['spec'] as { replicas: number };
    assert.equal(spec().replicas, 3);

    // The applier stops setting the tier label: the server removes it.
    ok(
      await kube.kubectl(
        ['apply', '--server-side', '-f', '-'],
        manifest.replace('labels: {app: web, tier: front}', 'labels: {app: web}'),
      ),
    );
    assert.deepEqual(server.getObject('apps/v1', 'Deployment', 'shop', 'web')?.metadata.labels, {
      app: 'web',
    });

    server.resetStats();
    const dry = ok(
      await kube.kubectl(
        ['apply', '--server-side', '--dry-run=server', '-f', '-'],
        manifest.replace('mode: fast', 'mode: dry'),
      ),
    );
    assert.match(dry, /configmap\/settings serverside-applied \(server dry run\)/);
    assert.deepEqual(server.getObject('v1', 'ConfigMap', 'shop', 'settings')?.['data'], { mode: 'fast' });
    assert.equal(server.stats().writes, 0);
  });
});

test('writes into a missing namespace and invalid objects fail like on a real server', async () => {
  await withKube(async (_server, kube) => {
    const orphan = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: nowhere}\ndata: {a: b}\n';
    const missing = await kube.kubectl(['apply', '--server-side', '-f', '-'], orphan);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /namespaces "nowhere" not found/);

    const mismatched =
      manifest.split('---')[1]?.replace('matchLabels: {app: web}', 'matchLabels: {app: other}') ?? '';
    ok(await kube.kubectl(['create', 'namespace', 'shop']));
    const invalid = await kube.kubectl(['apply', '--server-side', '-f', '-'], mismatched);
    assert.equal(invalid.code, 1);
    assert.match(
      invalid.stderr,
      /Deployment "web" is invalid: spec\.template\.metadata\.labels: Invalid value/,
    );

    const created = await kube.kubectl(['create', 'namespace', 'shop']);
    assert.equal(created.code, 1);
    assert.match(created.stderr, /AlreadyExists|already exists/);
  });
});

test('a wrong or missing bearer token is refused with Unauthorized', async () => {
  const server = await startKubeServer({ token: 'sesame' });
  try {
    const good = await kubeSandbox(server);
    assert.match(ok(await good.kubectl(['get', 'namespaces', '-o', 'name'])), /namespace\/default/);
    const wrong = await kubeSandbox(server, { token: 'guess' });
    const refused = await wrong.kubectl(['get', 'namespaces']);
    assert.equal(refused.code, 1);
    // kubectl's words for a 401 during discovery, the same against a real API server.
    assert.match(
      refused.stderr,
      /You must be logged in to the server \(the server has asked for the client to provide credentials\)/,
    );
    assert.match(server.url, /^https:/, 'kubectl sends tokens only over TLS, so a token implies HTTPS');
    const response = await requestServer(server, 'GET', '/api/v1/namespaces');
    assert.equal(response.status, 401);
    assert.deepEqual(JSON.parse(response.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    await Promise.all([good.cleanup(), wrong.cleanup()]);
  } finally {
    await server.close();
  }
});

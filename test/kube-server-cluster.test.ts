// The stand-in's simulated cluster, held to the real kubectl: controllers that write status as controllers do,
// pods that fail, autoscalers, a namespace-only user, terminating namespaces and discovery lag.
import assert from 'node:assert/strict';
import test from 'node:test';
import { kubeSandbox, type KubeSandbox, type ToolResult } from './kube-server/clients.ts';
import {
  crashAnnotation,
  desiredReplicasAnnotation,
  startKubeServer,
  type KubeServer,
  type KubeServerOptions,
} from './kube-server/index.ts';

async function withKube(
  fn: (server: KubeServer, kube: KubeSandbox) => Promise<void>,
  options: KubeServerOptions = {},
): Promise<void> {
  const server = await startKubeServer({ readyDelayMs: 20, ...options });
  const kube = await kubeSandbox(server);
  try {
    await fn(server, kube);
  } finally {
    await server.close();
    await kube.cleanup();
  }
}

function ok(result: ToolResult): string {
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

/** Runs `get` until `accept` likes its output; the stand-in's controllers take their delay. */
async function eventually(
  kube: KubeSandbox,
  args: string[],
  accept: (out: string) => boolean,
): Promise<string> {
  let out = '';
  for (let i = 0; i < 200; i++) {
    const r = await kube.kubectl(args);
    out = r.stdout;
    if (r.code === 0 && accept(out)) return out;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return out;
}

const deployment = (name: string, image: string, annotations = ''): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}${annotations ? `, annotations: {${annotations}}` : ''}}
    spec: {containers: [{name: app, image: "${image}"}]}
`;

test('controllers write status through /status as kube-controller-manager, bumping resourceVersion', async () => {
  await withKube(async (_server, kube) => {
    const claim =
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Mi}}}\n';
    const applied = JSON.parse(
      ok(await kube.kubectl(['apply', '--server-side', '-o', 'json', '-f', '-'], claim)),
    ) as {
      metadata: { resourceVersion: string };
    };
    const bound = await eventually(kube, ['get', 'pvc', 'data', '-o', 'json', '--show-managed-fields'], (o) =>
      o.includes('"Bound"'),
    );
    const live = JSON.parse(bound) as {
      metadata: {
        resourceVersion: string;
        managedFields: { manager: string; operation: string; subresource?: string }[];
      };
    };
    assert.notEqual(live.metadata.resourceVersion, applied.metadata.resourceVersion);
    assert.deepEqual(
      live.metadata.managedFields.map((m) => `${m.manager} ${m.operation} ${m.subresource ?? ''}`.trim()),
      ['kubectl Apply', 'kube-controller-manager Update status'],
    );
  });
});

test('pods fail as the kubelet reports it: image pulls back off, containers crash-loop with a log', async () => {
  await withKube(async (_server, kube) => {
    ok(
      await kube.kubectl(
        ['apply', '--server-side', '-f', '-'],
        deployment('pull', 'registry.local/pull-error:v1'),
      ),
    );
    ok(
      await kube.kubectl(
        ['apply', '--server-side', '-f', '-'],
        deployment('crash', 'busybox', `${crashAnnotation}: boom`),
      ),
    );
    const reasons =
      '{range .items[*]}{.metadata.labels.app}={.status.containerStatuses[0].state.waiting.reason} {end}';
    const out = await eventually(
      kube,
      ['get', 'pods', '-o', `jsonpath=${reasons}`],
      (o) => o.includes('pull=ImagePullBackOff') && o.includes('crash=CrashLoopBackOff'),
    );
    assert.match(out, /pull=ImagePullBackOff/);
    assert.match(out, /crash=CrashLoopBackOff/);
    const logs = ok(await kube.kubectl(['logs', 'deployment/crash', '--previous']));
    assert.equal(logs.trim(), 'boom');
  });
});

test('an unready rollout is Progressing until its progress deadline, then ProgressDeadlineExceeded', async () => {
  // 600 simulated seconds of 2ms: 1.2s.
  await withKube(
    async (_server, kube) => {
      ok(
        await kube.kubectl(
          ['apply', '--server-side', '-f', '-'],
          deployment('slow', 'registry.local/never-ready:v1'),
        ),
      );
      const reason = [
        'get',
        'deploy',
        'slow',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}',
      ];
      assert.equal(await eventually(kube, reason, (o) => o !== ''), 'ReplicaSetUpdated');
      assert.equal(
        await eventually(kube, reason, (o) => o === 'ProgressDeadlineExceeded'),
        'ProgressDeadlineExceeded',
      );
    },
    { secondMs: 2 },
  );
});

test('an autoscaler scales its target through /scale, and owns spec.replicas then', async () => {
  await withKube(async (_server, kube) => {
    const hpa = `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default, annotations: {${desiredReplicasAnnotation}: "4"}}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 3}
`;
    ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], deployment('web', 'busybox') + '---' + hpa));
    const replicas = await eventually(
      kube,
      ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'],
      (o) => o === '3',
    );
    assert.equal(replicas, '3', 'the load asks for 4, maxReplicas caps it at 3');
    const managers = ok(
      await kube.kubectl([
        'get',
        'deploy',
        'web',
        '-o',
        'jsonpath={range .metadata.managedFields[*]}{.manager}/{.subresource} {end}',
      ]),
    );
    assert.match(managers, /kube-controller-manager\/scale/);
    assert.equal(
      ok(await kube.kubectl(['get', 'hpa', 'web', '-o', 'jsonpath={.status.desiredReplicas}'])),
      '3',
    );
  });
});

test('a token bound to one namespace gets 403 for cluster-scoped reads and other namespaces', async () => {
  await withKube(
    async (server, admin) => {
      ok(await admin.kubectl(['create', 'namespace', 'team']));
      const user = await kubeSandbox(server, { token: 'team-token', namespace: 'team' });
      try {
        ok(await user.kubectl(['get', 'pods']));
        const namespaces = await user.kubectl(['get', 'namespaces']);
        assert.equal(namespaces.code, 1);
        assert.match(
          namespaces.stderr,
          /namespaces is forbidden: User "system:serviceaccount:team:deployer" cannot list resource "namespaces" in API group "" at the cluster scope/,
        );
        const other = await user.kubectl(['get', 'pods', '-n', 'default']);
        assert.match(other.stderr, /cannot list resource "pods" in API group "" in the namespace "default"/);
        const crds = await user.kubectl(['get', 'crds']);
        assert.match(
          crds.stderr,
          /cannot list resource "customresourcedefinitions" in API group "apiextensions\.k8s\.io"/,
        );
      } finally {
        await user.cleanup();
      }
    },
    { token: 'admin', namespaceTokens: { 'team-token': 'team' } },
  );
});

test('a deleted namespace is Terminating, refuses new content, and goes once empty', async () => {
  await withKube(
    async (_server, kube) => {
      ok(await kube.kubectl(['create', 'namespace', 'gone']));
      ok(await kube.kubectl(['create', 'configmap', 'c', '-n', 'gone']));
      ok(await kube.kubectl(['delete', 'namespace', 'gone', '--wait=false']));
      assert.equal(
        ok(await kube.kubectl(['get', 'ns', 'gone', '-o', 'jsonpath={.status.phase}'])),
        'Terminating',
      );
      const refused = await kube.kubectl(['create', 'configmap', 'd', '-n', 'gone']);
      assert.match(
        refused.stderr,
        /unable to create new content in namespace gone because it is being terminated/,
      );
      ok(await kube.kubectl(['wait', '--for=delete', 'namespace/gone', '--timeout=20s']));
    },
    { terminationMs: 2000 },
  );
});

test("a new CRD's kind is served only after a discovery lag", async () => {
  await withKube(
    async (_server, kube) => {
      const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
`;
      ok(await kube.kubectl(['apply', '--server-side', '-f', '-'], crd));
      ok(await kube.kubectl(['wait', '--for=condition=Established', 'crd/gadgets.example.com']));
      const early = await kube.kubectl(['get', 'gadgets.example.com']);
      assert.equal(early.code, 1, 'established, but not served yet');
      assert.match(early.stderr, /the server doesn't have a resource type "gadgets"/);
      const later = await eventually(kube, ['get', 'gadgets.example.com', '-o', 'name'], () => true);
      assert.equal(later, '');
    },
    { discoveryLagMs: 1500 },
  );
});

// Component deployments rendered natively: the objects loft-sh/component-chart would produce.
import assert from 'node:assert/strict';
import test from 'node:test';
import { renderKind } from '../tasks/render/kind.ts';
import { renderComponent } from '../tasks/render/component.ts';
import type { KubeObject } from '../tasks/render/object.ts';
import {
  componentDeployment,
  renderNode,
  settings,
  taggedImage,
  taskContext,
  toolEnv,
} from './fixtures/render/tasks.ts';
import { tempDir } from './helpers/cli.ts';

function byKind(objects: KubeObject[]): Record<string, KubeObject> {
  return Object.fromEntries(
    objects.map((o) => [
      `${o['kind'] as string}/${JSON.stringify((o['metadata'] as { name: string }).name)}`,
      o,
    ]),
  );
}

test('containers, service and ingress become a Deployment, a Service and an Ingress', () => {
  const rendered = renderComponent('api', {
    replicas: 2,
    labels: { tier: 'backend' },
    annotations: { owner: 'shop' },
    containers: [
      {
        image: '127.0.0.1:5000/shop/api:abc',
        command: ['/api'],
        args: ['--port', 8080],
        env: [{ name: 'MODE', value: 'prod' }],
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { memory: '64Mi' } },
        livenessProbe: { httpGet: { path: '/health', port: 8080 } },
      },
    ],
    service: { ports: [{ port: 80, containerPort: 8080 }] },
    ingress: { tls: true, rules: [{ host: 'api.example.com' }] },
    pullSecrets: ['regcred'],
  });
  assert.ok(rendered.ok, JSON.stringify(rendered));
  const objects = byKind(rendered.value);
  assert.deepEqual(Object.keys(objects), ['Service/"api"', 'Deployment/"api"', 'Ingress/"api"']);
  const deployment = objects['Deployment/"api"'] as {
    metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    spec: {
      replicas: number;
      strategy: { type: string };
      selector: { matchLabels: Record<string, string> };
      template: {
        spec: {
          containers: Record<string, unknown>[];
          imagePullSecrets: unknown;
          terminationGracePeriodSeconds: number;
        };
      };
    };
  };
  assert.equal(deployment.spec.replicas, 2);
  assert.equal(deployment.spec.strategy.type, 'Recreate');
  assert.deepEqual(deployment.spec.selector.matchLabels, {
    'app.kubernetes.io/name': 'devspace-app',
    'app.kubernetes.io/component': 'api',
    tier: 'backend',
  });
  assert.deepEqual(deployment.metadata.annotations, { owner: 'shop' });
  assert.deepEqual(deployment.spec.template.spec.imagePullSecrets, [{ name: 'regcred' }]);
  assert.equal(deployment.spec.template.spec.terminationGracePeriodSeconds, 5);
  const [container] = deployment.spec.template.spec.containers;
  assert.equal(container?.['name'], 'container-0');
  assert.deepEqual(container?.['args'], ['--port', '8080']);
  assert.deepEqual(container?.['resources'], {
    limits: { cpu: '500m', memory: '128Mi' },
    // The chart pins "0" for a limited resource that has no request.
    requests: { cpu: '0', memory: '64Mi' },
  });
  const service = objects['Service/"api"'] as { spec: { ports: unknown; type: string; selector: unknown } };
  assert.deepEqual(service.spec.ports, [{ name: 'port-0', port: 80, targetPort: 8080, protocol: 'TCP' }]);
  assert.equal(service.spec.type, 'ClusterIP');
  const ingress = objects['Ingress/"api"'] as {
    apiVersion: string;
    metadata: { annotations: Record<string, string> };
    spec: { rules: unknown; tls: unknown };
  };
  assert.equal(ingress.apiVersion, 'networking.k8s.io/v1');
  assert.deepEqual(ingress.spec.rules, [
    {
      host: 'api.example.com',
      http: {
        paths: [
          {
            backend: { service: { name: 'api', port: { number: 80 } } },
            path: '/',
            pathType: 'ImplementationSpecific',
          },
        ],
      },
    },
  ]);
  assert.deepEqual(ingress.spec.tls, [{ hosts: ['api.example.com'], secretName: 'tls-api' }]);
  assert.equal(ingress.metadata.annotations['cert-manager.io/cluster-issuer'], 'lets-encrypt-http-issuer');
});

test('a writable volume with a size makes a StatefulSet with a claim template and a headless service', () => {
  const rendered = renderComponent('db', {
    containers: [
      {
        name: 'postgres',
        image: 'postgres:16',
        volumeMounts: [
          { containerPath: '/var/lib/postgresql', volume: { name: 'data' } },
          { containerPath: '/etc/conf', volume: { name: 'conf', readOnly: true } },
          { containerPath: '/tmp', volume: { name: 'scratch' } },
          { containerPath: '/shared', volume: { name: 'shared', readOnly: true, subPath: '/x/' } },
        ],
      },
    ],
    volumes: [
      { name: 'data', size: '5Gi' },
      { name: 'conf', configMap: { name: 'db-conf' } },
      { name: 'scratch', emptyDir: {} },
      { name: 'shared', size: '1Gi', storageClassName: 'fast' },
    ],
    podManagementPolicy: 'Parallel',
    rollingUpdate: { enabled: true },
  });
  assert.ok(rendered.ok, JSON.stringify(rendered));
  const objects = byKind(rendered.value);
  assert.deepEqual(Object.keys(objects), [
    'PersistentVolumeClaim/"shared"',
    'Service/"db-headless"',
    'StatefulSet/"db"',
  ]);
  const sts = objects['StatefulSet/"db"'] as {
    spec: {
      serviceName: string;
      podManagementPolicy: string;
      updateStrategy: unknown;
      volumeClaimTemplates: { metadata: { name: string }; spec: unknown }[];
      template: { spec: { volumes: unknown; containers: { volumeMounts: unknown }[] } };
    };
  };
  assert.equal(sts.spec.serviceName, 'db-headless');
  assert.equal(sts.spec.podManagementPolicy, 'Parallel');
  assert.deepEqual(sts.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(
    sts.spec.volumeClaimTemplates.map((t) => [t.metadata.name, t.spec]),
    [['data', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } }]],
  );
  assert.deepEqual(sts.spec.template.spec.volumes, [
    { name: 'conf', configMap: { name: 'db-conf' } },
    { name: 'scratch', emptyDir: {} },
    { name: 'shared', persistentVolumeClaim: { claimName: 'shared' } },
  ]);
  assert.deepEqual((sts.spec.template.spec.containers[0]?.volumeMounts as unknown[])[3], {
    mountPath: '/shared',
    name: 'shared',
    subPath: 'x',
    readOnly: true,
  });
  const claim = objects['PersistentVolumeClaim/"shared"'] as { spec: unknown };
  assert.deepEqual(claim.spec, {
    storageClassName: 'fast',
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '1Gi' } },
  });
  const headless = objects['Service/"db-headless"'] as { spec: unknown };
  assert.deepEqual((headless.spec as { clusterIP: string }).clusterIP, 'None');
});

test('an autoscaler appears when maxReplicas exceeds replicas', () => {
  const rendered = renderComponent('web', {
    replicas: 1,
    containers: [{ image: 'nginx' }],
    autoScaling: { horizontal: { maxReplicas: 4, averageRelativeCPU: 80 } },
  });
  assert.ok(rendered.ok);
  const hpa = rendered.value.find((o) => o['kind'] === 'HorizontalPodAutoscaler') as
    { spec: Record<string, unknown> } | undefined;
  assert.deepEqual(hpa?.spec, {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 4,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ],
  });
});

test('bad component values fail with one clear message', () => {
  const noContainers = renderComponent('web', { service: { ports: [{ port: 80 }] } });
  assert.equal(
    noContainers.ok ? '' : noContainers.error,
    'Cannot render component "web": "containers" lists no container',
  );
  const noSize = renderComponent('web', {
    containers: [{ image: 'nginx', volumeMounts: [{ containerPath: '/d', volume: { name: 'data' } }] }],
    volumes: [{ name: 'data' }],
  });
  assert.match(noSize.ok ? '' : noSize.error, /volume "data" needs a "size"/);
});

test('the render task replaces image names in component values before rendering', async () => {
  const stateDir = await tempDir('dsg-render-state-');
  const deployment = componentDeployment('api', {
    containers: [{ image: '127.0.0.1:5000/shop/api' }, { image: '127.0.0.1:5000/shop/api:pinned' }],
  });
  const task = renderNode('/nonexistent-project', deployment, ['tag:api']);
  const upstream = new Map([['tag:api', taggedImage('api', '127.0.0.1:5000/shop/api', 'f00d')]]);
  const ctx = taskContext(task, await toolEnv(), settings(stateDir), { upstream });
  const result = await renderKind.run(task, ctx);
  assert.ok(result.ok, JSON.stringify(result));
  const { data } = result.value;
  assert.deepEqual(
    data.objects.map((o) => `${o.kind}/${o.name}`),
    ['Deployment/api'],
  );
  assert.ok(ctx.lines.some((l) => l.includes('127.0.0.1:5000/shop/api -> 127.0.0.1:5000/shop/api:f00d')));
});

// The stand-in as strict as a real API server, held to the real kubectl: field validation, list-map keys,
// warnings. (Controllers, pod failures, autoscaling, RBAC, termination and discovery lag: kube-server-cluster.)
import assert from 'node:assert/strict';
import test from 'node:test';
import { kubeSandbox, requestServer } from './kube-server/clients.ts';
import { startKubeServer, type KubeObject } from './kube-server/index.ts';

const deployment = (containerExtra: string, specExtra = ''): string =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: { name: web }',
    'spec:',
    '  replicas: 1',
    specExtra,
    '  selector: { matchLabels: { app: web } }',
    '  template:',
    '    metadata: { labels: { app: web } }',
    '    spec:',
    `      containers: [{ name: web, image: busybox${containerExtra} }]`,
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');

test('unknown fields: kubectl apply fails (Strict, its default), warns with --validate=warn, drops with false', async () => {
  const server = await startKubeServer();
  const kube = await kubeSandbox(server);
  try {
    const typo = deployment(', imagePullPolcy: Always');
    const strict = await kube.kubectl(['apply', '--server-side', '-f', '-'], typo);
    assert.equal(strict.code, 1);
    assert.match(
      strict.stderr,
      /BadRequest.*\.spec\.template\.spec\.containers\[0\]\.imagePullPolcy: field not declared in schema/,
    );
    assert.equal(server.getObject('apps/v1', 'Deployment', 'default', 'web'), undefined);
    const created = await kube.kubectl(['create', '-f', '-'], typo);
    assert.match(
      created.stderr,
      /strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolcy"/,
    );

    const warned = await kube.kubectl(['apply', '--server-side', '--validate=warn', '-f', '-'], typo);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(
      warned.stderr,
      /Warning: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolcy"/,
    );
    const live = server.getObject('apps/v1', 'Deployment', 'default', 'web') as KubeObject;
    assert.doesNotMatch(JSON.stringify(live), /imagePullPolcy/, 'the unknown field was dropped');

    const ignored = await kube.kubectl(['apply', '--server-side', '--validate=false', '-f', '-'], typo);
    assert.equal(ignored.code, 0, ignored.stderr);
    assert.doesNotMatch(ignored.stderr, /Warning/);

    // A wrong type is a decoding error whatever the directive.
    const wrong = await kube.kubectl(
      ['apply', '--server-side', '--validate=false', '-f', '-'],
      deployment('').replace('replicas: 1', 'replicas: "three"'),
    );
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /cannot unmarshal string into field "spec\.replicas" of type number/);
  } finally {
    await kube.cleanup();
    await server.close();
  }
});

test('without fieldValidation the server warns (Warn is the default); an unknown directive is a 400', async () => {
  const server = await startKubeServer();
  try {
    const body = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', labelz: { a: 'b' } },
      data: { a: '1' },
    });
    const headers = { 'Content-Type': 'application/json' };
    const created = await requestServer(server, 'POST', '/api/v1/namespaces/default/configmaps', {
      body,
      headers,
    });
    assert.equal(created.status, 201, created.body);
    assert.equal(created.headers['warning'], '299 - "unknown field \\"metadata.labelz\\""');
    const bad = await requestServer(
      server,
      'POST',
      '/api/v1/namespaces/default/configmaps?fieldValidation=Loud',
      {
        body,
        headers,
      },
    );
    assert.equal(bad.status, 400);
  } finally {
    await server.close();
  }
});

test('custom resources are validated against their CRD schema; preserved fields stay open', async () => {
  const server = await startKubeServer();
  const kube = await kubeSandbox(server);
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
      '      schema:',
      '        openAPIV3Schema:',
      '          type: object',
      '          properties:',
      '            spec:',
      '              type: object',
      '              properties:',
      '                size: { type: integer }',
      '                extra: { type: object, x-kubernetes-preserve-unknown-fields: true }',
      '',
    ].join('\n');
    assert.equal((await kube.kubectl(['apply', '--server-side', '-f', '-'], crd)).code, 0);
    await kube.kubectl(['wait', '--for=condition=Established', 'crd/widgets.example.com']);
    const widget = (spec: string): string =>
      `apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: ${spec}\n`;
    const good = await kube.kubectl(
      ['apply', '--server-side', '-f', '-'],
      widget('{ size: 3, extra: { any: 1 } }'),
    );
    assert.equal(good.code, 0, good.stderr);
    const typo = await kube.kubectl(['apply', '--server-side', '-f', '-'], widget('{ sise: 3 }'));
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /\.spec\.sise: field not declared in schema/);
  } finally {
    await kube.cleanup();
    await server.close();
  }
});

test('Service ports are keyed by (port, protocol) for apply: 53/TCP and 53/UDP are two elements', async () => {
  const server = await startKubeServer();
  const kube = await kubeSandbox(server);
  try {
    const service = (ports: string): string =>
      `apiVersion: v1\nkind: Service\nmetadata: { name: dns }\nspec:\n  selector: { app: dns }\n  ports: ${ports}\n`;
    const both = await kube.kubectl(
      ['apply', '--server-side', '-f', '-'],
      service('[{ name: tcp, port: 53 }, { name: udp, port: 53, protocol: UDP }]'),
    );
    assert.equal(both.code, 0, both.stderr);
    const live = server.getObject('v1', 'Service', 'default', 'dns') as KubeObject;
    const managed = JSON.stringify(live.metadata.managedFields);
    assert.match(managed, /k:\{\\"port\\":53,\\"protocol\\":\\"TCP\\"\}/);
    assert.match(managed, /k:\{\\"port\\":53,\\"protocol\\":\\"UDP\\"\}/);

    // Applying only the UDP port removes the TCP one, and only it.
    const udp = await kube.kubectl(
      ['apply', '--server-side', '-f', '-'],
      service('[{ name: udp, port: 53, protocol: UDP }]'),
    );
    assert.equal(udp.code, 0, udp.stderr);
    const after = server.getObject('v1', 'Service', 'default', 'dns') as KubeObject;
    assert.deepEqual(
      (after['spec'] as { ports: { name: string; protocol: string }[] }).ports.map(
        (p) => `${p.name}/${p.protocol}`,
      ),
      ['udp/UDP'],
    );
  } finally {
    await kube.cleanup();
    await server.close();
  }
});

test('accepted writes carry the warnings a real server gives for pod templates', async () => {
  const server = await startKubeServer();
  const kube = await kubeSandbox(server);
  try {
    const manifest = deployment(', ports: [{ containerPort: 80 }, { containerPort: 80 }]').replace(
      '    spec:\n',
      '    spec:\n      nodeSelector: { beta.kubernetes.io/os: linux }\n',
    );
    const applied = await kube.kubectl(['apply', '--server-side', '-f', '-'], manifest);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(
      applied.stderr,
      /Warning: spec\.template\.spec\.nodeSelector\[beta\.kubernetes\.io\/os\]: deprecated since v1\.14; use "kubernetes\.io\/os" instead/,
    );
    assert.match(
      applied.stderr,
      /Warning: spec\.template\.spec\.containers\[0\]\.ports\[1\]: duplicate port definition with spec\.template\.spec\.containers\[0\]\.ports\[0\]/,
    );
  } finally {
    await kube.cleanup();
    await server.close();
  }
});

// The test API server, held to the real helm 3.17: install, list, upgrade, wait and uninstall a local chart.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { startKubeServer, type KubeServer, type KubeServerOptions } from './kube-server/index.ts';
import { kubeSandbox, type KubeSandbox, type ToolResult } from './kube-server/clients.ts';

/** Writes a tiny chart (a Deployment, a Service and a ConfigMap) and returns its directory. */
async function writeChart(dir: string): Promise<string> {
  const chart = join(dir, 'tiny');
  await mkdir(join(chart, 'templates'), { recursive: true });
  await writeFile(
    join(chart, 'Chart.yaml'),
    'apiVersion: v2\nname: tiny\nversion: 0.1.0\nappVersion: "1.0"\n',
  );
  await writeFile(join(chart, 'values.yaml'), 'replicas: 1\nimage: registry.local/tiny:v1\n');
  await writeFile(
    join(chart, 'templates', 'all.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels: {app: {{ .Release.Name }}}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {app: {{ .Release.Name }}}
  ports: [{port: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  replicas: "{{ .Values.replicas }}"
`,
  );
  return chart;
}

async function withHelm(
  fn: (server: KubeServer, kube: KubeSandbox, chart: string) => Promise<void>,
  options: KubeServerOptions = {},
): Promise<void> {
  const server = await startKubeServer(options);
  const kube = await kubeSandbox(server);
  try {
    await fn(server, kube, await writeChart(kube.dir));
  } finally {
    await server.close();
    await kube.cleanup();
  }
}

function ok(result: ToolResult): string {
  assert.equal(result.code, 0, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result.stdout;
}

interface ListedRelease {
  name: string;
  namespace: string;
  revision: string;
  status: string;
  chart: string;
}

test('helm upgrade --install, list, a second upgrade bumps the revision, uninstall removes everything', async () => {
  await withHelm(async (server, kube, chart) => {
    assert.match(ok(await kube.helm(['upgrade', '--install', 'shop', chart])), /STATUS: deployed/);
    const listed = JSON.parse(ok(await kube.helm(['list', '-o', 'json']))) as ListedRelease[];
    assert.deepEqual(
      listed.map((r) => [r.name, r.namespace, r.revision, r.status, r.chart]),
      [['shop', 'default', '1', 'deployed', 'tiny-0.1.0']],
    );
    assert.ok(server.getObject('apps/v1', 'Deployment', 'default', 'shop'));
    assert.ok(
      server.getObject('v1', 'Secret', 'default', 'sh.helm.release.v1.shop.v1'),
      'the release is stored as a Secret',
    );

    ok(await kube.helm(['upgrade', '--install', 'shop', chart, '--set', 'replicas=3']));
    const upgraded = JSON.parse(ok(await kube.helm(['list', '-o', 'json']))) as ListedRelease[];
    assert.equal(upgraded[0]?.revision, '2');
    const spec = server.getObject('apps/v1', 'Deployment', 'default', 'shop')?.['spec'] as {
      replicas: number;
    };
    assert.equal(spec.replicas, 3);
    assert.deepEqual(server.getObject('v1', 'ConfigMap', 'default', 'shop-settings')?.['data'], {
      replicas: '3',
    });
    const history = JSON.parse(ok(await kube.helm(['history', 'shop', '-o', 'json']))) as {
      revision: number;
      status: string;
    }[];
    assert.deepEqual(
      history.map((h) => [h.revision, h.status]),
      [
        [1, 'superseded'],
        [2, 'deployed'],
      ],
    );

    assert.match(ok(await kube.helm(['uninstall', 'shop'])), /release "shop" uninstalled/);
    assert.equal(server.getObject('apps/v1', 'Deployment', 'default', 'shop'), undefined);
    assert.equal(server.getObject('v1', 'ConfigMap', 'default', 'shop-settings'), undefined);
    assert.equal(server.getObject('v1', 'Secret', 'default', 'sh.helm.release.v1.shop.v2'), undefined);
    assert.deepEqual(JSON.parse(ok(await kube.helm(['list', '-o', 'json']))), []);
  });
});

test('helm --wait --create-namespace waits for the simulated rollout; a never-ready release times out', async () => {
  await withHelm(
    async (server, kube, chart) => {
      ok(
        await kube.helm([
          'upgrade',
          '--install',
          'shop',
          chart,
          '-n',
          'store',
          '--create-namespace',
          '--wait',
          '--timeout',
          '20s',
        ]),
      );
      assert.ok(server.getObject('v1', 'Namespace', undefined, 'store'));
      const status = server.getObject('apps/v1', 'Deployment', 'store', 'shop')?.['status'] as {
        readyReplicas: number;
      };
      assert.equal(status.readyReplicas, 1);

      const failed = await kube.helm([
        'upgrade',
        '--install',
        'stuck',
        chart,
        '--set',
        'image=registry.local/never-ready:v1',
        '--wait',
        '--timeout',
        '1s',
      ]);
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /context deadline exceeded/);
      const listed = JSON.parse(ok(await kube.helm(['list', '-o', 'json', '--failed']))) as ListedRelease[];
      assert.deepEqual(
        listed.map((r) => [r.name, r.status]),
        [['stuck', 'failed']],
      );
    },
    { readyDelayMs: 0 },
  );
});

// A dependency's `namespace:` through a real deploy: everything the dependency deploys (kubectl manifests, a helm
// release, and what its own dependencies deploy) lands in that namespace, against `-n` and the context's; the
// parent's deployments go where `-n` puts them, except one with a `namespace:` of its own, which DevSpace keeps
// there whatever `-n` says.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { runDsg, tempDir } from './helpers/cli.ts';
import { endStatuses } from './helpers/custom-project.ts';
import { e2eCluster, realKubeconfig } from './helpers/e2e-cluster.ts';

function configMap(name: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  owner: ${name}\n`;
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

test("a dependency's namespace holds for its manifests, its helm release and its own dependencies, against -n", async () => {
  const cluster = await e2eCluster();
  const depNs = `${cluster.namespace}-dep`;
  const flagNs = `${cluster.namespace}-flag`;
  const ownNs = `${cluster.namespace}-own`;
  try {
    const dir = await tempDir('dsg-dep-ns-');
    await writeFiles(dir, {
      'devspace.yaml': [
        'version: v2beta1',
        'name: root',
        'dependencies:',
        '  api:',
        '    path: api',
        `    namespace: ${depNs}`,
        'deployments:',
        '  root:',
        '    kubectl:',
        '      manifests: [kube/root.yaml]',
        '  pinned:',
        `    namespace: ${ownNs}`,
        '    kubectl:',
        '      manifests: [kube/pinned.yaml]',
        '',
      ].join('\n'),
      'kube/root.yaml': configMap('root-cm'),
      'kube/pinned.yaml': configMap('pinned-cm'),
      'api/devspace.yaml': [
        'version: v2beta1',
        'name: api',
        'dependencies:',
        '  db:',
        '    path: ../db',
        'deployments:',
        '  api:',
        '    kubectl:',
        '      manifests: [kube/api.yaml]',
        '  chart:',
        '    helm:',
        '      releaseName: api-chart',
        '      chart:',
        '        name: chart',
        '',
      ].join('\n'),
      'api/kube/api.yaml': configMap('api-cm'),
      'api/chart/Chart.yaml': 'apiVersion: v2\nname: api-chart\nversion: 0.1.0\n',
      'api/chart/templates/cm.yaml': configMap('api-chart-cm'),
      'db/devspace.yaml': [
        'version: v2beta1',
        'name: db',
        'deployments:',
        '  db:',
        '    kubectl:',
        '      manifests: [db.yaml]',
        '',
      ].join('\n'),
      'db/db.yaml': configMap('db-cm'),
    });
    const r = await runDsg(['run', 'deploy', '-n', flagNs, '--json'], { cwd: dir, env: cluster.env });
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
    const statuses = endStatuses(r.stdout);
    for (const id of [
      'deploy:root',
      'deploy:pinned',
      'api/deploy:api',
      'api/deploy:chart',
      'api/db/deploy:db',
    ]) {
      assert.equal(statuses.get(id), 'ran', `${id} in ${[...statuses.keys()].join(', ')}`);
    }
    const where = async (name: string): Promise<string[]> => {
      const found: string[] = [];
      for (const ns of [cluster.namespace, flagNs, depNs, ownNs]) {
        if (await cluster.get('v1', 'ConfigMap', name, ns)) found.push(ns);
      }
      return found;
    };
    assert.deepEqual(await where('root-cm'), [flagNs], "the parent's deployment follows -n");
    assert.deepEqual(await where('pinned-cm'), [ownNs], 'a namespace of its own holds against -n');
    assert.deepEqual(await where('api-cm'), [depNs], "the dependency's manifests");
    assert.deepEqual(await where('api-chart-cm'), [depNs], "the dependency's helm release");
    assert.deepEqual(await where('db-cm'), [depNs], "the dependency's own dependency inherits it");

    const list = await runDsg(['list', 'deployments', '-n', flagNs], { cwd: dir, env: cluster.env });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`api/chart\\s+helm\\s+${depNs}`), list.stdout);
  } finally {
    if (realKubeconfig) {
      for (const ns of [depNs, flagNs, ownNs])
        await cluster.kubectl(['delete', 'namespace', ns, '--wait=false']);
    }
    await cluster.close();
  }
});

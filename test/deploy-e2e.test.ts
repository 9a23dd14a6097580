// `dsg run deploy` of the whole examples/ project: real images from the real engine and registry, deployed to the
// test API server; then a no-op re-run, one changed manifest, a hand-deleted object, a pruned object, render, purge.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import test from 'node:test';
import { copyFixture, runDsg } from './helpers/cli.ts';
import { endStatuses, jsonEvents } from './helpers/custom-project.ts';
import { repoRoot } from './helpers/paths.ts';
import { startKubeServer } from './kube-server/index.ts';

const statusesOf = (stdout: string, kind: string): string[] =>
  [...endStatuses(stdout)].filter(([id]) => id.split(':')[0]?.endsWith(kind)).map(([, s]) => s);

test('the examples deploy end to end, then re-deploy nothing, then exactly what changed', async () => {
  const server = await startKubeServer({ readyDelayMs: 20 });
  try {
    const dir = await copyFixture('examples');
    const kubeconfig = join(dir, 'kubeconfig');
    await server.writeKubeconfig(kubeconfig);
    const env = { KUBECONFIG: kubeconfig, PATH: `${join(repoRoot, '.tools/bin')}:${process.env.PATH ?? ''}` };

    const first = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env });
    assert.equal(first.code, 0, first.stderr + first.stdout.slice(-3000));
    assert.deepEqual([...new Set(statusesOf(first.stdout, 'deploy'))], ['ran']);
    const api = server.getObject('apps/v1', 'Deployment', 'shop', 'api') as
      { spec: { template: { spec: { containers: { image: string }[] } } } } | undefined;
    const image = api?.spec.template.spec.containers[0]?.image ?? '';
    assert.match(
      image,
      /^127\.0\.0\.1:5000\/shop\/api:[0-9a-f]{12}$/,
      'the built tag replaced the manifest image',
    );
    const web = server.getObject('apps/v1', 'Deployment', 'shop', 'web') as
      { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } } | undefined;
    assert.match(
      web?.spec.template.spec.containers[0]?.image ?? '',
      /^127\.0\.0\.1:5000\/shop\/web:[0-9a-f]{12}$/,
      'helm repository + tag, no doubled tag',
    );
    assert.equal(web?.spec.replicas, 2);
    assert.ok(server.getObject('apps/v1', 'StatefulSet', 'shop', 'db'), 'the dependency was deployed');
    assert.ok(server.getObject('apps/v1', 'Deployment', 'shop', 'jobs'), 'the component was deployed');
    // The dependency's deploy finished before the dependents' deploys started.
    const ends = jsonEvents(first.stdout).map((e) => `${e.type} ${e.id ?? ''}`);
    assert.ok(ends.indexOf('task-end db/deploy:db') < ends.indexOf('task-start deploy:api'));

    server.resetStats();
    const second = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual([...new Set(endStatuses(second.stdout).values())], ['cached']);
    assert.equal(server.stats().writes, 0, 'a no-op deploy writes nothing');

    // One changed manifest: only that deployment's object is applied.
    const manifest = join(dir, 'kube/api.yaml');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('replicas: 1', 'replicas: 3'));
    server.resetStats();
    const third = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env });
    assert.equal(third.code, 0, third.stderr);
    const s = endStatuses(third.stdout);
    assert.equal(s.get('deploy:api'), 'ran');
    assert.equal(s.get('deploy:web'), 'cached');
    const writes = server
      .stats()
      .log.filter((r) => ['APPLY', 'PATCH', 'CREATE', 'UPDATE', 'DELETE'].includes(r.verb) && !r.dryRun);
    assert.deepEqual(
      writes.map((r) => r.path.split('?')[0]),
      ['/apis/apps/v1/namespaces/shop/deployments/api'],
    );

    // An object deleted by hand is restored, and the reason says so.
    server.removeObject('v1', 'Service', 'shop', 'api');
    const fourth = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env });
    assert.equal(fourth.code, 0, fourth.stderr);
    assert.equal(endStatuses(fourth.stdout).get('deploy:api'), 'ran');
    assert.match(
      JSON.stringify(
        jsonEvents(fourth.stdout).find((e) => e.id === 'deploy:api' && e.type === 'task-end')?.reason,
      ),
      /artifact-missing/,
    );
    assert.ok(server.getObject('v1', 'Service', 'shop', 'api'));

    // An object removed from the manifest is pruned.
    await writeFile(manifest, (await readFile(manifest, 'utf8')).split('---')[0] ?? '');
    const fifth = await runDsg(['run', 'deploy'], { cwd: dir, env });
    assert.equal(fifth.code, 0, fifth.stderr);
    assert.equal(server.getObject('v1', 'Service', 'shop', 'api'), undefined);

    // render writes the manifests and touches no cluster.
    server.resetStats();
    const render = await runDsg(['run', 'render', '-b', '--skip-push'], { cwd: dir, env });
    assert.equal(render.code, 0, render.stderr);
    assert.equal(server.stats().total, 0);
    assert.match(
      await readFile(join(dir, '.dsg/rendered/api.yaml'), 'utf8').catch(
        async () => await readFile(join(dir, '.dsg/rendered/render%3Aapi.yaml'), 'utf8'),
      ),
      /kind: Deployment/,
    );

    // purge removes everything dsg deployed, dependencies last.
    const purge = await runDsg(['run', 'purge', '--json'], { cwd: dir, env });
    assert.equal(purge.code, 0, purge.stderr);
    for (const [kind, name] of [
      ['Deployment', 'api'],
      ['Deployment', 'web'],
      ['Deployment', 'jobs'],
    ] as const) {
      assert.equal(server.getObject('apps/v1', kind, 'shop', name), undefined, `${kind} ${name} purged`);
    }
    assert.equal(server.getObject('apps/v1', 'StatefulSet', 'shop', 'db'), undefined);
    const order = jsonEvents(purge.stdout)
      .filter((e) => e.type === 'task-end')
      .map((e) => e.id);
    assert.ok(
      order.indexOf('db/deploy:db') > order.indexOf('deploy:api'),
      `dependencies last: ${order.join(', ')}`,
    );
  } finally {
    await server.close();
  }
});

test('an unreachable cluster is one clear message and nothing recorded', async () => {
  const dir = await copyFixture('examples');
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    'apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: http://127.0.0.1:1\ncontexts:\n- name: gone\n  context:\n    cluster: gone\n    user: u\nusers:\n- name: u\n  user:\n    token: t\ncurrent-context: gone\n',
  );
  const r = await runDsg(['run', 'deploy'], {
    cwd: dir,
    env: { KUBECONFIG: kubeconfig, PATH: `${join(repoRoot, '.tools/bin')}:${process.env.PATH ?? ''}` },
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot reach the cluster at http:\/\/127\.0\.0\.1:1/);
  assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/);
  const ls = JSON.parse((await runDsg(['cache', 'ls', '--json'], { cwd: dir })).stdout) as {
    rows: { taskId: string }[];
  };
  assert.ok(!ls.rows.some((row) => row.taskId.includes('deploy:')), 'no deploy recorded as done');
});

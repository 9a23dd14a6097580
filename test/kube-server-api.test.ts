// The test API server through @kubernetes/client-node (what dsg itself uses) and raw HTTP: server-side
// apply, watch streams, Status objects, request counting and the direct store hooks.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import test from 'node:test';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { startKubeServer, type KubeServer } from './kube-server/index.ts';
import { kubeSandbox, requestServer } from './kube-server/clients.ts';
import { tempDir } from './helpers/cli.ts';
import { repoRoot, underDeno } from './helpers/paths.ts';

async function withServer(fn: (server: KubeServer) => Promise<void>, token?: string): Promise<void> {
  const server = await startKubeServer(token === undefined ? {} : { token });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

async function objectApi(server: KubeServer): Promise<KubernetesObjectApi> {
  const dir = await tempDir('dsg-kube-api-');
  const config = new KubeConfig();
  config.loadFromFile(await server.writeKubeconfig(join(dir, 'kubeconfig')));
  await rm(dir, { recursive: true, force: true });
  return KubernetesObjectApi.makeApiClient(config);
}

interface ConfigMapLike {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; resourceVersion?: string };
  data: Record<string, string>;
}

function configMap(
  name: string,
  data: Record<string, string>,
  labels: Record<string, string> = {},
): ConfigMapLike {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data };
}

const appRef = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' } };

test('@kubernetes/client-node: server-side apply creates, updates, prunes fields, reads and deletes', async () => {
  // Over HTTPS with a token, as a real cluster would be reached.
  await withServer(async (server) => {
    const api = await objectApi(server);
    const apply = async (object: ConfigMapLike, dryRun?: string) =>
      (await api.patch(
        object,
        undefined,
        dryRun,
        'dsg',
        true,
        PatchStrategy.ServerSideApply,
      )) as ConfigMapLike & KubernetesObject;

    const created = await apply(configMap('app', { a: '1', b: '2' }, { 'dsg.dev/key': 'k1' }));
    assert.equal(created.metadata?.resourceVersion !== undefined, true);
    const updated = await apply(configMap('app', { a: '1' }, { 'dsg.dev/key': 'k2' }));
    assert.deepEqual(updated.data, { a: '1' }, 'a field the manager stopped applying is removed');
    assert.equal(updated.metadata?.labels?.['dsg.dev/key'], 'k2');
    assert.deepEqual(
      updated.metadata?.managedFields?.map((m) => [m.manager, m.operation]),
      [['dsg', 'Apply']],
    );

    const unchanged = await apply(configMap('app', { a: '1' }, { 'dsg.dev/key': 'k2' }));
    assert.equal(
      unchanged.metadata?.resourceVersion,
      updated.metadata?.resourceVersion,
      'a no-op apply keeps the resourceVersion',
    );

    const dry = await apply(configMap('app', { a: 'dry' }), 'All');
    assert.equal(dry.data.a, 'dry');
    assert.deepEqual(server.getObject('v1', 'ConfigMap', 'default', 'app')?.['data'], { a: '1' });

    const read = await api.read<KubernetesObject & ConfigMapLike>(appRef);
    assert.deepEqual(read.data, { a: '1' });
    const list = await api.list(
      'v1',
      'ConfigMap',
      'default',
      undefined,
      undefined,
      undefined,
      undefined,
      'dsg.dev/key=k2',
    );
    assert.deepEqual(
      list.items.map((i) => i.metadata?.name),
      ['app'],
    );

    await api.delete(appRef);
    assert.equal(server.getObject('v1', 'ConfigMap', 'default', 'app'), undefined);
    await assert.rejects(api.read(appRef), (error: { code?: number }) => error.code === 404);
  }, 'client-node-token');
});

test('Status objects for missing, existing and invalid objects are shaped like the real ones', async () => {
  await withServer(async (server) => {
    const missing = await requestServer(server, 'GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
    const body = JSON.stringify(configMap('dup', { a: '1' }));
    const headers = { 'Content-Type': 'application/json' };
    assert.equal(
      (await requestServer(server, 'POST', '/api/v1/namespaces/default/configmaps', { body, headers }))
        .status,
      201,
    );
    const again = await requestServer(server, 'POST', '/api/v1/namespaces/default/configmaps', {
      body,
      headers,
    });
    assert.equal(again.status, 409);
    assert.equal((JSON.parse(again.body) as { reason: string }).reason, 'AlreadyExists');
    const bad = await requestServer(server, 'POST', '/api/v1/namespaces/default/configmaps', {
      body: JSON.stringify(configMap('Not_Valid', {})),
      headers,
    });
    assert.equal(bad.status, 422);
    const invalid = JSON.parse(bad.body) as { reason: string; details: { causes: { field: string }[] } };
    assert.equal(invalid.reason, 'Invalid');
    assert.equal(invalid.details.causes[0]?.field, 'metadata.name');
    const stale = await requestServer(server, 'PUT', '/api/v1/namespaces/default/configmaps/dup', {
      body: JSON.stringify({
        ...configMap('dup', { a: '2' }),
        metadata: { name: 'dup', resourceVersion: '1' },
      }),
      headers,
    });
    assert.equal(stale.status, 409);
    assert.equal((JSON.parse(stale.body) as { reason: string }).reason, 'Conflict');
  });
});

/** Reads watch events until `count` arrived. */
async function readEvents(
  server: KubeServer,
  path: string,
  count: number,
  act: () => Promise<void>,
): Promise<{ type: string; name: string }[]> {
  const url = new URL(path, server.url);
  const events: { type: string; name: string }[] = [];
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  assert.equal(response.status, 200);
  const reader = response.body?.getReader();
  assert.ok(reader);
  await act();
  let buffered = '';
  const decoder = new TextDecoder();
  while (events.length < count) {
    const chunk = await reader.read();
    if (chunk.done) break;
    buffered += decoder.decode(chunk.value as Uint8Array, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      const event = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
      events.push({ type: event.type, name: event.object.metadata.name });
    }
  }
  controller.abort();
  await reader.cancel().catch(() => undefined);
  return events;
}

test('watch streams ADDED/MODIFIED/DELETED, resumes from a resourceVersion and follows label selectors', async () => {
  await withServer(async (server) => {
    const kube = await kubeSandbox(server);
    const apply = (yaml: string) => kube.kubectl(['apply', '--server-side', '-f', '-'], yaml);
    const cm = (name: string, tier: string, value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, labels: {tier: ${tier}}}\ndata: {v: "${value}"}\n`;
    await apply(cm('one', 'web', '1'));
    const rv = server.getObject('v1', 'ConfigMap', 'default', 'one')?.metadata.resourceVersion ?? '';

    const all = await readEvents(server, '/api/v1/namespaces/default/configmaps?watch=1', 4, async () => {
      await apply(cm('two', 'web', '1'));
      await apply(cm('one', 'web', '2'));
      await kube.kubectl(['delete', 'cm', 'two']);
    });
    assert.deepEqual(
      all.map((e) => `${e.type} ${e.name}`),
      ['ADDED one', 'ADDED two', 'MODIFIED one', 'DELETED two'],
    );

    // Resuming after `rv` replays what happened since, without the synthetic ADDED of existing objects.
    const resumed = await readEvents(
      server,
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`,
      3,
      async () => undefined,
    );
    assert.deepEqual(
      resumed.map((e) => `${e.type} ${e.name}`),
      ['ADDED two', 'MODIFIED one', 'DELETED two'],
    );

    // An object leaving a selection is DELETED for that watch, and ADDED when it comes back.
    const list = JSON.parse(
      (await requestServer(server, 'GET', '/api/v1/namespaces/default/configmaps')).body,
    ) as {
      metadata: { resourceVersion: string };
    };
    const now = list.metadata.resourceVersion;
    const selected = await readEvents(
      server,
      `/api/v1/namespaces/default/configmaps?watch=1&labelSelector=tier%3Dweb&resourceVersion=${now}`,
      2,
      async () => {
        await apply(cm('one', 'db', '2'));
        await apply(cm('one', 'web', '3'));
      },
    );
    assert.deepEqual(
      selected.map((e) => `${e.type} ${e.name}`),
      ['DELETED one', 'ADDED one'],
    );
    await kube.cleanup();
  });
});

test('stats count requests by verb; editObject and removeObject act like someone else on the cluster', async () => {
  await withServer(async (server) => {
    const kube = await kubeSandbox(server);
    await kube.kubectl(
      ['apply', '--server-side', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "1"}\n',
    );
    await kube.kubectl(['get', 'cm', 'c']);
    await kube.kubectl(['get', 'cm']);
    const stats = server.stats();
    assert.equal(stats.byVerb['APPLY'], 1);
    assert.equal(stats.byVerb['LIST'], 1);
    assert.ok((stats.byVerb['GET'] ?? 0) >= 2, 'discovery and the named get count as GET');
    assert.equal(stats.writes, 1);
    assert.equal(stats.total, stats.log.length);
    assert.ok(
      stats.log.some(
        (e) => e.verb === 'APPLY' && e.path.startsWith('/api/v1/namespaces/default/configmaps/c?'),
      ),
    );
    server.resetStats();
    assert.equal(server.stats().total, 0);

    const before = server.getObject('v1', 'ConfigMap', 'default', 'c');
    assert.ok(server.editObject('v1', 'ConfigMap', 'default', 'c', (o) => (o['data'] = { a: 'hand' })));
    const after = server.getObject('v1', 'ConfigMap', 'default', 'c');
    assert.deepEqual(after?.['data'], { a: 'hand' });
    assert.notEqual(after?.metadata.resourceVersion, before?.metadata.resourceVersion);
    assert.ok(after?.metadata.managedFields?.some((m) => m.manager === 'hand-edit'));
    // kubectl sees the drift: the hand edit now owns data.a, so a plain re-apply conflicts.
    const conflict = await kube.kubectl(
      ['apply', '--server-side', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "1"}\n',
    );
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /conflict with "hand-edit"/);

    const requests = server.stats().total;
    assert.ok(server.removeObject('v1', 'ConfigMap', 'default', 'c'));
    assert.equal(server.getObject('v1', 'ConfigMap', 'default', 'c'), undefined);
    assert.equal(server.removeObject('v1', 'ConfigMap', 'default', 'c'), false);
    assert.equal(server.stats().total, requests, 'the store hooks are not requests');
    await kube.cleanup();
  });
});

test('DELETE on a collection removes what the label selector matches and answers the deleted list', async () => {
  await withServer(async (server) => {
    const headers = { 'Content-Type': 'application/json' };
    for (const [name, tier] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
    ] as const) {
      const body = JSON.stringify(configMap(name, {}, { tier }));
      await requestServer(server, 'POST', '/api/v1/namespaces/default/configmaps', { body, headers });
    }
    const deleted = await requestServer(
      server,
      'DELETE',
      '/api/v1/namespaces/default/configmaps?labelSelector=tier%3Dweb',
    );
    assert.equal(deleted.status, 200);
    const list = JSON.parse(deleted.body) as { kind: string; items: { metadata: { name: string } }[] };
    assert.equal(list.kind, 'ConfigMapList');
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['a', 'b'],
    );
    assert.equal(server.getObject('v1', 'ConfigMap', 'default', 'a'), undefined);
    assert.ok(server.getObject('v1', 'ConfigMap', 'default', 'c'));
    assert.equal(server.stats().byVerb['DELETE'], 1);
  });
});

test('scripts/kube-server starts a server, writes a kubeconfig, prints the URL and stops on SIGTERM', async () => {
  const dir = await tempDir('dsg-kube-script-');
  const kubeconfig = join(dir, 'kubeconfig');
  const script = underDeno
    ? ['run', '-A', '--no-check', join(repoRoot, 'scripts/kube-server.ts')]
    : [join(repoRoot, 'dist/scripts/kube-server.js')];
  const child = spawn(process.execPath, [...script, '--port', '0', '--kubeconfig', kubeconfig], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        const found = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (found?.[1]) resolve(found[1]);
      });
      child.on('exit', (code) => reject(new Error(`the script exited with ${String(code)}: ${out}`)));
    });
    const version = (await (await fetch(`${url}/version`)).json()) as { gitVersion: string };
    assert.equal(version.gitVersion, 'v1.32.3');
    assert.match(await readFile(kubeconfig, 'utf8'), new RegExp(`server: ${url}`));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    const code = await exited;
    // Deno's child_process reports the signal sent instead of the exit status, so only Node can check it.
    if (!underDeno) assert.equal(code, 0);
    await assert.rejects(fetch(`${url}/version`), 'the server is gone');
  } finally {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

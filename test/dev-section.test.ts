// `dsg dev` and the DevSpace `dev:` section: the logs of the selected pods followed through the test API server,
// an entry whose pods never come, the fields dsg does not honour warned about, and a bad port a located error.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import test from 'node:test';
import { runDsg, startDsg, tempDir, waitFor } from './helpers/cli.ts';
import { settled, startDev } from './helpers/dev.ts';
import { repoRoot } from './helpers/paths.ts';
import { startKubeServer, type KubeServer } from './kube-server/index.ts';

test('the stand-in serves pod logs: container, tailLines, follow until the pod is deleted', async () => {
  const server = await startKubeServer({ readyDelayMs: 10 });
  try {
    const pods = `${server.url}/api/v1/namespaces/default/pods`;
    const created = await fetch(pods, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', labels: { app: 'p' } },
        spec: {
          containers: [
            { name: 'a', image: 'busybox:1' },
            { name: 'b', image: 'busybox:1' },
          ],
        },
      }),
    });
    assert.equal(created.status, 201, await created.text());
    server.appendPodLog({ namespace: 'default', pod: 'p', container: 'a' }, 'one\ntwo\n');
    server.appendPodLog({ namespace: 'default', pod: { app: 'p' } }, 'three\n');
    const get = async (query: string): Promise<[number, string]> => {
      const res = await fetch(`${pods}/p/log?${query}`);
      return [res.status, await res.text()];
    };
    const [noContainer, why] = await get('');
    assert.equal(noContainer, 400);
    assert.match(why, /a container name must be specified for pod p, choose one of: \[a b\]/);
    const [unknown, message] = await get('container=c');
    assert.equal(unknown, 400);
    assert.match(message, /container c is not valid for pod p/);
    assert.deepEqual(await get('container=a&tailLines=2'), [200, 'two\nthree\n']);
    assert.deepEqual(await get('container=b'), [200, 'three\n']);

    const followed = await fetch(`${pods}/p/log?container=a&follow=true&tailLines=1`);
    assert.equal(followed.status, 200);
    const reader = (followed.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (want: string): Promise<void> => {
      while (!text.includes(want)) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`the stream ended before "${want}": ${text}`);
        text += decoder.decode(chunk.value);
      }
    };
    await readUntil('three\n');
    server.appendPodLog({ namespace: 'default', pod: 'p', container: 'a' }, 'four\n');
    await readUntil('four\n');
    assert.equal(text, 'three\nfour\n');
    assert.ok(server.removeObject('v1', 'Pod', 'default', 'p'));
    assert.equal((await reader.read()).done, true, 'the stream ends with the pod');
  } finally {
    await server.close();
  }
});

const manifest = (replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: main
          image: busybox:1
`;

/** A project deploying one Deployment `web` (label app=web), with `dev` as its `dev:` section. */
async function project(
  dev: string,
  server?: KubeServer,
): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await tempDir('dsg-dev-section-');
  await writeFile(
    join(dir, 'devspace.yaml'),
    `version: v2beta1\nname: devsec\ndeployments:\n  web:\n    kubectl:\n      manifests: [web.yaml]\n${dev}`,
  );
  await writeFile(join(dir, 'web.yaml'), manifest(1));
  const env: Record<string, string> = { PATH: `${join(repoRoot, '.tools/bin')}:${process.env.PATH ?? ''}` };
  if (server) env['KUBECONFIG'] = await server.writeKubeconfig(join(dir, 'kubeconfig'));
  return { dir, env };
}

test('the logs of a deployed pod appear as [name] lines, and lines it prints later too', async () => {
  const server = await startKubeServer({ readyDelayMs: 20 });
  try {
    const { dir, env } = await project(
      'dev:\n  web:\n    labelSelector:\n      app: web\n    logs:\n      lastLines: 10\n',
      server,
    );
    server.appendPodLog({ namespace: 'default', pod: { app: 'web' } }, 'listening on :8080\n');
    const dev = startDev([], { cwd: dir, env });
    try {
      await dev.waitFor(
        (e) => e.type === 'dev-log' && e.source === 'web' && e.line === 'listening on :8080',
        'the first log line',
      );
      server.appendPodLog({ namespace: 'default', pod: { app: 'web' } }, 'GET / 200\n');
      await dev.waitFor(
        (e) => e.type === 'dev-log' && e.source === 'web' && e.line === 'GET / 200',
        'a line printed later',
      );
      // Another rollout: the new pod is followed from its start, the old one's stream ended with it.
      const from = dev.events().length;
      await writeFile(join(dir, 'web.yaml'), manifest(1).replace('image: busybox:1', 'image: busybox:2'));
      await settled(dev, 'the new rollout', from);
      await dev.waitFor(
        (e) => e.type === 'dev-log' && e.line === 'listening on :8080',
        'the new pod to be followed',
        from,
      );
      assert.deepEqual(
        dev.events().filter((e) => e.type === 'dev-warning'),
        [],
      );
    } finally {
      const end = await dev.stop();
      assert.equal(end.code, 130, end.stderr);
    }
    // The plain view prints the same lines as `[web] line`.
    const plain = startDsg(['dev'], { cwd: dir, env });
    await waitFor(() => plain.output().stdout.includes('[web] GET / 200'), 'the plain view to print the log');
    plain.kill('SIGINT');
    const end = await plain.done;
    assert.equal(end.code, 130, end.stderr);
    assert.match(end.stdout, /^\[web\] listening on :8080$/m);
  } finally {
    await server.close();
  }
});

test('a dev entry whose pods never appear: the loop keeps running and an edit still redeploys', async () => {
  const server = await startKubeServer({ readyDelayMs: 20 });
  try {
    const { dir, env } = await project(
      'dev:\n  ghost:\n    imageSelector: example.com/never/deployed\n    logs: {}\n',
      server,
    );
    const dev = startDev([], { cwd: dir, env });
    try {
      await dev.waitFor((e) => e.type === 'dev-ready', 'the loop to watch');
      // Let the quiet re-lists run a few times.
      await new Promise((r) => setTimeout(r, 2500));
      const from = dev.events().length;
      await writeFile(join(dir, 'web.yaml'), manifest(2));
      const done = await settled(dev, 'the edit to deploy', from);
      assert.equal(dev.events()[done]?.ok, true);
      assert.deepEqual(dev.ended('ran', from), ['deploy:web', 'render:web']);
      assert.deepEqual(
        dev.events().filter((e) => e.type === 'dev-log' || e.type === 'dev-warning'),
        [],
      );
    } finally {
      const end = await dev.stop();
      assert.equal(end.code, 130, end.stderr);
    }
  } finally {
    await server.close();
  }
});

test('each field of a dev entry dsg does not honour gets one warning with its file and line; ports get none', async () => {
  const { dir } = await project(
    [
      'dev:',
      '  web:',
      '    imageSelector: busybox',
      '    sync:',
      '      - path: ./:/app',
      '    terminal:',
      '      command: sh',
      '    devImage: busybox:dev',
      '    ssh: {}',
      '    logs: {}',
      '    ports:',
      '      - port: "8080"',
      '',
    ].join('\n'),
  );
  const out = await runDsg(['graph'], { cwd: dir });
  assert.equal(out.code, 0, out.stderr);
  const expected: [string, number][] = [
    ['sync', 10],
    ['terminal', 12],
    ['devImage', 14],
    ['ssh', 15],
  ];
  for (const [field, line] of expected) {
    const lines = out.stderr.split('\n').filter((l) => l.includes(`\`dev.web.${field}\``));
    assert.equal(lines.length, 1, `one warning for ${field}:\n${out.stderr}`);
    assert.match(
      lines[0] ?? '',
      new RegExp(`^devspace\\.yaml:${line}:\\d+: warning: .*not supported by dsg`),
    );
  }
  assert.doesNotMatch(out.stderr, /`dev` is not supported/);
  assert.doesNotMatch(out.stderr, /dev\.web\.(imageSelector|logs|ports)/);
});

test('a port that is not a number is a located config error: exit 1, no stack trace', async () => {
  const { dir } = await project(
    'dev:\n  web:\n    labelSelector:\n      app: web\n    ports:\n      - port: "80a:80"\n',
  );
  const out = await runDsg(['dev'], { cwd: dir });
  assert.equal(out.code, 1, out.stdout + out.stderr);
  assert.match(
    out.stderr,
    /^devspace\.yaml:12:\d+: error: `dev\.web\.ports\[0\]\.port` is not a port mapping: "80a"/m,
  );
  assert.doesNotMatch(out.stderr, /\n\s+at /);
});

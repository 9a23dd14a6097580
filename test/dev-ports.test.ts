// `dsg dev` and `dev.NAME.ports`: a local port forwarded to the selected pod through the stand-in API server's
// `portforward` (a loopback server stands for the container), the next pod after a rollout, a taken local port, a
// remote port nobody serves, and Ctrl-C closing the listener.
import assert from 'node:assert/strict';
import type { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';
import test from 'node:test';
import { tempDir, waitFor } from './helpers/cli.ts';
import { settled, startDev, type DevProcess } from './helpers/dev.ts';
import { repoRoot } from './helpers/paths.ts';
import { startKubeServer, type KubeServer } from './kube-server/index.ts';

const manifest = (image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: main
          image: ${image}
`;

/** A project deploying Deployment `web` (label app=web) whose `dev.web` forwards `ports`. */
async function project(
  server: KubeServer,
  ports: string,
): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await tempDir('dsg-dev-ports-');
  await writeFile(
    join(dir, 'devspace.yaml'),
    [
      'version: v2beta1',
      'name: devports',
      'deployments:',
      '  web:',
      '    kubectl:',
      '      manifests: [web.yaml]',
      'dev:',
      '  web:',
      '    labelSelector:',
      '      app: web',
      '    ports:',
      `      - port: "${ports}"`,
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'web.yaml'), manifest('busybox:1'));
  const env: Record<string, string> = {
    PATH: `${join(repoRoot, '.tools/bin')}:${process.env.PATH ?? ''}`,
    KUBECONFIG: await server.writeKubeconfig(join(dir, 'kubeconfig')),
  };
  return { dir, env };
}

/** A loopback server standing for a container: each chunk it reads comes back as `name:chunk`. */
async function container(name: string): Promise<Server & { port: number }> {
  const server = createServer((socket) => {
    socket.on('data', (d: Buffer) => socket.write(`${name}:${d.toString()}`));
    socket.on('error', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const probe = await container('probe');
  await new Promise((resolve) => probe.close(resolve));
  return probe.port;
}

/** Connects to 127.0.0.1:`port`, writes `text` and returns what came back once `until` did or the peer closed. */
function talk(port: number, text: string, until: string): Promise<{ received: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (d: Buffer) => {
      received += d.toString();
      if (received.includes(until)) {
        socket.destroy();
        resolve({ received, closed: false });
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ received, closed: true }));
  });
}

/** Waits for the `[web] forwarding …` line after `from` that names a pod other than `not`; returns the pod. */
async function forwardedPod(dev: DevProcess, local: number, from = 0, not?: string): Promise<string> {
  const line = new RegExp(`^forwarding localhost:${local} -> pod/(\\S+):80$`);
  const podOf = (l: string | undefined): string | undefined => line.exec(l ?? '')?.[1];
  const at = await dev.waitFor(
    (e) => e.type === 'dev-log' && e.source === 'web' && ![undefined, not].includes(podOf(e.line)),
    `the forwarding line of localhost:${local}`,
    from,
  );
  return podOf(dev.events()[at]?.line) ?? '';
}

const warnings = (dev: DevProcess): string[] =>
  dev
    .events()
    .filter((e) => e.type === 'dev-warning')
    .map((e) => e.message ?? '');

test('a local port reaches the pod over TLS with a token, the new pod after a rollout, and Ctrl-C closes it', async () => {
  const server = await startKubeServer({ readyDelayMs: 20, token: 'dev-token' });
  const first = await container('first');
  const second = await container('second');
  try {
    const local = await freePort();
    const { dir, env } = await project(server, `${local}:80`);
    const dev = startDev([], { cwd: dir, env });
    let held: ReturnType<typeof connect> | undefined;
    try {
      const podA = await forwardedPod(dev, local);
      server.servePodPort({ namespace: 'default', pod: podA }, 80, first.port);
      assert.deepEqual(await talk(local, 'ping', 'first:ping'), { received: 'first:ping', closed: false });

      // A rollout replaces the pod: new connections go to the new one.
      const from = dev.events().length;
      await writeFile(join(dir, 'web.yaml'), manifest('busybox:2'));
      await settled(dev, 'the rollout', from);
      const podB = await forwardedPod(dev, local, from, podA);
      server.servePodPort({ namespace: 'default', pod: podB }, 80, second.port);
      assert.deepEqual(await talk(local, 'pong', 'second:pong'), { received: 'second:pong', closed: false });
      assert.deepEqual(warnings(dev), []);
      assert.doesNotMatch(dev.process.output().stderr, /dev\.web\.ports/);

      // A connection open at Ctrl-C is closed with the listener.
      held = connect(local, '127.0.0.1');
      const answered = new Promise<void>((resolve) => held?.once('data', () => resolve()));
      held.write('held');
      await answered;
    } finally {
      const closed = held ? once(held, 'close') : Promise.resolve();
      const end = await dev.stop();
      assert.equal(end.code, 130, end.stderr);
      await closed;
    }
    await assert.rejects(talk(local, 'after', 'x'), /ECONNREFUSED/);
  } finally {
    first.close();
    second.close();
    await server.close();
  }
});

test('a local port in use is one warning saying what to do, and the loop goes on', async () => {
  const server = await startKubeServer({ readyDelayMs: 20 });
  const taken = await container('someone-else');
  try {
    const { dir, env } = await project(server, `${taken.port}:80`);
    const dev = startDev([], { cwd: dir, env });
    try {
      const address = `localhost:${taken.port}`;
      await dev.waitFor((e) => e.type === 'dev-warning', 'the warning about the taken port');
      const ready = await dev.waitFor((e) => e.type === 'dev-done', 'the first deploy');
      assert.equal(dev.events()[ready]?.ok, true);
      // An edit still deploys; the config is read again and the port tried again, without a second warning.
      const from = dev.events().length;
      await writeFile(join(dir, 'web.yaml'), manifest('busybox:2'));
      const done = await settled(dev, 'the edit to deploy', from);
      assert.equal(dev.events()[done]?.ok, true);
      assert.deepEqual(warnings(dev), [
        `dev.web: cannot listen on ${address}: another program uses the port; stop it, or pick another local ` +
          'port in `dev.web.ports` ("LOCAL:REMOTE"); nothing is forwarded from it',
      ]);
      assert.deepEqual(await talk(taken.port, 'hi', 'someone-else:hi'), {
        received: 'someone-else:hi',
        closed: false,
      });
    } finally {
      const end = await dev.stop();
      assert.equal(end.code, 130, end.stderr);
      assert.doesNotMatch(end.stderr, /\n\s+at /);
    }
  } finally {
    taken.close();
    await server.close();
  }
});

test('a remote port nobody serves closes that connection with one warning; once served, the next one works', async () => {
  const server = await startKubeServer({ readyDelayMs: 20 });
  const app = await container('app');
  try {
    const local = await freePort();
    const { dir, env } = await project(server, `${local}:80`);
    const dev = startDev([], { cwd: dir, env });
    try {
      const pod = await forwardedPod(dev, local);
      assert.deepEqual(await talk(local, 'early', 'app:'), { received: '', closed: true });
      await dev.waitFor((e) => e.type === 'dev-warning', 'the warning about the refused forward');
      assert.deepEqual(await talk(local, 'again', 'app:'), { received: '', closed: true });
      server.servePodPort({ namespace: 'default', pod: { app: 'web' } }, 80, app.port);
      assert.deepEqual(await talk(local, 'now', 'app:now'), { received: 'app:now', closed: false });
      assert.deepEqual(warnings(dev), [
        `dev.web: cannot forward localhost:${local} to pod/${pod}:80: nothing in the pod listens on port 80 (is it ` +
          'the port the container serves?); that connection was closed',
      ]);
    } finally {
      const end = await dev.stop();
      assert.equal(end.code, 130, end.stderr);
      assert.doesNotMatch(end.stderr, /\n\s+at /);
    }
  } finally {
    app.close();
    await server.close();
  }
});

test('a connection after the chosen pod went away behind dsg’s back goes to the pod that is there now', async () => {
  const server = await startKubeServer({ readyDelayMs: 20 });
  const app = await container('app');
  try {
    const local = await freePort();
    const { dir, env } = await project(server, `${local}:80`);
    const dev = startDev([], { cwd: dir, env });
    try {
      const gone = await forwardedPod(dev, local);
      server.servePodPort({ namespace: 'default', pod: { app: 'web' } }, 80, app.port);
      const created = await fetch(`${server.url}/api/v1/namespaces/default/pods`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web-by-hand', labels: { app: 'web' } },
          spec: { containers: [{ name: 'main', image: 'busybox:1' }] },
        }),
      });
      assert.equal(created.status, 201, await created.text());
      await waitFor(
        () =>
          (server.getObject('v1', 'Pod', 'default', 'web-by-hand')?.['status'] as { phase?: string })
            ?.phase === 'Running',
        'the pod made by hand to run',
      );
      assert.ok(server.removeObject('v1', 'Pod', 'default', gone));
      const from = dev.events().length;
      assert.deepEqual(await talk(local, 'still', 'app:still'), { received: 'app:still', closed: false });
      assert.notEqual(await forwardedPod(dev, local, from, gone), gone);
      // It was tried first (refused, 404) and carried to the other pod, not dropped.
      const forwards = server
        .stats()
        .log.map((r) => r.path)
        .filter((p) => p.includes('/portforward'));
      assert.equal(forwards.length, 2, forwards.join('\n'));
      assert.match(forwards[0] ?? '', new RegExp(`/pods/${gone}/portforward\\?ports=80$`));
      assert.deepEqual(warnings(dev), []);
    } finally {
      const end = await dev.stop();
      assert.equal(end.code, 130, end.stderr);
    }
  } finally {
    app.close();
    await server.close();
  }
});

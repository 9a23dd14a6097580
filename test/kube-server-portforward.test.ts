// The stand-in's `pods/NAME/portforward`, held to what a cluster answers: no upgrade, a missing pod, no `ports`, a
// pod that is not running and an unknown subprotocol are refused with the real statuses; a served port carries
// bytes both ways in the `v4.channel.k8s.io` framing (client-node's PortForward as the client), and a port nobody
// serves gets the kubelet's words on the error channel.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import test from 'node:test';
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { waitFor } from './helpers/cli.ts';
import { startKubeServer, type KubeServer } from './kube-server/index.ts';

async function createPod(server: KubeServer, name: string, image: string): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/namespaces/default/pods`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: name } },
      spec: { containers: [{ name: 'main', image }] },
    }),
  });
  assert.equal(res.status, 201, await res.text());
}

async function phaseOf(server: KubeServer, name: string, phase: string): Promise<void> {
  await waitFor(
    () => (server.getObject('v1', 'Pod', 'default', name)?.['status'] as { phase?: string })?.phase === phase,
    `pod ${name} to be ${phase}`,
  );
}

/** A loopback server standing for a container: answers each connection's bytes with `reply` + the bytes. */
async function echo(reply: string): Promise<Server & { port: number }> {
  const server = createServer((socket) => socket.on('data', (d) => socket.write(`${reply}${d.toString()}`)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}

/** Opens a websocket to `path`; resolves with the status of a refused upgrade and its body, or the socket. */
function upgrade(
  server: KubeServer,
  path: string,
  protocols: string[],
): Promise<{ status: number; body: string } | { ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}${path}`, protocols);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        ws.terminate();
      });
    });
    ws.on('open', () => resolve({ ws }));
    ws.on('error', (e) => (ws.readyState === WebSocket.CLOSED ? undefined : reject(e)));
  });
}

test('portforward refuses what a cluster refuses, with its statuses and words', async () => {
  const server = await startKubeServer({ readyDelayMs: 10 });
  try {
    await createPod(server, 'web', 'busybox:1');
    await createPod(server, 'stuck', 'example.com/pull-error:1');
    await phaseOf(server, 'web', 'Running');
    const pods = `${server.url}/api/v1/namespaces/default/pods`;

    const plain = await fetch(`${pods}/web/portforward?ports=80`);
    assert.equal(plain.status, 400);
    const body = (await plain.json()) as { kind?: string; reason?: string; message?: string };
    assert.deepEqual(
      [body.kind, body.reason, body.message],
      ['Status', 'BadRequest', 'Upgrade request required'],
    );
    assert.equal((await fetch(`${pods}/web/portforward?ports=80`, { method: 'PUT' })).status, 405);

    const v4 = ['v4.channel.k8s.io'];
    const missing = await upgrade(server, '/api/v1/namespaces/default/pods/nope/portforward?ports=80', v4);
    assert.ok('status' in missing);
    assert.equal(missing.status, 404);
    assert.match(missing.body, /"message":"pods \\"nope\\" not found"/);
    const noPorts = await upgrade(server, '/api/v1/namespaces/default/pods/web/portforward', v4);
    assert.deepEqual(noPorts, { status: 400, body: 'query parameter "port" is required\n' });
    const stuck = await upgrade(server, '/api/v1/namespaces/default/pods/stuck/portforward?ports=80', v4);
    assert.deepEqual(stuck, { status: 400, body: 'unable to upgrade connection: pod does not exist\n' });
    const spoken = await upgrade(server, '/api/v1/namespaces/default/pods/web/portforward?ports=80', [
      'v5.channel.k8s.io',
    ]);
    assert.deepEqual(spoken, { status: 403, body: '' });

    const discovery = (await (await fetch(`${server.url}/api/v1`)).json()) as {
      resources: { name: string; verbs: string[] }[];
    };
    assert.deepEqual(discovery.resources.find((r) => r.name === 'pods/portforward')?.verbs, [
      'create',
      'get',
    ]);
  } finally {
    await server.close();
  }
});

test('client-node PortForward: bytes both ways to the served port, and the kubelet error for an unserved one', async () => {
  const server = await startKubeServer({ readyDelayMs: 10 });
  const container = await echo('pod says ');
  try {
    await createPod(server, 'web', 'busybox:1');
    await phaseOf(server, 'web', 'Running');
    server.servePodPort({ namespace: 'default', pod: { app: 'web' } }, 80, container.port);
    const config = new KubeConfig();
    config.loadFromClusterAndUser({ name: 'c', server: server.url, skipTLSVerify: true }, { name: 'u' });

    const output = new PassThrough();
    const errors = new PassThrough();
    const input = new PassThrough();
    let received = '';
    output.on('data', (d: Buffer) => (received += d.toString()));
    const ws = socketOf(
      await new PortForward(config).portForward('default', 'web', [80], output, errors, input),
    );
    input.write('hello');
    await waitFor(() => received === 'pod says hello', 'the echo through the forward');

    // Deleting the pod ends its forwards.
    const closed = once(ws, 'close');
    assert.ok(server.removeObject('v1', 'Pod', 'default', 'web'));
    await closed;

    await createPod(server, 'other', 'busybox:1');
    await phaseOf(server, 'other', 'Running');
    let error = '';
    errors.on('data', (d: Buffer) => (error += d.toString()));
    const refused = socketOf(
      await new PortForward(config).portForward(
        'default',
        'other',
        [8080],
        new PassThrough(),
        errors,
        new PassThrough(),
      ),
    );
    await once(refused, 'close');
    assert.match(
      error,
      /^error forwarding port 8080 to pod [0-9a-f]{64}, uid : .*dial tcp4 127\.0\.0\.1:8080: connect: connection refused/,
    );
  } finally {
    container.close();
    await server.close();
  }
});

/** The websocket PortForward opened (without retries it returns the socket itself). */
function socketOf(opened: unknown): EventEmitter {
  assert.equal(typeof opened, 'object');
  return opened as EventEmitter;
}

// Checks what scripts/setup.sh promises, against the real engine and registries it started: the
// test command runs the script first, so a failure here means the machine is not as the script says.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';

const socketPath = '/var/run/docker.sock';
const baseImage = 'dsg-test/busybox:1';
const engineAgent = new Agent({ connect: { socketPath } });
const registryAgent = new Agent();

// Kept-alive sockets would hold the test process open after the last test.
after(() => Promise.all([engineAgent.close(), registryAgent.close()]));

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

interface CallOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
}

/** Calls the Docker Engine API over its unix socket. */
async function engine(path: string, options: CallOptions = {}): Promise<Reply> {
  const reply = await request(`http://localhost${path}`, {
    dispatcher: engineAgent,
    method: options.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body ?? null,
  });
  return { status: reply.statusCode, headers: reply.headers, text: await reply.body.text() };
}

/** Calls a local registry over plain HTTP, optionally with basic auth. */
async function registry(port: number, path: string, auth?: string): Promise<Reply> {
  const headers: Record<string, string> = {
    accept: 'application/vnd.docker.distribution.manifest.v2+json',
  };
  if (auth !== undefined) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
  const reply = await request(`http://127.0.0.1:${port}${path}`, { dispatcher: registryAgent, headers });
  return { status: reply.statusCode, headers: reply.headers, text: await reply.body.text() };
}

/** The X-Registry-Auth header the engine expects: base64 of the credentials as JSON. */
function registryAuth(username: string, password: string, serveraddress: string): string {
  return Buffer.from(JSON.stringify({ username, password, serveraddress })).toString('base64url');
}

/** Tags the base image into a registry and pushes it; returns the push's JSON-lines stream. */
async function pushBase(registryHost: string, auth: string): Promise<{ ref: string; stream: string }> {
  const repo = `${registryHost}/dsg-setup-test/busybox`;
  const tag = randomUUID().slice(0, 8);
  const tagged = await engine(`/images/${baseImage}/tag?repo=${encodeURIComponent(repo)}&tag=${tag}`, {
    method: 'POST',
  });
  assert.equal(tagged.status, 201, tagged.text);
  const pushed = await engine(`/images/${encodeURIComponent(repo)}/push?tag=${tag}`, {
    method: 'POST',
    headers: { 'x-registry-auth': auth },
  });
  assert.equal(pushed.status, 200, pushed.text);
  const ref = `${repo}:${tag}`;
  await engine(`/images/${encodeURIComponent(ref)}`, { method: 'DELETE' });
  return { ref, stream: pushed.text };
}

void test('the Docker Engine answers /_ping on the default unix socket', async () => {
  const ping = await engine('/_ping');
  assert.equal(ping.status, 200);
  assert.equal(ping.text, 'OK');
  assert.match(String(ping.headers['api-version']), /^1\.\d+$/);
});

void test('the base image exists with a shell as its command', async () => {
  const inspect = await engine(`/images/${baseImage}/json`);
  assert.equal(inspect.status, 200, inspect.text);
  const image = JSON.parse(inspect.text) as { RepoTags?: string[]; Config?: { Cmd?: string[] } };
  assert.ok(image.RepoTags?.includes(baseImage), inspect.text);
  assert.deepEqual(image.Config?.Cmd, ['/bin/sh']);
});

void test('a container of the base image runs busybox commands', async () => {
  const created = await engine('/containers/create', {
    method: 'POST',
    body: JSON.stringify({
      Image: baseImage,
      Cmd: ['sh', '-c', 'echo $((6 * 7)) > /tmp/answer && cat /tmp/answer && id -un'],
      Tty: true,
      NetworkDisabled: true,
    }),
  });
  assert.equal(created.status, 201, created.text);
  const { Id: id } = JSON.parse(created.text) as { Id: string };
  try {
    assert.equal((await engine(`/containers/${id}/start`, { method: 'POST' })).status, 204);
    const waited = await engine(`/containers/${id}/wait`, { method: 'POST' });
    assert.deepEqual((JSON.parse(waited.text) as { StatusCode: number }).StatusCode, 0);
    const logs = await engine(`/containers/${id}/logs?stdout=1&stderr=1`);
    assert.deepEqual(logs.text.split(/\r?\n/).filter(Boolean), ['42', 'root']);
  } finally {
    await engine(`/containers/${id}?force=1`, { method: 'DELETE' });
  }
});

void test('the open registry on 127.0.0.1:5000 answers /v2/ with 200', async () => {
  const reply = await registry(5000, '/v2/');
  assert.equal(reply.status, 200);
  assert.equal(reply.headers['docker-distribution-api-version'], 'registry/2.0');
});

void test('the registry on 127.0.0.1:5001 asks for a password and accepts only dsg / dsg-secret', async () => {
  const anonymous = await registry(5001, '/v2/');
  assert.equal(anonymous.status, 401);
  assert.match(String(anonymous.headers['www-authenticate']), /^Basic realm=/);
  assert.equal((await registry(5001, '/v2/', 'dsg:wrong-password')).status, 401);
  assert.equal((await registry(5001, '/v2/', 'dsg:dsg-secret')).status, 200);
});

void test('the engine pushes to 127.0.0.1:5000 over plain HTTP and the registry serves the manifest', async () => {
  const { ref, stream } = await pushBase('127.0.0.1:5000', registryAuth('', '', '127.0.0.1:5000'));
  assert.doesNotMatch(stream, /"error"/);
  const [repo, tag] = ref.replace('127.0.0.1:5000/', '').split(':');
  const manifest = await registry(5000, `/v2/${repo}/manifests/${tag}`);
  assert.equal(manifest.status, 200, manifest.text);
  const layers = (JSON.parse(manifest.text) as { layers: unknown[] }).layers;
  assert.equal(layers.length, 1);
});

void test('the engine pushes to 127.0.0.1:5001 with the right password and is refused with a wrong one', async () => {
  const refused = await pushBase('127.0.0.1:5001', registryAuth('dsg', 'wrong-password', '127.0.0.1:5001'));
  assert.match(refused.stream, /"error"/);
  const accepted = await pushBase('127.0.0.1:5001', registryAuth('dsg', 'dsg-secret', '127.0.0.1:5001'));
  assert.doesNotMatch(accepted.stream, /"error"/);
  const [repo, tag] = accepted.ref.replace('127.0.0.1:5001/', '').split(':');
  assert.equal((await registry(5001, `/v2/${repo}/manifests/${tag}`, 'dsg:dsg-secret')).status, 200);
});

// Registry API v2 client: the Bearer-token challenge flow (against a small token-auth server, since the Debian
// registry here only does htpasswd), the Basic flow against the real 127.0.0.1:5001, and config.json look-ups.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildRegistryConfig,
  dockerConfigFile,
  engineAuthHeader,
  registryCredentials,
} from '../tasks/registry/auth-config.ts';
import { parseChallenge } from '../tasks/registry/challenge.ts';
import { getManifest, MANIFEST_ACCEPT } from '../tasks/registry/client.ts';
import { parseRepository, splitRef } from '../core/image-ref.ts';
import { registryBaseUrl } from '../tasks/registry/base-url.ts';
import { testEnv } from './fixtures/docker/task.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const CONFIG = `sha256:${'b'.repeat(64)}`;

/** A registry front that demands a Bearer token from its own /token endpoint (user dsg, password pw). */
async function tokenRegistry(): Promise<{ host: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(`${req.method ?? ''} ${url.pathname}${url.search}`);
    const port = (server.address() as AddressInfo).port;
    if (url.pathname === '/token') {
      const good = req.headers.authorization === `Basic ${Buffer.from('dsg:pw').toString('base64')}`;
      const scoped =
        url.searchParams.get('scope') === 'repository:shop/api:pull' &&
        url.searchParams.get('service') === 'test-registry';
      res.writeHead(good && scoped ? 200 : 401, { 'content-type': 'application/json' });
      res.end(good && scoped ? JSON.stringify({ access_token: 'good-token' }) : '{}');
      return;
    }
    if (req.headers.authorization !== 'Bearer good-token') {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="test-registry",scope="repository:shop/api:pull"`,
      });
      res.end();
      return;
    }
    if (url.pathname === '/v2/shop/api/manifests/v1' && req.headers.accept === MANIFEST_ACCEPT) {
      res.writeHead(200, {
        'docker-content-digest': DIGEST,
        'content-type': 'application/vnd.docker.distribution.manifest.v2+json',
      });
      res.end(
        req.method === 'HEAD' ? undefined : JSON.stringify({ schemaVersion: 2, config: { digest: CONFIG } }),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

void test('the Bearer flow: challenge, token from the realm with Basic credentials, retry with the token', async () => {
  const registry = await tokenRegistry();
  try {
    const repo = parseRepository(`${registry.host}/shop/api`);
    const creds = { kind: 'basic' as const, username: 'dsg', password: 'pw' };
    const got = await getManifest(repo, 'v1', creds, { method: 'GET' });
    assert.ok(got.ok, JSON.stringify(got.ok ? '' : got.error));
    assert.deepEqual(got.value, {
      digest: DIGEST,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      configDigest: CONFIG,
    });
    assert.deepEqual(registry.seen, [
      'GET /v2/shop/api/manifests/v1',
      'GET /token?service=test-registry&scope=repository%3Ashop%2Fapi%3Apull',
      'GET /v2/shop/api/manifests/v1',
    ]);

    const missing = await getManifest(repo, 'v2', creds, { method: 'HEAD' });
    assert.deepEqual(missing, { ok: true, value: undefined });

    const wrong = await getManifest(
      repo,
      'v1',
      { kind: 'basic', username: 'dsg', password: 'nope' },
      { method: 'HEAD' },
    );
    assert.deepEqual(wrong, {
      ok: false,
      error: { reason: 'unauthorized', registry: registry.host, detail: 'unauthorized' },
    });
  } finally {
    await registry.close();
  }
});

void test('the Basic flow against the real password-protected registry', async () => {
  const repo = parseRepository('127.0.0.1:5001/dsg-test/never-pushed');
  const anonymous = await getManifest(repo, 'v1', { kind: 'anonymous' }, { method: 'HEAD' });
  assert.deepEqual(anonymous, {
    ok: false,
    error: { reason: 'unauthorized', registry: '127.0.0.1:5001', detail: 'authentication required' },
  });
  const good = await getManifest(
    repo,
    'v1',
    { kind: 'basic', username: 'dsg', password: 'dsg-secret' },
    { method: 'HEAD' },
  );
  assert.deepEqual(good, { ok: true, value: undefined });
});

void test('config.json: auth and username/password entries, URL-style keys, helpers, DOCKER_CONFIG over HOME', async () => {
  const env = await testEnv();
  const dir = env['DOCKER_CONFIG'] ?? '';
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      auths: {
        'https://127.0.0.1:5001/v1/': { auth: Buffer.from('dsg:s3:cret').toString('base64') },
        'registry.example.com': { username: 'u', password: 'p' },
        'https://index.docker.io/v1/': { identitytoken: 'tok' },
      },
      credHelpers: { 'gcr.io': 'gcloud' },
    }),
  );
  assert.deepEqual(await registryCredentials('127.0.0.1:5001', env), {
    ok: true,
    value: { kind: 'basic', username: 'dsg', password: 's3:cret' },
  });
  assert.deepEqual(await registryCredentials('registry.example.com', env), {
    ok: true,
    value: { kind: 'basic', username: 'u', password: 'p' },
  });
  assert.deepEqual(await registryCredentials('docker.io', env), {
    ok: true,
    value: { kind: 'identity-token', token: 'tok' },
  });
  assert.deepEqual(await registryCredentials('gcr.io', env), {
    ok: true,
    value: { kind: 'helper', helper: 'gcloud' },
  });
  assert.deepEqual(await registryCredentials('127.0.0.1:5000', env), {
    ok: true,
    value: { kind: 'anonymous' },
  });
  assert.equal(dockerConfigFile(env).display, join(dir, 'config.json'));
  assert.equal(dockerConfigFile({ HOME: '/home/x' }).display, '~/.docker/config.json');

  const header = JSON.parse(
    Buffer.from(
      engineAuthHeader({ kind: 'basic', username: 'dsg', password: 'pw' }, '127.0.0.1:5001'),
      'base64url',
    ).toString(),
  ) as unknown;
  assert.deepEqual(header, { username: 'dsg', password: 'pw', serveraddress: '127.0.0.1:5001' });
  const buildConfig = await buildRegistryConfig(env);
  assert.ok(buildConfig.ok && buildConfig.value !== undefined);
  const decoded = JSON.parse(Buffer.from(buildConfig.value, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  assert.deepEqual(Object.keys(decoded).sort(), [
    'https://127.0.0.1:5001/v1/',
    'https://index.docker.io/v1/',
    'registry.example.com',
  ]);

  await writeFile(join(dir, 'config.json'), '{ not json');
  const broken = await registryCredentials('127.0.0.1:5001', env);
  assert.ok(!broken.ok);
  assert.match(broken.error, /^Cannot read Docker config ".*config\.json": /);

  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ auths: { 'other.io': {} }, credsStore: 'desktop' }),
  );
  assert.deepEqual(await registryCredentials('127.0.0.1:5001', env), {
    ok: true,
    value: { kind: 'helper', helper: 'desktop' },
  });
});

void test('references: registries, Docker Hub defaults, tags after the last slash, challenge parameters', () => {
  assert.deepEqual(parseRepository('nginx'), {
    repository: 'nginx',
    registry: 'docker.io',
    path: 'library/nginx',
  });
  assert.deepEqual(parseRepository('shop/api'), {
    repository: 'shop/api',
    registry: 'docker.io',
    path: 'shop/api',
  });
  assert.deepEqual(parseRepository('localhost/api'), {
    repository: 'localhost/api',
    registry: 'localhost',
    path: 'api',
  });
  assert.deepEqual(parseRepository('127.0.0.1:5000/shop/api'), {
    repository: '127.0.0.1:5000/shop/api',
    registry: '127.0.0.1:5000',
    path: 'shop/api',
  });
  assert.deepEqual(splitRef('127.0.0.1:5000/shop/api:v1'), {
    repository: '127.0.0.1:5000/shop/api',
    tag: 'v1',
  });
  assert.deepEqual(splitRef('127.0.0.1:5000/shop/api'), {
    repository: '127.0.0.1:5000/shop/api',
    tag: 'latest',
  });
  assert.equal(registryBaseUrl('127.0.0.1:5000'), 'http://127.0.0.1:5000');
  assert.equal(registryBaseUrl('ghcr.io'), 'https://ghcr.io');
  assert.equal(registryBaseUrl('docker.io'), 'https://registry-1.docker.io');
  assert.deepEqual(
    parseChallenge(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"',
    ),
    {
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:a/b:pull,push',
      },
    },
  );
  assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), {
    scheme: 'basic',
    params: { realm: 'Registry Realm' },
  });
  assert.equal(parseChallenge(''), undefined);
});

// The .dockerignore table against the real thing: the docker CLI filters the context, the daemon builds
// `COPY . /ctx` and lists what arrived. The daemon drops an ignored Dockerfile and .dockerignore after
// reading them, so what it shows is our list minus `forced`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import process from 'node:process';
import { test } from 'node:test';
import { listContext } from '../cache/build-context.ts';
import { tempDir } from './helpers/cli.ts';
import { writeContextTree } from './fixtures/cache/context-tree.ts';
import { cases } from './fixtures/cache/ignore-cases.ts';

const socket = '/var/run/docker.sock';
const image = 'dsg-test/busybox:1';
const probe = `FROM ${image}\nCOPY . /ctx\nRUN cd /ctx && find . -type f -o -type l | sed "s/^\\.\\//CTX:/"\n`;

/**
 * Cases where BuildKit (whose rules dsg follows) and the legacy builder this docker CLI uses agree. They
 * differ when a negation starting with a wildcard should reach into an excluded folder: the legacy
 * builder skips the folder ("BuildKit walks an excluded folder…", "exclude everything but Go files…").
 */
const compared = [
  'a negation re-includes a file of an excluded folder',
  '*/ is cleaned to * and excludes everything at the root',
  '*/*.go is one level deep only',
  'nested negation under an excluded folder',
  'exclude all, re-include a folder, exclude tests in it',
  'leading / and ./ are stripped',
  'the Dockerfile and .dockerignore are sent even when ignored',
  'comments, blank lines and an indented # that is a pattern',
  'the last matching pattern wins, folder by folder',
  'dot files, with one re-included',
  '? and [a-m] match one character',
  'a negation with a wildcard inside an excluded folder',
];

function engineGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function docker(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { cwd, env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** What the daemon saw for one case, and what listContext says it should see. */
async function compare(name: string): Promise<{ seen: string[]; expected: string[] }> {
  const c = cases[name];
  assert.ok(c, name);
  const dir = await tempDir('dsg-ignore-docker-');
  await writeContextTree(dir, probe);
  await writeFile(join(dir, '.dockerignore'), c.ignore);
  const listing = await listContext(dir);
  assert.ok(listing.ok);
  const tag = `dsg-test/ignore-probe:${process.pid}-${compared.indexOf(name)}`;
  const built = await docker(['build', '--no-cache', '--rm', '--force-rm', '-t', tag, '.'], dir);
  await docker(['rmi', '-f', tag], dir);
  assert.equal(built.code, 0, built.out);
  const seen = built.out
    .split('\n')
    .filter((l) => l.startsWith('CTX:'))
    .map((l) => l.slice(4))
    .sort();
  return { seen, expected: listing.value.files.filter((f) => !listing.value.forced.includes(f)) };
}

test('listContext agrees with a real docker build on what the context holds', async () => {
  const ping = await engineGet('/_ping');
  assert.equal(
    ping.body,
    'OK',
    'the Docker Engine answers on /var/run/docker.sock (scripts/setup.sh starts it)',
  );
  const inspected = await engineGet(`/images/${image}/json`);
  assert.equal(inspected.status, 200, `the base image "${image}" exists (scripts/setup.sh imports it)`);
  // Three builds at a time: the daemon does the work, and the vfs driver makes each one I/O-bound.
  const results = new Map<string, { seen: string[]; expected: string[] }>();
  const queue = [...compared];
  await Promise.all(
    [0, 1, 2].map(async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift())
        results.set(name, await compare(name));
    }),
  );
  for (const name of compared) {
    const r = results.get(name);
    assert.ok(r);
    assert.deepEqual(r.seen, r.expected, name);
  }
});

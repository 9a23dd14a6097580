import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { listContext } from '../cache/build-context.ts';
import { canonicalJson, sha256Hex } from '../cache/canonical.ts';
import { describeDiff, diffRecords } from '../cache/diff.ts';
import { FileDigests } from '../cache/file-digests.ts';
import { taskKey, type KeyRecord } from '../cache/key.ts';
import { tempDir } from './helpers/cli.ts';

function record(overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    schema: 1,
    kind: 'build',
    implVersion: 1,
    spec: { image: 'shop/api', buildArgs: { VERSION: '1.0' }, tags: ['a', 'b'] },
    files: { 'api/Dockerfile': 'aa', 'api/main.go': 'bb' },
    env: { FOO: 'x' },
    tools: { helm: '3.17.0' },
    upstream: { 'build:base': 'sha256:1111' },
    ...overrides,
  };
}

test('canonicalJson sorts keys at every level and drops whitespace', () => {
  const a = canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' } });
  const b = canonicalJson({ a: { c: 'x', d: [1, { y: null, z: true }] }, b: 1 });
  assert.equal(a, b);
  assert.equal(a, '{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}');
});

test('canonicalJson spells numbers one way and refuses non-JSON numbers', () => {
  assert.equal(canonicalJson([1.0, 1e21, -0, 0.1 + 0.2]), '[1,1e+21,0,0.30000000000000004]');
  assert.throws(() => canonicalJson(Number.NaN), /not a JSON number/);
  assert.throws(() => canonicalJson({ x: Number.POSITIVE_INFINITY }), /not a JSON number/);
});

test('sha256Hex matches the known digest of "abc"', () => {
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(sha256Hex(new TextEncoder().encode('abc')), sha256Hex('abc'));
});

test('taskKey ignores key order and changes with any field', () => {
  const base = taskKey(record());
  const reordered: KeyRecord = {
    upstream: { 'build:base': 'sha256:1111' },
    tools: { helm: '3.17.0' },
    env: { FOO: 'x' },
    files: { 'api/main.go': 'bb', 'api/Dockerfile': 'aa' },
    spec: { tags: ['a', 'b'], buildArgs: { VERSION: '1.0' }, image: 'shop/api' },
    implVersion: 1,
    kind: 'build',
    schema: 1,
  };
  assert.equal(taskKey(reordered), base);
  assert.match(base, /^[0-9a-f]{64}$/);
  const variants = [
    record({ implVersion: 2 }),
    record({ kind: 'tag' }),
    record({ spec: { image: 'shop/api', buildArgs: { VERSION: '1.1' }, tags: ['a', 'b'] } }),
    record({ files: { 'api/Dockerfile': 'aa', 'api/main.go': 'bc' } }),
    record({ env: { FOO: 'y' } }),
    record({ tools: { helm: '3.17.1' } }),
    record({ upstream: { 'build:base': 'sha256:2222' } }),
  ];
  const keys = new Set([base, ...variants.map(taskKey)]);
  assert.equal(keys.size, variants.length + 1);
});

test('taskKey keeps field boundaries: moving text between names and values changes the key', () => {
  // With naive concatenation both would read "ab" + "c".
  assert.notEqual(taskKey(record({ env: { ab: 'c' } })), taskKey(record({ env: { a: 'bc' } })));
  assert.notEqual(taskKey(record({ files: { 'a b': 'c' } })), taskKey(record({ files: { a: 'b c' } })));
});

test('taskKey rejects absolute file paths', () => {
  assert.throws(() => taskKey(record({ files: { '/abs/path': 'aa' } })), /not relative/);
});

async function writeProject(dir: string): Promise<void> {
  await mkdir(join(dir, 'api/src'), { recursive: true });
  await writeFile(join(dir, 'api/Dockerfile'), 'FROM dsg-test/busybox:1\nCOPY . /app\n');
  await writeFile(join(dir, 'api/.dockerignore'), '*.log\n');
  await writeFile(join(dir, 'api/src/main.go'), 'package main\n');
  await writeFile(join(dir, 'api/debug.log'), 'noise\n');
}

async function buildKey(projectDir: string): Promise<string> {
  const listing = await listContext(join(projectDir, 'api'));
  assert.ok(listing.ok);
  const digests = await FileDigests.open(projectDir, join(projectDir, '.dsg'));
  const files = await digests.digest(listing.value.files.map((f) => `api/${f}`));
  assert.ok(files.ok);
  return taskKey(record({ files: files.value }));
}

test('the same project in two different folders gets the same key', async () => {
  const one = await tempDir('dsg-keys-a-');
  const two = await tempDir('dsg-keys-b-');
  await writeProject(one);
  await writeProject(two);
  assert.equal(await buildKey(one), await buildKey(two));
  await writeFile(join(two, 'api/src/main.go'), 'package main // changed\n');
  assert.notEqual(await buildKey(one), await buildKey(two));
});

test('diffRecords names what changed in a short, readable form', () => {
  const before = record();
  const after = record({
    implVersion: 2,
    spec: { image: 'shop/api', buildArgs: { VERSION: '1.1', NEW: 'y' }, tags: ['a', 'c'], 'odd.key': 1 },
    files: { 'api/Dockerfile': 'aa', 'api/main.go': 'bc', 'api/new.go': 'dd' },
    env: {},
    tools: { helm: '3.17.1', kubectl: '1.32.0' },
    upstream: { 'build:base': 'sha256:2222' },
  });
  assert.deepEqual(diffRecords(before, after), [
    'implementation version',
    'buildArgs.NEW',
    'buildArgs.VERSION',
    '["odd.key"]',
    'tags[1]',
    'api/main.go',
    '+api/new.go',
    'env.FOO',
    'tools.helm',
    'tools.kubectl',
    'upstream build:base',
  ]);
  const removed = record({ files: { 'api/Dockerfile': 'aa' } });
  assert.deepEqual(diffRecords(before, removed), ['-api/main.go']);
  assert.deepEqual(diffRecords(before, record()), []);
});

test('describeDiff shows before → after values, shortening long ones', () => {
  const long = 'x'.repeat(200);
  const before = record();
  const after = record({
    spec: { image: 'shop/api', buildArgs: { VERSION: long }, tags: ['a', 'b'] },
    files: { 'api/Dockerfile': 'aa', 'api/main.go': 'zz', 'api/new.go': 'dd' },
    env: { FOO: 'y', BAR: 'z' },
    upstream: { 'build:base': 'sha256:22223333444455556666' },
  });
  const text = describeDiff(before, after);
  assert.equal(
    text,
    [
      `spec buildArgs.VERSION: "1.0" → "${'x'.repeat(28)}…${'x'.repeat(28)}"`,
      'file api/main.go: content changed',
      'file api/new.go: added',
      'env BAR: added "z"',
      'env FOO: "x" → "y"',
      'upstream build:base: 1111… → 222233334444…',
    ].join('\n'),
  );
  assert.equal(describeDiff(before, record()), 'No input changed.');
});

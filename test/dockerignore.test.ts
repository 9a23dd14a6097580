import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { listContext } from '../cache/build-context.ts';
import { IgnoreMatcher, parseDockerignore } from '../cache/dockerignore.ts';
import { cleanPath } from '../cache/ignore-pattern.ts';
import { globFiles } from '../cache/walk.ts';
import { tempDir } from './helpers/cli.ts';
import { contextFiles, writeContextTree } from './fixtures/cache/context-tree.ts';
import { cases } from './fixtures/cache/ignore-cases.ts';

for (const [name, c] of Object.entries(cases)) {
  test(`.dockerignore: ${name}`, async () => {
    const dir = await tempDir('dsg-ignore-');
    await writeContextTree(dir);
    const hasIgnore = c.ignore !== '';
    if (hasIgnore) await writeFile(join(dir, '.dockerignore'), c.ignore);
    const result = await listContext(dir);
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    const expected = [
      ...(hasIgnore ? ['.dockerignore'] : []),
      ...contextFiles.filter((f) => !c.excluded.includes(f)),
    ];
    assert.deepEqual(result.value.files, expected.sort());
    assert.deepEqual(
      result.value.forced,
      (c.forced ?? []).filter((f) => hasIgnore || f !== '.dockerignore'),
    );
    assert.equal(result.value.dockerfile, 'Dockerfile');
    assert.equal(result.value.ignoreFile, hasIgnore ? '.dockerignore' : undefined);
  });
}

test('<Dockerfile>.dockerignore beside the Dockerfile replaces .dockerignore', async () => {
  const dir = await tempDir('dsg-ignore-');
  await writeContextTree(dir);
  await mkdir(join(dir, 'docker'));
  await writeFile(join(dir, 'docker/api.Dockerfile'), 'FROM scratch\n');
  await writeFile(join(dir, 'docker/api.Dockerfile.dockerignore'), '**/*.go\ndocker/*.dockerignore\n');
  await writeFile(join(dir, '.dockerignore'), '*.md\n');
  const result = await listContext(dir, { dockerfile: 'docker/api.Dockerfile' });
  assert.ok(result.ok);
  assert.equal(result.value.ignoreFile, 'docker/api.Dockerfile.dockerignore');
  assert.equal(result.value.dockerfile, 'docker/api.Dockerfile');
  assert.ok(result.value.files.includes('README.md'), '.dockerignore no longer applies');
  assert.ok(!result.value.files.includes('main.go'));
  assert.ok(!result.value.files.includes('src/sub/b.go'));
  assert.deepEqual(result.value.forced, ['docker/api.Dockerfile.dockerignore']);
});

test('a Dockerfile outside the context is not part of it; its own ignore file still applies', async () => {
  const root = await tempDir('dsg-ignore-');
  const dir = join(root, 'ctx');
  await writeContextTree(dir);
  await writeFile(join(root, 'Dockerfile.api'), 'FROM scratch\n');
  await writeFile(join(root, 'Dockerfile.api.dockerignore'), 'src\n');
  const result = await listContext(dir, { dockerfile: join(root, 'Dockerfile.api') });
  assert.ok(result.ok);
  assert.equal(result.value.dockerfile, undefined);
  assert.equal(result.value.ignoreFile, '../Dockerfile.api.dockerignore');
  assert.ok(!result.value.files.some((f) => f.startsWith('src/')));
  assert.deepEqual(result.value.forced, []);
});

test('symlinks are listed as themselves and never followed out of the context', async () => {
  const root = await tempDir('dsg-ignore-');
  const dir = join(root, 'ctx');
  await mkdir(join(root, 'outside'), { recursive: true });
  await writeFile(join(root, 'outside/secret.txt'), 'secret');
  await mkdir(dir);
  await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
  await symlink('../outside', join(dir, 'linked-dir'));
  await symlink('Dockerfile', join(dir, 'linked-file'));
  const result = await listContext(dir);
  assert.ok(result.ok);
  assert.deepEqual(result.value.files, ['Dockerfile', 'linked-dir', 'linked-file']);
});

test('an invalid pattern is a failure that points at its line', async () => {
  const dir = await tempDir('dsg-ignore-');
  await writeContextTree(dir);
  await writeFile(join(dir, '.dockerignore'), '*.log\nsrc/[a-\n');
  const result = await listContext(dir, { displayBase: dir });
  assert.ok(!result.ok);
  assert.equal(result.error.reason, 'bad-ignore-pattern');
  assert.match(
    result.error.message,
    /^Cannot use ignore file "\.dockerignore": line 2 has an invalid pattern "src\/\[a-"/,
  );
  assert.deepEqual(result.error.location, { file: '.dockerignore', line: 2, col: 1, length: 7 });
  await writeFile(join(dir, '.dockerignore'), 'docs\n! \n');
  const lone = await listContext(dir, { displayBase: dir });
  assert.ok(!lone.ok);
  assert.equal(lone.error.message, 'Cannot use ignore file ".dockerignore": line 2 is a lone "!"');
});

test('a missing context folder is a failure value', async () => {
  const dir = await tempDir('dsg-ignore-');
  const result = await listContext(join(dir, 'api'), { displayBase: dir });
  assert.ok(!result.ok);
  assert.equal(result.error.reason, 'context-missing');
  assert.equal(result.error.message, 'Cannot read build context "api": file not found');
});

test('parseDockerignore: BOM, CRLF, negations with spaces and absolute paths', () => {
  const parsed = parseDockerignore(
    '\uFEFFtest1\r\n/test2\r\n/a/file/here\n\nlastfile\n# c\n! /inverted/abs/path\n',
    'x',
  );
  assert.ok(parsed.ok);
  assert.deepEqual(
    parsed.value.map((r) => `${r.negated ? '!' : ''}${r.pattern.text}@${r.line}`),
    ['test1@1', 'test2@2', 'a/file/here@3', 'lastfile@5', '!inverted/abs/path@7'],
  );
});

test('cleanPath follows Go filepath.Clean', () => {
  const table: [string, string][] = [
    ['', '.'],
    ['./foo', 'foo'],
    ['foo/', 'foo'],
    ['a//b/./c/..', 'a/b'],
    ['../x', '../x'],
    ['/../x', '/x'],
    ['/', '/'],
    ['a/../..', '..'],
  ];
  for (const [input, expected] of table) assert.equal(cleanPath(input), expected, input);
});

test('pattern matching agrees with moby patternmatcher on its own table', () => {
  // [pattern, path, matches (the path or one of its parent folders)]
  const table: [string, string, boolean][] = [
    ['**', 'file', true],
    ['**', 'dir/file', true],
    ['**/', 'dir/file', true],
    ['**/**', 'dir/file', true],
    ['dir/**', 'dir/file', true],
    ['dir/**', 'dir/dir2/file', true],
    ['**/dir', 'dir', true],
    ['**/dir', 'dir/file', true],
    ['**/dir2/*', 'dir/dir2/file', true],
    ['**/dir2/**', 'dir/dir2/dir3/file', true],
    ['**file', 'file', true],
    ['**file', 'dir/dir/file', true],
    ['**/file*.txt', 'dir/dir/file.txt', true],
    ['**/**/*.txt2', 'dir/dir/file.txt', false],
    ['**/*.txt', 'file.txt', true],
    ['a**/*.txt', 'a/dir/dir/file.txt', true],
    ['a/*.txt', 'a/dir/file.txt', false],
    ['a/*.txt', 'a/file.txt', true],
    ['a[b-d]e', 'ae', false],
    ['a[b-d]e', 'ace', true],
    ['a[^b-d]e', 'aze', true],
    ['.*', '.foo', true],
    ['.*', 'foo', false],
    ['abc.def', 'abcdef', false],
    ['abc?def', 'abcZdef', true],
    ['**/foo/bar', 'dir/dir2/foo/bar', true],
    ['abc/**', 'abc', false],
    ['**/.foo', 'bar.foo', false],
    ['a(b)c/def', 'a(b)c/def', true],
    ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
    ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a*b', 'a/b', false],
    ['[\\]a]', ']', true],
    ['[x\\-]', '-', true],
  ];
  for (const [pattern, path, expected] of table) {
    const parsed = parseDockerignore(pattern, 'x');
    assert.ok(parsed.ok, pattern);
    assert.equal(new IgnoreMatcher(parsed.value).excludes(path), expected, `${pattern} vs ${path}`);
  }
  const multi: [string[], string, boolean][] = [
    [['**', '!util/docker/web'], 'util/docker/web/foo', false],
    [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
    [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
  ];
  for (const [patterns, path, expected] of multi) {
    const parsed = parseDockerignore(patterns.join('\n'), 'x');
    assert.ok(parsed.ok);
    assert.equal(
      new IgnoreMatcher(parsed.value).excludes(path),
      expected,
      `${patterns.join(',')} vs ${path}`,
    );
  }
  for (const bad of ['[', 'a[', '[]a]', '[-]', '[x-]', '[a-b-c]', '\\', '[^bc']) {
    assert.ok(!parseDockerignore(bad, 'x').ok, `"${bad}" is invalid`);
  }
});

test('globFiles lists matching files, honours negations and expands folders', async () => {
  const dir = await tempDir('dsg-glob-');
  await writeContextTree(dir);
  assert.deepEqual(await globFiles(dir, ['src/**/*.go', '!**/*_test.go']), ['src/a.go', 'src/sub/b.go']);
  assert.deepEqual(await globFiles(dir, ['docs']), [
    'docs/README.md',
    'docs/debug.log',
    'docs/guide.md',
    'docs/img/logo.png',
  ]);
  assert.deepEqual(await globFiles(dir, ['*']), ['.env', 'Dockerfile', 'README.md', 'app.log', 'main.go']);
  assert.deepEqual(await globFiles(dir, ['*'], { dot: false }), [
    'Dockerfile',
    'README.md',
    'app.log',
    'main.go',
  ]);
  assert.deepEqual(await globFiles(dir, []), []);
  assert.deepEqual(await globFiles(dir, ['./vendor/', '!vendor/lib']), ['vendor/keep.txt']);
  assert.deepEqual(await globFiles(dir, ['**/*.go', '!src']), ['main.go', 'vendor/lib/c.go']);
  await symlink('../main.go', join(dir, 'docs/main-link.go'));
  await symlink('../src', join(dir, 'docs/src-link'));
  // Links are listed as themselves; a linked folder is not entered.
  assert.deepEqual(await globFiles(dir, ['docs/**/*.go']), ['docs/main-link.go']);
  assert.deepEqual(await globFiles(dir, ['docs/src-link']), ['docs/src-link']);
});

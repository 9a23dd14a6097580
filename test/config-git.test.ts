// Git dependencies: checked out of local repositories (file:// URLs) into a git cache outside the project, one
// folder per URL and ref; branches fetched again in `fetch` mode, revisions never; bad sources located.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { checkoutDir, gitCacheDir } from '../cache/git-checkout.ts';
import { lines, load, loaded, project, testEnv } from './fixtures/config/load-helpers.ts';
import { tempDir } from './helpers/cli.ts';
import { testRepo } from './helpers/git-repo.ts';

const api = (tag: string): string =>
  `version: v2beta1\nname: api\nimages:\n  api:\n    image: registry.local/api\n    tags: [${tag}]\n`;

async function cacheEnv(): Promise<{ env: Record<string, string>; cache: string }> {
  const home = await tempDir('dsg-cache-');
  const env = testEnv({ XDG_CACHE_HOME: home });
  return { env, cache: gitCacheDir(env) };
}

test('git dependencies on a branch, a tag and a revision, with subPath, in the map and the array form', async () => {
  const repo = await testRepo({ 'devspace.yaml': api('one'), 'sub/devspace.yaml': api('sub') });
  const first = await repo.git('rev-parse', 'HEAD');
  await repo.git('tag', 'v1');
  await repo.commit({ 'devspace.yaml': api('two') });
  const { env, cache } = await cacheEnv();
  const dir = await project({
    'devspace.yaml': [
      'version: v2beta1',
      'name: root',
      'dependencies:',
      '  onbranch:',
      `    git: ${repo.url}`,
      '    branch: main',
      '  ontag:',
      `    git: ${repo.url}`,
      '    tag: v1',
      '  atrevision:',
      `    git: ${repo.url}`,
      `    revision: ${first}`,
      '  insub:',
      `    git: ${repo.url}`,
      '    subPath: sub',
      '',
    ].join('\n'),
    'old/devspace.yaml': [
      'version: v1beta11',
      'dependencies:',
      '  - name: legacy',
      '    source:',
      `      git: ${repo.url}`,
      '      tag: v1',
      '',
    ].join('\n'),
  });
  const { root } = loaded(await load(dir, { env }));
  const tags = root.dependencies.map((d) => [d.name, d.project.images[0]?.tags[0], d.project.origin?.ref]);
  assert.deepEqual(tags, [
    ['onbranch', 'two', 'branch "main"'],
    ['ontag', 'one', 'tag "v1"'],
    ['atrevision', 'one', `revision "${first}"`],
    ['insub', 'sub', 'the default branch'],
  ]);
  const [onbranch, ontag] = root.dependencies;
  assert.equal(onbranch?.dir, checkoutDir(cache, { url: repo.url, ref: { kind: 'branch', name: 'main' } }));
  assert.ok(onbranch?.dir.startsWith(cache), 'checkouts live in the git cache, outside the project');
  assert.equal(ontag?.project.origin?.commit, first);
  assert.equal(ontag?.project.file, join(ontag.dir, 'devspace.yaml'), 'shown by its absolute path');
  assert.equal(root.dependencies[3]?.project.origin?.subPath, 'sub');
  assert.equal(
    readdirSync(cache).filter((f) => !f.endsWith('.lock')).length,
    4,
    'one folder per URL and ref',
  );

  const legacy = loaded(await load(join(dir, 'old'), { env })).root.dependencies[0];
  assert.equal(legacy?.dir, ontag?.dir, 'the v1 array form reaches the same checkout');
  assert.equal(legacy?.project.images[0]?.tags[0], 'one');
});

test('a branch that moved is fetched in fetch mode only; a revision is never fetched again', async () => {
  const repo = await testRepo({ 'devspace.yaml': api('one') });
  const first = await repo.git('rev-parse', 'HEAD');
  const { env } = await cacheEnv();
  const dir = await project({
    'devspace.yaml': `version: v2beta1\nname: root\ndependencies:\n  b:\n    git: ${repo.url}\n    branch: main\n  r:\n    git: ${repo.url}\n    revision: ${first}\n`,
  });
  const tagsOf = async (git: 'fetch' | 'clone' | 'offline') => {
    const result = loaded(await load(dir, { env, git }));
    return {
      tags: result.root.dependencies.map((d) => d.project.images[0]?.tags[0]),
      volatile: result.reads.volatile,
    };
  };
  assert.deepEqual((await tagsOf('fetch')).tags, ['one', 'one']);
  await repo.commit({ 'devspace.yaml': api('two') });
  assert.deepEqual((await tagsOf('clone')).tags, ['one', 'one'], 'clone mode uses the checkout as it is');
  const fetched = await tagsOf('fetch');
  assert.deepEqual(fetched.tags, ['two', 'one'], 'the branch moved; the revision did not');
  assert.match(fetched.volatile ?? '', /branch "main".*fetched on every run/);
  // Without the remote: offline and clone mode work from the cache, fetch mode says what failed.
  await rm(repo.dir, { recursive: true });
  assert.deepEqual((await tagsOf('offline')).tags, ['two', 'one']);
  assert.equal((await tagsOf('offline')).volatile, undefined, 'offline loads can be memoised');
  const failed = await load(dir, { env, git: 'fetch' });
  assert.equal(failed.ok, false);
  assert.match(
    lines(failed).join('\n'),
    /devspace\.yaml:5:10: error: Cannot fetch dependency "b" from "file:.*" \(branch "main"\): .* does not appear to be a git repository/,
  );
});

test('offline without a checkout in the cache is a located error naming the way out', async () => {
  const repo = await testRepo({ 'devspace.yaml': api('one') });
  const { env } = await cacheEnv();
  const dir = await project({
    'devspace.yaml': `version: v2beta1\nname: root\ndependencies:\n  b:\n    git: ${repo.url}\n`,
  });
  const result = await load(dir, { env, git: 'offline' });
  assert.equal(result.ok, false);
  const [only] = result.ok ? [] : result.error;
  assert.match(
    only?.message ?? '',
    /^Cannot fetch dependency "b" from ".*" \(the default branch\): it is not in the git cache \(".*"\) and --offline fetches nothing$/,
  );
  assert.equal(only?.hint, 'run once without --offline to clone it');
  assert.deepEqual([only?.location?.line, only?.location?.col], [5, 10]);
});

test('bad git sources: no repository, no branch, no revision, no devspace.yaml, a branch that tries shell injection', async () => {
  const repo = await testRepo({ 'devspace.yaml': api('one'), 'docs/README.md': 'no config here\n' });
  const { env } = await cacheEnv();
  const scratch = await tempDir('dsg-inject-');
  const dir = await project({
    'devspace.yaml': [
      'version: v2beta1',
      'name: root',
      'dependencies:',
      '  gone:',
      `    git: ${repo.url}-missing`,
      '  nobranch:',
      `    git: ${repo.url}`,
      '    branch: nope',
      '  norev:',
      `    git: ${repo.url}`,
      '    revision: 0123456789abcdef0123456789abcdef01234567',
      '  nosub:',
      `    git: ${repo.url}`,
      '    subPath: docs',
      '  inject:',
      `    git: ${repo.url}`,
      `    branch: "main;touch ${scratch}/pwned;$(touch ${scratch}/pwned2)"`,
      '  dash:',
      `    git: ${repo.url}`,
      '    tag: --upload-pack=touch',
      '',
    ].join('\n'),
  });
  const result = await load(dir, { env, git: 'fetch' });
  const got = lines(result);
  assert.equal(got.length, 6, got.join('\n'));
  assert.match(
    got[0] ?? '',
    /^devspace\.yaml:5:10: error: Cannot fetch dependency "gone" from "file:.*-missing" \(the default branch\): .*repository/,
  );
  assert.match(
    got[1] ?? '',
    /^devspace\.yaml:8:13: error: Cannot fetch dependency "nobranch" .*: branch "nope" does not exist: /,
  );
  assert.match(
    got[2] ?? '',
    /^devspace\.yaml:11:15: error: Cannot fetch dependency "norev" .*: revision "0123456789abcdef0123456789abcdef01234567" is not in the repository$/,
  );
  assert.match(
    got[3] ?? '',
    /^devspace\.yaml:14:14: error: Cannot load dependency "nosub": "docs" has no devspace\.yaml in "file:.*" \(the default branch\)$/,
  );
  assert.match(
    got[4] ?? '',
    /^devspace\.yaml:17:13: error: Cannot fetch dependency "inject" .*: branch "main;touch .*" does not exist: /,
  );
  assert.match(
    got[5] ?? '',
    /^devspace\.yaml:20:10: error: Cannot fetch dependency "dash" .*: tag "--upload-pack=touch" is not a valid name: it may not be empty or start with "-"$/,
  );
  assert.equal(existsSync(join(scratch, 'pwned')), false, 'the branch name reached no shell');
  assert.equal(existsSync(join(scratch, 'pwned2')), false, 'the branch name reached no shell');
  const cache = gitCacheDir(env);
  assert.deepEqual(
    readdirSync(cache)
      .filter((f) => !f.endsWith('.lock'))
      .sort(),
    [checkoutDir(cache, { url: repo.url, ref: { kind: 'default' } }).slice(cache.length + 1)],
    'failed clones leave nothing in the cache',
  );
});

test("a git dependency's invalid config is reported in its own file and line", async () => {
  const repo = await testRepo({
    'devspace.yaml': 'version: v2beta1\nname: broken\nimages:\n  x:\n    dockerfile: Dockerfile\n',
  });
  const { env } = await cacheEnv();
  const dir = await project({
    'devspace.yaml': `version: v2beta1\nname: root\ndependencies:\n  broken:\n    git: ${repo.url}\n`,
  });
  const result = await load(dir, { env });
  const clone = checkoutDir(gitCacheDir(env), { url: repo.url, ref: { kind: 'default' } });
  assert.deepEqual(lines(result), [
    `${join(clone, 'devspace.yaml')}:4:3: error: Missing required key "image" in \`images.x\``,
  ]);
});

test('a diamond of git dependencies is one project, checked out once', async () => {
  const db = await testRepo({ 'devspace.yaml': 'version: v2beta1\nname: db\n' }, 'db');
  const dep = (name: string): string =>
    `version: v2beta1\nname: ${name}\ndependencies:\n  db:\n    git: ${db.url}\n    branch: main\n`;
  const a = await testRepo({ 'devspace.yaml': dep('a') }, 'a');
  const b = await testRepo({ 'devspace.yaml': dep('b') }, 'b');
  const { env } = await cacheEnv();
  const dir = await project({
    'devspace.yaml': `version: v2beta1\nname: app\ndependencies:\n  a:\n    git: ${a.url}\n  b:\n    git: ${b.url}\n`,
  });
  const { root } = loaded(await load(dir, { env, git: 'fetch' }));
  const [viaA, viaB] = root.dependencies.map((d) => d.project.dependencies[0]?.project);
  assert.ok(viaA && viaA === viaB, 'both paths lead to the same project');
  assert.equal(viaA.name, 'db');
});

test('pipeline: fields dsg does not act on are named in a warning; build only builds', async () => {
  const dir = await project({
    'devspace.yaml':
      'version: v2beta1\nname: x\ndependencies:\n  a:\n    path: a\n    pipeline: dev\n  b:\n    path: a\n    pipeline: build\n  c:\n    path: a\n    pipeline: seed\n',
    'a/devspace.yaml': 'version: v2beta1\nname: a\n',
  });
  const result = await load(dir);
  assert.deepEqual(lines(result), [
    'devspace.yaml:6:15: warning: `dependencies.a.pipeline: dev` is not supported by dsg yet and is ignored: dsg builds and deploys the dependency',
    'devspace.yaml:12:15: warning: `dependencies.c.pipeline: seed` is not supported by dsg yet and is ignored: dsg builds and deploys the dependency',
  ]);
  assert.deepEqual(
    loaded(result).root.dependencies.map((d) => [d.name, d.deploy]),
    [
      ['a', true],
      ['b', false],
      ['c', true],
    ],
  );
});

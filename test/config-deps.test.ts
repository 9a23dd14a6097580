// Dependencies: loaded once per path and settings (diamonds share), cycles end, options honoured.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { lines, load, loaded, project, testEnv } from './fixtures/config/load-helpers.ts';
import { repoRoot } from './helpers/paths.ts';

const fixtures = join(repoRoot, 'test', 'fixtures', 'config');
const corpusProjects = join(repoRoot, '..', 'shared', 'corpus', 'projects');

test('a diamond shares one ProjectConfig for the common dependency', async () => {
  const { root } = loaded(await load(join(fixtures, 'diamond')));
  const [a, b] = root.dependencies;
  assert.equal(a?.name, 'a');
  assert.equal(a?.dir, join(fixtures, 'diamond', 'a'));
  assert.equal(b?.project.name, 'b');
  const viaA = a?.project.dependencies[0];
  const viaB = b?.project.dependencies[0];
  assert.equal(viaA?.name, 'shared');
  assert.equal(viaB?.name, 'common');
  assert.ok(viaA && viaA.project === viaB?.project, 'both paths lead to the same object');
  assert.equal(viaA.project.file, 'shared/devspace.yaml');
  assert.deepEqual(viaA.at, { file: 'a/devspace.yaml', line: 4, col: 3, length: 6 });
  assert.deepEqual(
    viaA.project.images.map((i) => i.name),
    ['db'],
  );
});

test('a cycle loads without recursing forever and keeps its shape for the graph compiler', async () => {
  const { root } = loaded(await load(join(fixtures, 'cycle')));
  const loop = root.dependencies[0];
  assert.equal(loop?.project.name, 'loop');
  const back = loop.project.dependencies[0];
  assert.equal(back?.name, 'front');
  assert.equal(back.project, root, 'the cycle points back at the root object');
  assert.deepEqual(back.at, { file: 'loop/devspace.yaml', line: 4, col: 3, length: 5 });
});

test('dependency profiles, vars, namespace and pipeline are honoured, each variant loaded separately', async () => {
  const { root } = loaded(await load(join(fixtures, 'mixed')));
  const [legacy, builder] = root.dependencies;
  assert.ok(legacy && builder);
  assert.notEqual(legacy.project, builder.project, 'different profiles and vars: different projects');
  assert.equal(legacy.deploy, true);
  assert.equal(builder.deploy, false);
  assert.equal(legacy.project.sourceVersion, 'v1beta11');
  const app = legacy.project.deployments[0];
  assert.ok(app?.type === 'component');
  assert.equal(app.namespace, 'legacy-ns');
  assert.deepEqual(app.values, { replicas: 2, containers: [{ image: 'registry.local/legacy/small' }] });
  assert.equal(legacy.project.images[0]?.image, 'registry.local/legacy/app:legacy-ns');
  const plain = builder.project.deployments[0];
  assert.ok(plain?.type === 'component');
  assert.equal(plain.namespace, undefined);
  assert.deepEqual(plain.values, { replicas: '5', containers: [{ image: 'registry.local/legacy/app' }] });
  assert.equal(builder.project.images[0]?.image, 'registry.local/legacy/app:default');
});

test('a git dependency missing from the cache offline, and a folder without devspace.yaml, are located', async () => {
  const yaml =
    'version: v2beta1\nname: x\ndependencies:\n  remote:\n    git: https://example.com/team/api.git\n    branch: main\n  empty:\n    path: empty\n';
  const dir = await project({ 'devspace.yaml': yaml, 'empty/README.md': 'nothing here\n' });
  const cache = await project({});
  const result = await load(dir, { git: 'offline', env: testEnv({ XDG_CACHE_HOME: cache }) });
  assert.deepEqual(lines(result), [
    `devspace.yaml:5:10: error: Cannot fetch dependency "remote" from "https://example.com/team/api.git" (branch "main"): it is not in the git cache ("${join(cache, 'dsg', 'git')}/api@main-cfff58f32db2") and --offline fetches nothing`,
    'devspace.yaml:8:11: error: Cannot load dependency "empty": "empty" has no devspace.yaml',
  ]);
});

test('errors inside a dependency name its file; disabled dependencies are not loaded', async () => {
  const dir = await project({
    'devspace.yaml':
      'version: v2beta1\nname: x\ndependencies:\n  db:\n    path: db\n  off:\n    path: missing\n    disabled: true\n',
    'db/devspace.yaml': 'version: v2beta1\nname: db\nimages:\n  db:\n    dockerfile: x\n',
  });
  assert.deepEqual(lines(await load(dir)), [
    'db/devspace.yaml:4:3: error: Missing required key "image" in `images.db`',
  ]);
});

test("ignoreDependencies leaves the dependency's own dependencies out", async () => {
  const dir = await project({
    'devspace.yaml':
      'version: v2beta1\nname: x\ndependencies:\n  a:\n    path: a\n    ignoreDependencies: true\n',
    'a/devspace.yaml': 'version: v2beta1\nname: a\ndependencies:\n  gone:\n    path: does-not-exist\n',
  });
  const { root } = loaded(await load(dir));
  assert.deepEqual(root.dependencies[0]?.project.dependencies, []);
});

test('the corpus example projects with path dependencies load', async () => {
  const { root } = loaded(await load(join(corpusProjects, 'microservices')));
  assert.deepEqual(
    root.dependencies.map((d) => [
      d.name,
      d.project.name,
      d.project.images.map((i) => i.image),
      d.project.deployments.map((x) => x.type),
    ]),
    [
      ['node', 'node', ['myuser/node'], ['kubectl']],
      ['php', 'php', ['myuser/php'], ['helm']],
    ],
  );
  // No network here: offline, the git dependency is named with the way to fetch it.
  const cache = await project({});
  const deps = await load(join(corpusProjects, 'dependencies'), {
    git: 'offline',
    env: testEnv({ XDG_CACHE_HOME: cache }),
  });
  assert.deepEqual(
    lines(deps)
      .filter((l) => l.includes('error'))
      .map((l) => l.replace(/\(".*"\)/, '(CACHE)')),
    [
      'devspace.yaml:10:10: error: Cannot fetch dependency "dependency3" from "https://github.com/devspace-cloud/example-dependency.git" (the default branch): it is not in the git cache (CACHE) and --offline fetches nothing',
    ],
  );
});

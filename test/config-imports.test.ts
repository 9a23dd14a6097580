// `imports:` merged with DevSpace's rules (mappings gain new keys, lists are appended, the importer wins),
// from paths and git, recursively; errors point into the imported file; cycles and version mismatches located.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { checkoutDir, gitCacheDir } from '../cache/git-checkout.ts';
import { lines, load, loaded, project, testEnv } from './fixtures/config/load-helpers.ts';
import { tempDir } from './helpers/cli.ts';
import { testRepo } from './helpers/git-repo.ts';

test('imports merge images, deployments, vars and profiles; the importing file wins; nested imports follow', async () => {
  const dir = await project({
    'devspace.yaml': [
      'version: v2beta1',
      'name: base',
      'imports:',
      '  - path: shared/common.yaml',
      '  - path: off.yaml',
      '    enabled: $(is_equal ${WITH_OFF} "yes")',
      '  - path: on.yaml',
      '    enabled: $(is_in ${WITH_OFF} "maybe no")',
      'vars:',
      '  WITH_OFF: "no"',
      '  TOP: top',
      'images:',
      '  api:',
      '    image: registry.local/api:${TOP}',
      'profiles:',
      '  - name: mine',
      '    merge: {}',
      '',
    ].join('\n'),
    'shared/common.yaml': [
      'version: v2beta1',
      'name: common',
      'imports:',
      '  - path: more.yaml',
      'vars:',
      '  TOP: common',
      '  REGISTRY: registry.local',
      'images:',
      '  api:',
      '    image: registry.local/not-this-one',
      '  worker:',
      '    image: ${REGISTRY}/worker',
      'profiles:',
      '  - name: imported',
      '    merge: {}',
      '',
    ].join('\n'),
    'shared/more.yaml': [
      'version: v2beta1',
      'deployments:',
      '  web:',
      '    kubectl:',
      '      manifests: [kube/web.yaml]',
      '',
    ].join('\n'),
    'off.yaml': 'version: v2beta1\nimages:\n  never:\n    image: registry.local/never\n',
    'on.yaml': 'version: v2beta1\nimages:\n  cond:\n    image: registry.local/cond\n',
  });
  const { root } = loaded(await load(dir));
  assert.equal(root.name, 'base', "an import's name is not the project's");
  assert.deepEqual(
    root.images.map((i) => [i.name, i.image]),
    [
      ['api', 'registry.local/api:top'],
      ['worker', 'registry.local/worker'],
      ['cond', 'registry.local/cond'],
    ],
  );
  assert.deepEqual(
    root.deployments.map((d) => d.name),
    ['web'],
  );
  assert.equal(root.vars['TOP'], 'top');
  const profiled = loaded(await load(dir, { profiles: ['imported'] }));
  assert.equal(profiled.root.name, 'base', 'the imported profile is there to apply');
});

test('an error inside an imported file points at that file and line', async () => {
  const dir = await project({
    'devspace.yaml': 'version: v2beta1\nname: base\nimports:\n  - path: parts/images.yaml\n',
    'parts/images.yaml': 'version: v2beta1\nimages:\n  broken:\n    dockerfile: Dockerfile\n',
  });
  assert.deepEqual(lines(await load(dir)), [
    'parts/images.yaml:3:3: error: Missing required key "image" in `images.broken`',
  ]);
});

test('an import that imports itself, a missing import and a version mismatch are located', async () => {
  const dir = await project({
    'devspace.yaml': [
      'version: v2beta1',
      'name: base',
      'imports:',
      '  - path: loop.yaml',
      '  - path: missing.yaml',
      '  - path: old.yaml',
      '  - path: devspace.yaml',
      '',
    ].join('\n'),
    'loop.yaml': 'version: v2beta1\nimports:\n  - path: ./loop.yaml\n',
    'old.yaml': 'version: v1beta11\nimages: {}\n',
  });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:5:11: error: Cannot load import 2 of "devspace.yaml": "missing.yaml" does not exist',
    'devspace.yaml:7:11: error: Import cycle: devspace.yaml → devspace.yaml',
    'loop.yaml:3:11: error: Import cycle: loop.yaml → loop.yaml',
    'old.yaml:1:10: error: Import "old.yaml" has version "v1beta11", the importing config "v2beta1": an import must have the version of the config that imports it',
  ]);
});

test('an import from git is checked out into the git cache and merged', async () => {
  const repo = await testRepo({
    'imports/images.yaml': 'version: v2beta1\nimages:\n  shared:\n    image: registry.local/shared\n',
  });
  const cache = await tempDir('dsg-cache-');
  const env = testEnv({ XDG_CACHE_HOME: cache });
  const dir = await project({
    'devspace.yaml': `version: v2beta1\nname: base\nimports:\n  - git: ${repo.url}\n    branch: main\n    subPath: imports/images.yaml\n`,
  });
  const { root, reads } = loaded(await load(dir, { env }));
  assert.deepEqual(
    root.images.map((i) => i.name),
    ['shared'],
  );
  const file = join(
    checkoutDir(gitCacheDir(env), { url: repo.url, ref: { kind: 'branch', name: 'main' } }),
    'imports/images.yaml',
  );
  assert.ok(reads.paths.has(file), 'the imported file is read through the read log');
  assert.equal(root.images[0]?.at.file, file);
});

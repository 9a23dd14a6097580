// Profiles: replace, merge, patches with DevSpace's path syntaxes, parents, activation, order, locations.
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { lines, load, loaded, project, testEnv } from './fixtures/config/load-helpers.ts';
import { runDsg } from './helpers/cli.ts';
import { repoRoot } from './helpers/paths.ts';

const base = `version: v2beta1
name: shop
images:
  api:
    image: r/api
    tags: [a]
  web:
    image: r/web
deployments:
  api:
    kubectl:
      manifests: [kube/api.yaml]
  web:
    helm:
      values:
        replicas: 1
`;

async function withProfiles(profiles: string, requested: string[], env: Record<string, string> = {}) {
  return load(await project({ 'devspace.yaml': `${base}profiles:\n${profiles}` }), {
    profiles: requested,
    env: testEnv(env),
  });
}

test('patches: dotted, XPath, bracket, filter and wildcard paths', async () => {
  const profiles = `- name: p
  patches:
  - op: replace
    path: images.api.image
    value: r/api2
  - op: add
    path: /images/api/tags
    value: b
  - op: replace
    path: images["web"].rebuildStrategy
    value: always
  - op: add
    path: images.*.skipPush
    value: true
  - op: replace
    path: deployments.web.helm.values.replicas
    value: 3
  - op: remove
    path: deployments.api
  - op: remove
    path: images.nothing.here
`;
  const { root } = loaded(await withProfiles(profiles, ['p']));
  const [api, web] = root.images;
  assert.equal(api?.image, 'r/api2');
  assert.deepEqual(api?.tags, ['a', 'b']);
  assert.equal(web?.rebuildStrategy, 'always');
  assert.deepEqual(
    root.images.map((i) => i.skipPush),
    [true, true],
  );
  assert.deepEqual(
    root.deployments.map((d) => d.name),
    ['web'],
  );
  const webDeployment = root.deployments[0];
  assert.ok(webDeployment?.type === 'component');
  assert.equal(webDeployment.values['replicas'], 3);
});

test('a value set by a profile is located in the profile', async () => {
  const profiles = '- name: p\n  patches:\n  - op: replace\n    path: images.api.image\n    value: r/other\n';
  const { root } = loaded(await withProfiles(profiles, ['p']));
  assert.deepEqual(root.locate(['images', 'api', 'image']), {
    file: 'devspace.yaml',
    line: 22,
    col: 12,
    length: 7,
  });
  assert.deepEqual(root.images[0]?.at, { file: 'devspace.yaml', line: 4, col: 3, length: 3 });
});

test('merge merges mappings and replaces lists; replace swaps whole sections', async () => {
  const profiles = `- name: m
  merge:
    images:
      api:
        tags: [x, y]
        dockerfile: api/Dockerfile
      web: null
- name: r
  replace:
    deployments:
      only:
        kubectl:
          manifests: [only.yaml]
`;
  const { root } = loaded(await withProfiles(profiles, ['m', 'r']));
  assert.deepEqual(
    root.images.map((i) => [i.name, i.image, i.tags, i.dockerfile]),
    [['api', 'r/api', ['x', 'y'], 'api/Dockerfile']],
  );
  assert.deepEqual(
    root.deployments.map((d) => d.name),
    ['only'],
  );
});

test('profiles apply in the order asked for, each after its parents', async () => {
  const profiles = `- name: grand
  patches: [{ op: replace, path: images.api.image, value: grand }]
- name: parent
  parent: grand
  patches: [{ op: add, path: images.api.tags, value: parent }]
- name: child
  parents: [{ profile: parent }]
  patches: [{ op: add, path: images.api.tags, value: child }]
- name: last
  patches: [{ op: replace, path: images.api.image, value: last }]
`;
  const { root } = loaded(await withProfiles(profiles, ['child', 'last']));
  assert.equal(root.images[0]?.image, 'last');
  assert.deepEqual(root.images[0]?.tags, ['a', 'parent', 'child']);
  const reversed = loaded(await withProfiles(profiles, ['last', 'child']));
  assert.equal(reversed.root.images[0]?.image, 'grand');
});

test('activation by environment and by variable applies profiles automatically', async () => {
  const profiles = `- name: ci
  activation:
  - env:
      CI: "true|yes"
  patches: [{ op: replace, path: images.api.image, value: ci }]
- name: prod
  activation:
  - vars:
      STAGE: prod.*
  patches: [{ op: add, path: images.api.tags, value: prod }]
`;
  const plain = loaded(await withProfiles(profiles, []));
  assert.equal(plain.root.images[0]?.image, 'r/api');
  const ci = loaded(await withProfiles(profiles, [], { CI: 'yes' }));
  assert.equal(ci.root.images[0]?.image, 'ci');
  const partial = loaded(await withProfiles(profiles, [], { CI: 'yes please' }));
  assert.equal(partial.root.images[0]?.image, 'r/api', 'activation patterns match the whole value');
  const { root } = loaded(
    await load(await project({ 'devspace.yaml': `${base}profiles:\n${profiles}` }), {
      vars: { STAGE: 'production' },
    }),
  );
  assert.deepEqual(root.images[0]?.tags, ['a', 'prod']);
});

test('profile mistakes are located', async () => {
  const profiles = `- name: bad
  parent: missing
  patches:
  - op: move
    path: images.api
  - op: replace
    path: /images/nothing/image
    value: x
  - op: add
    path: images.api.image
    value: again
- name: weird
  colour: blue
`;
  assert.deepEqual(lines(await withProfiles(profiles, ['bad'])), [
    'devspace.yaml:19:11: error: Unknown profile "missing": available profiles are bad, weird',
    'devspace.yaml:21:9: error: `op` of a patch of profile "bad" must be one of add, replace, remove, got "move"',
    'devspace.yaml:24:11: error: Cannot apply patch "replace /images/nothing/image" of profile "bad": the path matches nothing',
    'devspace.yaml:27:11: error: Cannot apply patch "add images.api.image" of profile "bad": "images.api.image" already exists and is not a list or mapping: use op replace',
    'devspace.yaml:30:3: error: Unknown key "colour" in profile "weird"',
  ]);
});

test('a v1beta3 profile with `replace` and list patches applies to the v1 shape before conversion', async () => {
  const dir = await project({});
  const file = 'devspace-sh__devspace@v4.0.0__examples__multiple-profiles__devspace.yaml';
  await copyFile(join(repoRoot, '..', 'shared', 'corpus', 'devspace-yaml', file), join(dir, 'devspace.yaml'));
  const result = await load(dir, { profiles: ['dev-service2-only'], vars: { DEVSPACE_USERNAME: 'me' } });
  const { root } = loaded(result);
  assert.deepEqual(
    root.images.map((i) => [i.name, i.image]),
    [['service-image-2', 'dscr.io/me/service-2']],
  );
  assert.deepEqual(
    root.deployments.map((d) => [d.name, d.type]),
    [['service-2', 'component']],
  );
  assert.ok(
    lines(result).includes(
      'devspace.yaml:22:1: warning: `commands` is not supported by dsg yet and is ignored',
    ),
  );
});

test('v1 patches may append with [-] and address list items by index', async () => {
  const yaml = `version: v1beta6
deployments:
- name: web
  helm:
    chart:
      name: ./chart
    values:
      args: [--a]
profiles:
- name: dev
  patches:
  - op: add
    path: deployments[0].helm.values.args[-]
    value: --debug
  - op: add
    path: deployments[-]
    value:
      name: extra
      kubectl:
        manifests: [extra.yaml]
  - op: add
    path: deployments.name=web.helm.values.replicas
    value: 2
`;
  const { root } = loaded(await load(await project({ 'devspace.yaml': yaml }), { profiles: ['dev'] }));
  const [web, extra] = root.deployments;
  assert.ok(web?.type === 'helm');
  assert.deepEqual(web.values, { args: ['--a', '--debug'], replicas: 2 });
  assert.equal(extra?.name, 'extra');
  assert.deepEqual(extra?.at, { file: 'devspace.yaml', line: 18, col: 13, length: 5 });
});

test('a profile that is not applied is still checked as DevSpace’s schema would: a located error, exit 1', async () => {
  const profiles = `- name: used
  patches:
  - op: replace
    path: images.api.image
    value: r/used
- name: unused
  merge: [not, a, mapping]
  parents: [{ name: used }]
  patches:
  - op: frobnicate
    path: images.api.image
  - path: images.web.image
    value: x
  - op: remove
  - op: remove
    path: images.web
    colour: blue
`;
  assert.deepEqual(lines(await withProfiles(profiles, ['used'])), [
    'devspace.yaml:24:10: error: `merge` of profile "unused" must be a mapping, got a list',
    'devspace.yaml:25:13: error: An entry of `parents` of profile "unused" needs `profile: NAME`',
    'devspace.yaml:27:9: error: `op` of a patch of profile "unused" must be one of add, replace, remove, got "frobnicate"',
    'devspace.yaml:29:5: error: `op` of a patch of profile "unused" must be one of add, replace, remove, got nothing',
    'devspace.yaml:31:5: error: A patch of profile "unused" needs a `path`',
    'devspace.yaml:34:5: error: Unknown key "colour" in a patch of profile "unused"',
  ]);
  // Through the CLI: one message per mistake, exit 1, no profile asked for at all.
  const dir = await project({
    'devspace.yaml': `${base}profiles:\n- name: later\n  patches:\n  - op: frobnicate\n    path: images.api\n`,
  });
  const result = await runDsg(['graph'], { cwd: dir });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /devspace\.yaml:\d+:\d+: error: `op` of a patch of profile "later" must be one of add, replace, remove, got "frobnicate"/,
  );
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

// DevSpace 3–5 configs (v1beta1 … v1beta11) converted to the v2beta1 shape, with warnings for every
// field that no longer does anything and errors still pointing at the original lines.
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { lines, load, loaded, project } from './fixtures/config/load-helpers.ts';
import { repoRoot } from './helpers/paths.ts';

async function corpusFile(name: string): Promise<string> {
  const dir = await project({});
  await copyFile(join(repoRoot, '..', 'shared', 'corpus', 'devspace-yaml', name), join(dir, 'devspace.yaml'));
  return dir;
}

test('v1beta1: build.dockerfile/context move up, kubectl and local helm charts, dev and cluster are warned about', async () => {
  const result = await load(
    await corpusFile('devspace-sh__devspace@v3.4.0__examples__microservices__devspace.yaml'),
  );
  const { root } = loaded(result);
  assert.equal(root.sourceVersion, 'v1beta1');
  assert.deepEqual(
    root.images.map((i) => [i.name, i.image, i.dockerfile, i.context, i.skipPush]),
    [
      ['node', 'node', 'node/Dockerfile', 'node/', true],
      ['php', 'php', 'php/Dockerfile', 'php/', true],
    ],
  );
  const [node, php] = root.deployments;
  assert.ok(node?.type === 'kubectl' && php?.type === 'helm');
  assert.deepEqual(node.manifests, ['node/kube/*']);
  assert.deepEqual(php.chart, { name: 'php/chart' });
  assert.deepEqual(node.at, { file: 'devspace.yaml', line: 16, col: 9, length: 13 });
  assert.deepEqual(root.locate(['images', 'php', 'dockerfile']), {
    file: 'devspace.yaml',
    line: 13,
    col: 19,
    length: 14,
  });
  assert.deepEqual(lines(result), [
    'devspace.yaml:24:1: warning: `dev` is not supported by dsg yet and is ignored',
    'devspace.yaml:47:1: warning: `cluster` has no effect any more: DevSpace 4 dropped it; use --kube-context and -n',
  ]);
});

test('v1beta1 `component:` deployments become component deployments', async () => {
  const dir = await corpusFile('devspace-sh__devspace@v3.4.0__examples__php-mysql-example__devspace.yaml');
  const { root } = loaded(await load(dir, { vars: { DEVSPACE_USERNAME: 'ann' } }));
  const [mysql, php] = root.deployments;
  assert.ok(mysql?.type === 'component' && php?.type === 'component');
  assert.equal((mysql.values['containers'] as { image: string }[])[0]?.image, 'mysql:5.7');
  assert.deepEqual(php.values['containers'], [{ image: 'dscr.io/ann/devspace' }]);
  assert.equal(root.images[0]?.image, 'dscr.io/ann/devspace');
});

test('old helm options: Tiller is warned about, flags become upgradeArgs, componentChart is a component', async () => {
  const yaml = `version: v1beta6
deployments:
- name: api
  helm:
    chart:
      name: stable/api
      version: 1.0.0
      repo: https://charts.example.com
    tillerNamespace: kube-system
    wait: true
    timeout: 120
    atomic: true
    replaceImageTags: false
- name: comp
  helm:
    componentChart: true
    values:
      containers: [{ image: nginx }]
- name: kube
  kubectl:
    manifests: [k8s/]
    flags: [--prune]
    cmdPath: /usr/local/bin/kubectl
`;
  const result = await load(await project({ 'devspace.yaml': yaml }));
  const { root } = loaded(result);
  const [api, comp, kube] = root.deployments;
  assert.ok(api?.type === 'helm');
  assert.deepEqual(api.chart, { name: 'stable/api', version: '1.0.0', repo: 'https://charts.example.com' });
  assert.deepEqual(api.upgradeArgs, ['--wait', '--atomic', '--timeout', '120s']);
  assert.equal(api.updateImageTags, false);
  assert.equal(comp?.type, 'component');
  assert.ok(kube?.type === 'kubectl');
  assert.deepEqual(kube.applyArgs, ['--prune']);
  assert.deepEqual(lines(result), [
    'devspace.yaml:9:5: warning: `deployments[0].helm.tillerNamespace` has no effect any more: Tiller went away with Helm 2',
    'devspace.yaml:22:13: warning: `deployments.kube.kubectl.applyArgs[0]: --prune` is ignored: dsg prunes what left the render itself',
    'devspace.yaml:23:5: warning: `deployments.kube.kubectl.kubectlBinaryPath` is not supported by dsg yet and is ignored',
  ]);
});

test('v1 images: build.docker options, custom builders, tag, disabled builds', async () => {
  const yaml = `version: v1beta9
images:
  app:
    image: r/app
    tag: v1
    build:
      docker:
        skipPush: true
        options:
          target: prod
          buildArgs:
            A: "1"
  tool:
    image: r/tool
    build:
      custom:
        command: ./build
        args: [--fast]
        imageFlag: -t
        onChange: [main.go]
  off:
    image: r/off
    build:
      disabled: true
`;
  const result = await load(await project({ 'devspace.yaml': yaml }));
  const { root } = loaded(result);
  const [app, tool] = root.images;
  assert.equal(root.images.length, 2);
  assert.deepEqual(
    [app?.tags, app?.skipPush, app?.target, app?.buildArgs],
    [['v1'], true, 'prod', { A: '1' }],
  );
  assert.deepEqual(tool?.builder, {
    kind: 'custom',
    command: './build',
    args: ['--fast'],
    appendArgs: [],
    onChange: ['main.go'],
    skipImageArg: false,
    imageTagOnly: false,
    imageFlag: '-t',
  });
  assert.deepEqual(lines(result), [
    'devspace.yaml:24:7: warning: Image "off" has `build.disabled: true`: dsg does not build it and leaves it out',
  ]);
});

test('v1 dependencies: unnamed ones are named after their folder, profile and vars carry over', async () => {
  const yaml = `version: v1beta10
dependencies:
- source:
    path: services/db
  profile: small
  vars:
  - name: SIZE
    value: "1"
  skipBuild: true
`;
  const dir = await project({
    'devspace.yaml': yaml,
    'services/db/devspace.yaml':
      'version: v1beta10\nvars:\n- name: SIZE\nprofiles:\n- name: small\nimages:\n  db:\n    image: r/db-${SIZE}\n',
  });
  const result = await load(dir);
  const { root } = loaded(result);
  const db = root.dependencies[0];
  assert.equal(db?.name, 'db');
  assert.equal(db.project.images[0]?.image, 'r/db-1');
  assert.deepEqual(lines(result), [
    'devspace.yaml:9:3: warning: `dependencies[0].skipBuild` has no effect any more: DevSpace 6 dropped it; dsg builds the images of every dependency',
  ]);
});

test('errors in converted configs point at the original lines', async () => {
  const yaml =
    'version: v1beta11\nimages:\n  app:\n    image: r/app\n    rebuildStrategy: sometimes\n    build:\n      docker:\n        options:\n          target: [a]\n';
  assert.deepEqual(lines(await load(await project({ 'devspace.yaml': yaml }))), [
    'devspace.yaml:5:22: error: `images.app.rebuildStrategy` must be one of default, always, ignoreContextChanges, got "sometimes"',
    'devspace.yaml:9:11: error: `images.app.target` must be a string, got a list',
  ]);
});

test('keys no DevSpace version knew are errors in v1 files too', async () => {
  const yaml =
    'version: v1beta11\ndeployments:\n- name: web\n  helm:\n    chart: { name: ./c }\n    valuez: {}\n';
  const result = await load(await project({ 'devspace.yaml': yaml }));
  assert.deepEqual(lines(result), [
    'devspace.yaml:6:5: error: Unknown key "valuez" in `deployments[0].helm`: DevSpace v1beta11 configs have no such key',
  ]);
  assert.ok(!result.ok);
  assert.equal(result.error[0]?.hint, 'did you mean "values"?');
});

test('a v1beta11 helm chart from git becomes the v2beta1 inline source, and is refused like one', async () => {
  const yaml =
    'version: v1beta11\ndeployments:\n- name: web\n  helm:\n    chart:\n      git:\n        url: https://example.com/charts.git\n        branch: main\n';
  assert.deepEqual(lines(await load(await project({ 'devspace.yaml': yaml }))), [
    'devspace.yaml:7:14: error: Helm chart of deployment "web" comes from git (https://example.com/charts.git), which is not supported by dsg yet',
  ]);
});

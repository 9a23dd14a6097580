// Loading a v2beta1 config into ProjectConfig: defaults, deployment kinds, locations, warnings.
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import test from 'node:test';
import { lines, load, loaded, project } from './fixtures/config/load-helpers.ts';

const shop = `version: v2beta1
name: shop
images:
  api:
    image: registry.local/shop/api
  web:
    image: registry.local/shop/web
    dockerfile: web/Dockerfile
    context: web
    tags: ["\${DEVSPACE_RANDOM}", stable]
    buildArgs:
      BASE: \${runtime.images.api.image}:\${runtime.images.api.tag}
    target: prod
    rebuildStrategy: ignoreContextChanges
    skipPush: true
  tool:
    image: registry.local/shop/tool
    custom:
      command: ./build.sh
      onChange: [src/**]
deployments:
  api:
    namespace: backend
    kubectl:
      manifests:
        - kube/api.yaml
        - kube/extra/
      patches:
        - target: { kind: Deployment, name: api }
          op: replace
          path: spec.replicas
          value: 3
  web:
    updateImageTags: false
    helm:
      chart:
        name: ./charts/web
      values:
        image: \${runtime.images.web.image}
      valuesFiles: [values.yaml]
  redis:
    helm:
      releaseName: cache
      chart:
        name: redis
        repo: https://charts.example.com
        version: 1.2.3
  oci:
    helm:
      chart:
        name: oci://registry.local/charts/thing
  worker:
    helm:
      values:
        containers:
          - image: registry.local/shop/api
  kustom:
    kubectl:
      kustomize: true
      manifests: [overlays/dev]
  inline:
    kubectl:
      inlineManifest: |
        kind: ConfigMap
dev:
  api:
    imageSelector: registry.local/shop/api
`;

test('a v2beta1 config loads into images with DevSpace defaults', async () => {
  const result = await load(await project({ 'devspace.yaml': shop }));
  const { root } = loaded(result);
  assert.equal(root.name, 'shop');
  assert.equal(root.sourceVersion, 'v2beta1');
  assert.equal(root.file, 'devspace.yaml');
  const [api, web, tool] = root.images;
  assert.deepEqual(api, {
    name: 'api',
    at: { file: 'devspace.yaml', line: 4, col: 3, length: 3 },
    image: 'registry.local/shop/api',
    tags: [],
    dockerfile: './Dockerfile',
    context: './',
    buildArgs: {},
    appendDockerfileInstructions: [],
    rebuildStrategy: 'default',
    skipPush: false,
    builder: { kind: 'docker' },
  });
  assert.equal(web?.dockerfile, 'web/Dockerfile');
  assert.equal(web?.context, 'web');
  assert.equal(web?.tags[0]?.length, 6, 'DEVSPACE_RANDOM is six characters');
  assert.equal(web?.tags[1], 'stable');
  assert.equal(
    web?.buildArgs['BASE'],
    '${runtime.images.api.image}:${runtime.images.api.tag}',
    'runtime references stay as written',
  );
  assert.equal(web?.target, 'prod');
  assert.equal(web?.rebuildStrategy, 'ignoreContextChanges');
  assert.equal(web?.skipPush, true);
  assert.deepEqual(tool?.builder, {
    kind: 'custom',
    command: './build.sh',
    args: [],
    appendArgs: [],
    onChange: ['src/**'],
    skipImageArg: true,
    imageTagOnly: false,
  });
  // `dsg dev` reads the v2beta1 `dev:` section (test/dev-section.test.ts): a selector alone is no warning.
  assert.deepEqual(lines(result), []);
  assert.deepEqual(
    root.dev.map(({ name, imageSelector, logs, ports }) => ({ name, imageSelector, logs, ports })),
    [{ name: 'api', imageSelector: 'registry.local/shop/api', logs: undefined, ports: [] }],
  );
});

test('deployments become kubectl, helm or component deployments', async () => {
  const { root } = loaded(await load(await project({ 'devspace.yaml': shop })));
  const byName = new Map(root.deployments.map((d) => [d.name, d]));
  const api = byName.get('api');
  assert.ok(api?.type === 'kubectl');
  assert.deepEqual(api.manifests, ['kube/api.yaml', 'kube/extra/']);
  assert.equal(api.namespace, 'backend');
  assert.equal(api.updateImageTags, true);
  assert.deepEqual(api.patches, [
    { op: 'replace', path: 'spec.replicas', value: 3, target: { kind: 'Deployment', name: 'api' } },
  ]);
  const web = byName.get('web');
  assert.ok(web?.type === 'helm');
  assert.equal(web.releaseName, 'web');
  assert.deepEqual(web.chart, { name: './charts/web' });
  assert.deepEqual(web.values, { image: '${runtime.images.web.image}' });
  assert.deepEqual(web.valuesFiles, ['values.yaml']);
  assert.equal(web.updateImageTags, false);
  const redis = byName.get('redis');
  assert.ok(redis?.type === 'helm');
  assert.equal(redis.releaseName, 'cache');
  assert.deepEqual(redis.chart, { name: 'redis', version: '1.2.3', repo: 'https://charts.example.com' });
  const oci = byName.get('oci');
  assert.ok(oci?.type === 'helm');
  assert.equal(oci.chart.name, 'oci://registry.local/charts/thing');
  const worker = byName.get('worker');
  assert.ok(worker?.type === 'component');
  assert.deepEqual(worker.values, { containers: [{ image: 'registry.local/shop/api' }] });
  const kustom = byName.get('kustom');
  assert.ok(kustom?.type === 'kubectl' && kustom.kustomize);
  const inline = byName.get('inline');
  assert.ok(inline?.type === 'kubectl');
  assert.equal(inline.inlineManifest, 'kind: ConfigMap\n');
  assert.deepEqual(inline.manifests, []);
});

test('locate maps resolved paths back to the file, falling back to the nearest ancestor', async () => {
  const { root } = loaded(await load(await project({ 'devspace.yaml': shop })));
  assert.deepEqual(root.locate(['deployments', 'api', 'kubectl', 'manifests', 1]), {
    file: 'devspace.yaml',
    line: 27,
    col: 11,
    length: 11,
  });
  assert.deepEqual(root.locate(['images', 'web', 'dockerfile']), {
    file: 'devspace.yaml',
    line: 8,
    col: 17,
    length: 14,
  });
  // `api` has no dockerfile: the default is located at the image.
  assert.deepEqual(root.locate(['images', 'api', 'dockerfile']), {
    file: 'devspace.yaml',
    line: 4,
    col: 3,
    length: 3,
  });
  assert.deepEqual(root.deployments.find((d) => d.name === 'redis')?.at, {
    file: 'devspace.yaml',
    line: 41,
    col: 3,
    length: 5,
  });
});

test('the DevSpace component chart named explicitly is a component deployment', async () => {
  const yaml = `version: v2beta1
name: x
deployments:
  app:
    helm:
      chart:
        name: component-chart
        version: v0.8.0
        repo: https://charts.devspace.sh
      values:
        containers: [{ image: nginx }]
`;
  const result = await load(await project({ 'devspace.yaml': yaml }));
  const { root } = loaded(result);
  assert.equal(root.deployments[0]?.type, 'component');
  assert.deepEqual(lines(result), [
    'devspace.yaml:8:18: warning: `deployments.app.helm.chart.version` is ignored: dsg renders the DevSpace component chart itself',
  ]);
});

test('a project without name is named after its folder, like DevSpace does', async () => {
  const dir = await project({ 'devspace.yaml': 'version: v2beta1\n' });
  const { root } = loaded(await load(dir));
  assert.equal(
    root.name,
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-'),
  );
  assert.deepEqual(root.images, []);
  assert.deepEqual(root.deployments, []);
});

test('build engines dsg does not have are warned about, the image still builds with Docker', async () => {
  const yaml = `version: v2beta1
name: x
images:
  a:
    image: r/a
    buildKit: {}
  b:
    image: r/b
    kaniko:
      cache: true
  c:
    image: r/c
    createPullSecret: true
localRegistry:
  enabled: true
`;
  const result = await load(await project({ 'devspace.yaml': yaml }));
  const { root } = loaded(result);
  assert.deepEqual(
    root.images.map((i) => i.builder.kind),
    ['docker', 'docker', 'docker'],
  );
  assert.deepEqual(lines(result), [
    'devspace.yaml:6:5: warning: `images.a.buildKit` is not supported by dsg yet: dsg builds with the Docker Engine',
    'devspace.yaml:9:5: warning: `images.b.kaniko` is not supported by dsg yet: dsg builds with the Docker Engine',
    'devspace.yaml:13:5: warning: `images.c.createPullSecret` is not supported by dsg yet and is ignored: dsg creates no pull secrets',
    'devspace.yaml:14:1: warning: `localRegistry` is not supported by dsg yet and is ignored',
  ]);
});

test('a deployment needs exactly one of helm and kubectl, and tanka is refused', async () => {
  const yaml = `version: v2beta1
name: x
deployments:
  none:
    namespace: x
  both:
    helm: {}
    kubectl: { manifests: [a.yaml] }
  nofiles:
    kubectl: {}
  tk:
    tanka:
      path: env
`;
  assert.deepEqual(lines(await load(await project({ 'devspace.yaml': yaml }))), [
    'devspace.yaml:4:3: error: Deployment "none" needs `helm` or `kubectl`',
    'devspace.yaml:6:3: error: Deployment "both" has both `helm` and `kubectl`: a deployment uses one of them',
    'devspace.yaml:10:5: error: Deployment "nofiles" needs `kubectl.manifests` or `kubectl.inlineManifest`',
    'devspace.yaml:12:5: error: Deployment "tk" uses `tanka`, which is not supported by dsg yet',
  ]);
});

test('a helm chart from git is refused with a way forward', async () => {
  const yaml =
    'version: v2beta1\nname: x\ndeployments:\n  web:\n    helm:\n      chart:\n        git: https://example.com/charts.git\n';
  const result = await load(await project({ 'devspace.yaml': yaml }));
  assert.deepEqual(lines(result), [
    'devspace.yaml:7:14: error: Helm chart of deployment "web" comes from git (https://example.com/charts.git), which is not supported by dsg yet',
  ]);
});

test('empty values mean "not set", as in DevSpace', async () => {
  const yaml =
    'version: v2beta1\nname: x\nimages:\n  api:\n    image: r/api\n    tags:\n    dockerfile:\ndev:\n';
  const { root } = loaded(await load(await project({ 'devspace.yaml': yaml })));
  assert.deepEqual(root.images[0]?.tags, []);
  assert.equal(root.images[0]?.dockerfile, './Dockerfile');
});

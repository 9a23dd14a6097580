// The compiler's static reading of kustomizations held to the real `kubectl kustomize`: for each case of one
// table, the images dsg says the output names are exactly the `image:` values kubectl prints. Then what cannot be
// read (remote bases, plugins) is named, and render's input list comes from the same reader.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ReadLog } from '../cache/read-log.ts';
import { scanKustomization } from '../engine/graph/kustomize-images.ts';
import { kustomizationFiles } from '../tasks/render/kustomize.ts';
import { tempDir } from './helpers/cli.ts';

interface Case {
  name: string;
  files: Record<string, string>;
  /** The DevSpace entry: a folder or its kustomization file. */
  entry: string;
}

const deployment = (name: string, images: string[], extra = ''): string =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${name}}`,
    'spec:',
    '  selector: {matchLabels: {app: x}}',
    '  template:',
    '    metadata: {labels: {app: x}}',
    '    spec:',
    '      containers:',
    ...images.map((image, i) => `      - {name: c${i}, image: "${image}"}`),
    extra,
  ].join('\n');

const digest = `sha256:${'a'.repeat(64)}`;

const cases: Case[] = [
  {
    name: 'a file resource, images renamed, retagged and pinned in list order',
    entry: 'kube',
    files: {
      'kube/kustomization.yaml': [
        'resources: [deploy.yaml]',
        'images:',
        '- {name: app, newName: reg.local/team/api}',
        '- {name: reg.local/team/api, newTag: "9"}',
        '- {name: reg.local/team/web, newName: other/web}',
        `- {name: reg.local/team/db, digest: "${digest}"}`,
        '- {name: nginx, newTag: "2"}',
      ].join('\n'),
      'kube/deploy.yaml': deployment('d', [
        'app',
        'reg.local/team/web',
        'reg.local/team/db:1',
        'docker.io/library/nginx',
        'reg.local/team/worker',
      ]),
    },
  },
  {
    name: 'an overlay over a base folder, the base renaming, the overlay renaming again',
    entry: 'overlay/kustomization.yaml',
    files: {
      'base/kustomization.yaml':
        'resources: [deploy.yaml]\nimages:\n- {name: app, newName: reg.local/team/api}\n',
      'base/deploy.yaml': deployment('d', ['app', 'reg.local/team/web']),
      'overlay/kustomization.yaml':
        'resources: [../base, extra.yaml]\nimages:\n- {name: reg.local/team/web, newName: reg.local/team/web2}\n',
      'overlay/extra.yaml': deployment('e', ['reg.local/team/web:3']),
    },
  },
  {
    name: 'a component acts on what came before it, own patches come after it and before own images',
    entry: 'app',
    files: {
      'app/kustomization.yaml': [
        'resources: [deploy.yaml]',
        'components: [../comp]',
        'patches:',
        '- target: {kind: Deployment}',
        '  patch: |-',
        '    - op: add',
        '      path: /spec/template/spec/containers/-',
        '      value: {name: added, image: patched}',
        '- path: sidecar.yaml',
        'images:',
        '- {name: patched, newName: reg.local/team/own}',
      ].join('\n'),
      'app/deploy.yaml': deployment('d', ['app']),
      'app/sidecar.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: d}',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '      - {name: sidecar, image: reg.local/team/side}',
      ].join('\n'),
      'comp/kustomization.yaml': [
        'apiVersion: kustomize.config.k8s.io/v1alpha1',
        'kind: Component',
        'images:',
        '- {name: app, newName: reg.local/team/fromcomp}',
        '- {name: patched, newName: reg.local/team/never}',
      ].join('\n'),
    },
  },
  {
    name: 'images applies to containers only: a custom resource’s own image field is left alone',
    entry: 'kube',
    files: {
      'kube/kustomization.yaml':
        'resources: [thing.yaml]\nimages:\n- {name: reg.local/team/api, newName: other/api}\n',
      'kube/thing.yaml': [
        'apiVersion: example.com/v1',
        'kind: Thing',
        'metadata: {name: t}',
        'spec:',
        '  image: reg.local/team/api',
        '  ephemeralContainers: [{name: e, image: reg.local/team/api}]',
        '  nested:',
        '    initContainers: [{name: i, image: reg.local/team/api}]',
      ].join('\n'),
    },
  },
];

/** Every `image:` value of kubectl's output, anywhere. */
function kubectlImages(dir: string, entry: string): string[] {
  const out = execFileSync('kubectl', ['kustomize', entry.replace(/\/kustomization\.yaml$/, '')], {
    cwd: dir,
    encoding: 'utf8',
  });
  const images: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        if (k === 'image' && typeof v === 'string') images.push(v);
        else walk(v);
      }
  };
  for (const doc of parseAllDocuments(out)) walk(doc.toJS());
  return images;
}

async function writeTree(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('dsg-kustomize-');
  for (const [file, content] of Object.entries(files)) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), content);
  }
  return dir;
}

for (const c of cases) {
  test(`kustomize images as kubectl builds them: ${c.name}`, async () => {
    const dir = await writeTree(c.files);
    const expected = [...new Set(kubectlImages(dir, c.entry))].sort();
    const reads = new ReadLog();
    const scan = await scanKustomization(dir, c.entry, reads);
    assert.deepEqual(scan.unreadable, []);
    assert.deepEqual([...new Set(scan.images.map((i) => i.value))].sort(), expected);
    // Every file read went through the read log.
    for (const file of Object.keys(c.files)) assert.ok(reads.paths.has(join(dir, file)), file);
  });
}

test('what kustomize cannot be read without running is named: remote bases, plugins, image replacements, missing paths', async () => {
  const dir = await writeTree({
    'kube/kustomization.yaml': [
      'resources:',
      '- https://github.com/example/app//deploy?ref=v1',
      '- github.com/example/other/base',
      '- missing.yaml',
      '- deploy.yaml',
      'generators: [gen.yaml]',
      'helmCharts: [{name: redis}]',
      'replacements:',
      '- source: {kind: ConfigMap, name: c, fieldPath: data.image}',
      '  targets: [{select: {kind: Deployment}, fieldPaths: [spec.template.spec.containers.0.image]}]',
    ].join('\n'),
    'kube/deploy.yaml': deployment('d', ['reg.local/team/api']),
  });
  const scan = await scanKustomization(dir, 'kube', new ReadLog());
  assert.deepEqual(scan.unreadable, [
    'remote base "https://github.com/example/app//deploy?ref=v1" (resource in "kube/kustomization.yaml")',
    'remote base "github.com/example/other/base" (resource in "kube/kustomization.yaml")',
    '"missing.yaml" not found (resource in "kube/kustomization.yaml")',
    '"generators" in "kube/kustomization.yaml" run plugins',
    '"helmCharts" in "kube/kustomization.yaml" run plugins',
    '"replacements" in "kube/kustomization.yaml" may write image fields',
  ]);
  assert.deepEqual(
    scan.images.map((i) => i.value),
    ['reg.local/team/api'],
  );
});

test("render's input files come from the same reader: every folder followed, resource and patch files listed", async () => {
  const dir = await writeTree({
    ...(cases[2]?.files ?? {}),
    'unrelated/other.yaml': 'kind: ConfigMap\n',
  });
  const reads: string[] = [];
  const files = await kustomizationFiles(dir, 'app', (p) => reads.push(p));
  assert.deepEqual(files, [
    'app/deploy.yaml',
    'app/kustomization.yaml',
    'app/sidecar.yaml',
    'comp/kustomization.yaml',
  ]);
  assert.ok(reads.includes(join(dir, 'comp')));
});

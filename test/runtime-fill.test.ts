// Never a wrong image in silence: a build's references to its own image, DevSpace 5's `image(NAME)` /
// `tag(NAME)` helpers, references render cannot see until it runs, and the last check that refuses any
// `${runtime...}` left in a rendered object — each through the real CLI, rendering with custom builds.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { runDsg, tempDir } from './helpers/cli.ts';
import { toolEnv } from './fixtures/render/tasks.ts';

async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('dsg-fill-');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** An image built by a custom command that records what it was given, in `out/<name>.txt`. */
function customImage(name: string, command = `echo "$DSG_IMAGE_REF" > out/${name}.txt`): string {
  return [
    `  ${name}:`,
    `    image: 127.0.0.1:5000/fill/${name}`,
    '    custom:',
    `      command: mkdir -p out && ${command}`,
    '      onChange: [src/**]',
  ].join('\n');
}

async function builtTag(dir: string, name: string): Promise<string> {
  const ref = (await readFile(join(dir, 'out', `${name}.txt`), 'utf8')).trim();
  return ref.slice(ref.lastIndexOf(':') + 1);
}

test('a custom command, its args and appendArgs see the image being built; the key holds', async () => {
  const dir = await project({
    'src/a.txt': 'a\n',
    'record.sh': 'echo "$*" > out/args.txt\n',
    'devspace.yaml': [
      'version: v2beta1',
      'name: fill',
      'images:',
      '  self:',
      '    image: 127.0.0.1:5000/fill/self',
      '    custom:',
      // DevSpace's custom-builder example writes exactly this in its command.
      '      command: |-',
      '        # a comment line, as in the example',
      '        mkdir -p out && echo ${runtime.images.self.image}:${runtime.images.self.tag} "$DSG_IMAGE_REF" > out/self.txt && sh record.sh',
      '      args: ["${runtime.images.self.tag}"]',
      '      appendArgs: ["${runtime.images.self}"]',
      '      onChange: [src/**]',
      '',
    ].join('\n'),
  });
  const first = await runDsg(['run', 'build'], { cwd: dir, env: await toolEnv() });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  const [filled, expected] = (await readFile(join(dir, 'out/self.txt'), 'utf8')).trim().split(' ');
  assert.match(expected ?? '', /^127\.0\.0\.1:5000\/fill\/self:[0-9a-f]{12}$/);
  assert.equal(filled, expected, 'the command saw the image and tag it is built with');
  const tag = (expected ?? '').slice((expected ?? '').lastIndexOf(':') + 1);
  assert.equal((await readFile(join(dir, 'out/args.txt'), 'utf8')).trim(), `${tag} ${expected ?? ''}`);
  // The same inputs give the same key, so the same tag and no rebuild.
  const second = await runDsg(['run', 'build', '--json'], { cwd: dir, env: await toolEnv() });
  assert.equal(second.code, 0, second.stderr);
  assert.doesNotMatch(second.stdout, /"status":"ran"/);
});

test('a build arg naming the image being built is filled in with its tag', async () => {
  const dir = await project({
    'devspace.yaml': `version: v2beta1\nname: fill\nimages:\n${customImage('a', 'echo "$DSG_IMAGE_REF" > out/a.txt')}\n    buildArgs:\n      SELF: \${runtime.images.a.tag}\n`,
    'src/x': 'x\n',
  });
  const r = await runDsg(['run', 'build'], { cwd: dir, env: await toolEnv() });
  assert.equal(r.code, 0, r.stderr);
  assert.ok((await builtTag(dir, 'a')).length > 0);
});

test('legacy image(NAME) and tag(NAME) are read as references: edges, filled in values and image fields, warned with the modern form', async () => {
  const dir = await project({
    'src/x': 'x\n',
    'devspace.yaml': [
      'version: v1beta11',
      'images:',
      '  api:',
      '    image: 127.0.0.1:5000/fill/api',
      '    build:',
      '      custom:',
      '        command: mkdir -p out && echo "$DSG_IMAGE_REF" > out/api.txt',
      '        onChange: [src/**]',
      '  web:',
      '    image: 127.0.0.1:5000/fill/web',
      '    build:',
      '      custom:',
      '        command: mkdir -p out && echo "$DSG_IMAGE_REF" > out/web.txt',
      '        onChange: [src/**]',
      'deployments:',
      '- name: jobs',
      '  helm:',
      '    componentChart: true',
      '    values:',
      '      containers:',
      '      - image: image(api):tag(api)',
      '        env:',
      '        - name: WEB_TAG',
      "          value: tag('127.0.0.1:5000/fill/web')",
      '        - name: NOT_AN_IMAGE',
      '          value: image(nothing)',
      '- name: kube',
      '  kubectl:',
      '    manifests: [kube.yaml]',
      '',
    ].join('\n'),
    'kube.yaml': [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: kube}',
      'spec:',
      '  containers:',
      '  - name: c',
      '    image: image(web):tag(web)',
      '    args: ["image(web)"]',
      '',
    ].join('\n'),
  });
  const graph = await runDsg(['graph', '--format', 'json'], { cwd: dir });
  assert.equal(graph.code, 0, graph.stderr);
  const edges = (JSON.parse(graph.stdout) as { edges: { from: string; to: string; implicit: boolean }[] })
    .edges;
  const into = (to: string): string[] =>
    edges
      .filter((e) => e.to === to && !e.implicit)
      .map((e) => e.from)
      .sort();
  assert.deepEqual(into('render:jobs'), ['tag:api', 'tag:web']);
  assert.deepEqual(into('render:kube'), ['tag:web']);
  assert.match(
    graph.stderr,
    /devspace\.yaml:21:16: warning: Legacy helper "image\(api\)" in component values is read as \$\{runtime\.images\.api\.image\}/,
  );
  assert.match(graph.stderr, /hint: write \$\{runtime\.images\.api\.tag\} instead/);
  assert.match(graph.stderr, /kube\.yaml:7:1: warning: Legacy helper "image\(web\)" in kube\.yaml/);
  assert.doesNotMatch(graph.stderr, /image\(nothing\)/, 'a helper naming no image is left alone');

  const r = await runDsg(['run', 'render'], { cwd: dir, env: await toolEnv() });
  assert.equal(r.code, 0, r.stderr);
  const api = await builtTag(dir, 'api');
  const web = await builtTag(dir, 'web');
  const jobs = await readFile(join(dir, '.dsg/rendered/jobs.yaml'), 'utf8');
  assert.match(jobs, new RegExp(`image: 127\\.0\\.0\\.1:5000/fill/api:${api}\\n`));
  assert.match(jobs, new RegExp(`value: ${web}\\n`));
  assert.match(jobs, /value: image\(nothing\)/);
  const kube = await readFile(join(dir, '.dsg/rendered/kube.yaml'), 'utf8');
  assert.match(kube, new RegExp(`image: 127\\.0\\.0\\.1:5000/fill/web:${web}\\n`));
  assert.match(
    kube,
    /- image\(web\)/,
    'outside image fields of manifests a helper is no reference (as DevSpace)',
  );
});

test('a reference in a kustomization is filled in at render from the images the deployment was given', async () => {
  const dir = await project({
    'src/x': 'x\n',
    'devspace.yaml': `version: v2beta1\nname: fill\nimages:\n${customImage('api')}\ndeployments:\n  kust:\n    kubectl:\n      kustomize: true\n      manifests: [kust]\n`,
    'kust/kustomization.yaml': 'resources: [cm.yaml]\n',
    'kust/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kust}\ndata:\n  image: ${runtime.images.api.image}:${runtime.images.api.tag}\n',
  });
  const r = await runDsg(['run', 'render'], { cwd: dir, env: await toolEnv() });
  assert.equal(r.code, 0, r.stderr);
  const tag = await builtTag(dir, 'api');
  assert.match(
    await readFile(join(dir, '.dsg/rendered/kust.yaml'), 'utf8'),
    new RegExp(`image: 127\\.0\\.0\\.1:5000/fill/api:${tag}\\n`),
  );
});

test("render refuses an object that still holds a runtime reference (a chart's template), located, nothing rendered", async () => {
  const dir = await project({
    'src/x': 'x\n',
    'devspace.yaml': `version: v2beta1\nname: fill\nimages:\n${customImage('api')}\ndeployments:\n  chart:\n    helm:\n      chart:\n        name: ./chart\n      values:\n        image: 127.0.0.1:5000/fill/api\n`,
    'chart/Chart.yaml': 'apiVersion: v2\nname: fill\nversion: 0.1.0\n',
    'chart/templates/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  image: {{ .Values.image }}\n  other: "${runtime.images.api.tag}"\n',
  });
  const r = await runDsg(['run', 'render'], { cwd: dir, env: await toolEnv() });
  assert.equal(r.code, 1, r.stdout);
  assert.match(
    r.stderr,
    /devspace\.yaml:\d+:\d+: error: Cannot render deployment "chart": configmap\/cm still holds "\$\{runtime\.images\.api\.tag\}" at data\.other/,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  await assert.rejects(readFile(join(dir, '.dsg/rendered/chart.yaml'), 'utf8'));
});

test('component values dsg does not render are each named in a located warning', async () => {
  const dir = await project({
    'devspace.yaml': [
      'version: v2beta1',
      'name: fill',
      'deployments:',
      '  app:',
      '    helm:',
      '      values:',
      '        serviceAccount:',
      '          create: true',
      '        containers:',
      '          - image: nginx:1',
      '            imagePullPolicy: Always',
      '        replicas: 2',
      '',
    ].join('\n'),
  });
  const r = await runDsg(['graph'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /devspace\.yaml:7:9: warning: `deployments\.app\.helm\.values\.serviceAccount` is not rendered by dsg and is ignored/,
  );
  assert.match(
    r.stderr,
    /devspace\.yaml:11:\d+: warning: `deployments\.app\.helm\.values\.containers\[0\]\.imagePullPolicy` is not rendered/,
  );
  assert.doesNotMatch(r.stderr, /replicas/);
});

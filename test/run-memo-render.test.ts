// The run memo against what render and deploy say they read: once a no-op run is served by the memo
// (`run memo: hit`), one change on disk makes exactly the affected task run again. A manifest appearing
// under a glob or in a folder, an edit that keeps the size, a kustomization's new file, a chart's new
// template, another helm on PATH, a deleted rendered file and a kubeconfig naming another cluster must all
// be noticed.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, relative } from 'node:path';
import process from 'node:process';
import test from 'node:test';
import { bindKind } from '../core/task-kind.ts';
import { deployKind } from '../tasks/deploy/kind.ts';
import { renderKind } from '../tasks/render/kind.ts';
import { globFolders } from '../tasks/render/folders.ts';
import { webChart } from './fixtures/render/chart.ts';
import {
  componentDeployment,
  deployNode,
  helmDeployment,
  inputsContext,
  makeProject,
  renderNode,
  settings,
  taskContext,
  toolEnv,
} from './fixtures/render/tasks.ts';
import { runDsg, tempDir, type DsgResult } from './helpers/cli.ts';
import { jsonEvents } from './helpers/custom-project.ts';
import { repoRoot } from './helpers/paths.ts';
import { startKubeServer } from './kube-server/index.ts';

type Pipeline = 'render' | 'deploy';

const configMap = (name: string, greeting = 'hello'): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  greeting: ${greeting}\n`;

/** Six render tasks, one of each way a deployment names its files. */
const renderConfig = `version: v2beta1
name: memo
deployments:
  globbed:
    kubectl:
      manifests:
        - k8s/**/*.yaml
  folder:
    kubectl:
      manifests:
        - kube/
  single:
    kubectl:
      manifests:
        - single/cm.yaml
  kust:
    kubectl:
      kustomize: true
      manifests:
        - overlay/
  chart:
    helm:
      chart:
        name: ./chart
  comp:
    helm:
      values:
        containers:
          - image: busybox
`;

const renderFiles: Record<string, string> = {
  'devspace.yaml': renderConfig,
  'k8s/apps/web/cm.yaml': configMap('globbed-web'),
  'k8s/top.yaml': configMap('globbed-top'),
  'kube/a.yaml': configMap('folder-a'),
  'single/cm.yaml': configMap('single', 'hello'),
  'overlay/kustomization.yaml': 'resources:\n  - ../base\n',
  'base/kustomization.yaml': 'resources:\n  - cm.yaml\n',
  'base/cm.yaml': configMap('kust-base'),
  'base/extra/README.md': 'Extra resources.\n',
  ...webChart('chart'),
};

/** A kubeconfig for a test API server whose cluster, user and context are all called `name`. */
const kubeconfigOf = (server: string, name: string): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{ name: ${name}, cluster: { server: "${server}" } }]`,
    `users: [{ name: ${name}, user: {} }]`,
    `contexts: [{ name: ${name}, context: { cluster: ${name}, user: ${name}, namespace: default } }]`,
    `current-context: ${name}`,
    '',
  ].join('\n');

/** Writes `files` under `dir`, creating folders. */
async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/**
 * Moves every file and folder under `path` 10 s into the past: the memo trusts no stamp younger than its run.
 * Setting times moves ctimes to now; where ctimes are whole seconds (Deno) the memo needs them 3 s old, so wait.
 */
async function settle(path: string): Promise<void> {
  await backdate(path, new Date(Date.now() - 10_000));
  const { ctimeMs } = await stat(path);
  if (ctimeMs % 1000 === 0) await new Promise((r) => setTimeout(r, ctimeMs + 3100 - Date.now()));
}

async function backdate(path: string, past: Date): Promise<void> {
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await backdate(child, past);
    else await utimes(child, past, past);
  }
  await utimes(path, past, past);
}

/** A project made of `files`, settled, and the environment its runs get (tools on PATH, a private HOME). */
async function project(files: Record<string, string>): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await tempDir('dsg-memo-');
  await writeFiles(dir, files);
  await settle(dir);
  const home = await tempDir('dsg-memo-home-');
  return {
    dir,
    env: {
      HOME: home,
      KUBECONFIG: join(home, 'no-kubeconfig'),
      PATH: [join(repoRoot, '.tools/bin'), process.env['PATH'] ?? ''].join(delimiter),
      DSG_DEBUG_RUN_MEMO: '1',
    },
  };
}

/** One `dsg run <pipeline> --json`, which must succeed. */
async function dsg(dir: string, pipeline: Pipeline, env: Record<string, string>): Promise<DsgResult> {
  const result = await runDsg(['run', pipeline, '--json'], { cwd: dir, env });
  assert.equal(result.code, 0, `dsg run ${pipeline} failed:\n${result.stderr}${result.stdout.slice(-2000)}`);
  return result;
}

/** task id → `status reason` of every task that ended. */
function outcomes(result: DsgResult): Map<string, string> {
  const ends = jsonEvents(result.stdout).filter((e) => e.type === 'task-end');
  return new Map(ends.map((e) => [e.id ?? '', `${e.status ?? ''} ${e.reason?.type ?? ''}`]));
}

/**
 * Brings the memo of the last run's state into use: settles the files the last run wrote, runs once to store
 * the memo, then once more, which must be served by it with every task cached.
 */
async function warm(dir: string, pipeline: Pipeline, env: Record<string, string>): Promise<void> {
  await settle(dir);
  const storing = await dsg(dir, pipeline, env);
  assert.match(storing.stderr, /run memo: stored/, `the memo was not stored:\n${storing.stderr}`);
  const hit = await dsg(dir, pipeline, env);
  assert.match(hit.stderr, /run memo: hit/, `the unchanged run did not use the memo:\n${hit.stderr}`);
  for (const [id, outcome] of outcomes(hit)) assert.equal(outcome, 'cached cached', id);
}

/**
 * Runs after a change: the memo must miss (a change the config stamps see) or name exactly one task to decide
 * again, `task` must run for `reason`, every other task stays cached.
 */
async function expectOnly(
  dir: string,
  pipeline: Pipeline,
  env: Record<string, string>,
  task: string,
  reason: string,
): Promise<void> {
  const result = await dsg(dir, pipeline, env);
  assert.match(
    result.stderr,
    /run memo: (miss|partial \(1 of \d+ tasks to decide)/,
    `the change went unnoticed:\n${result.stderr}`,
  );
  const seen = outcomes(result);
  assert.equal(seen.get(task), `ran ${reason}`, `${task}: ${result.stdout.slice(-2000)}`);
  for (const [id, outcome] of seen) if (id !== task) assert.equal(outcome, 'cached cached', id);
}

/** The rendered objects file of render task `name`. */
function rendered(dir: string, name: string): Promise<string> {
  return readFile(join(dir, '.dsg/rendered', `${name}.yaml`), 'utf8');
}

/** A project with every render deployment, rendered once and warmed up. */
async function warmRenderProject(): Promise<{ dir: string; env: Record<string, string> }> {
  const p = await project(renderFiles);
  const first = await dsg(p.dir, 'render', p.env);
  assert.equal(outcomes(first).size, 6, first.stdout);
  await warm(p.dir, 'render', p.env);
  return p;
}

test('a glob walks every folder under its base as deep as it reaches; .dsg and .git only when named', async () => {
  const dir = await tempDir('dsg-memo-folders-');
  for (const folder of ['k8s/a/b', 'k8s/.git/objects', 'k8s/.dsg', 'k8s/.hidden', 'other']) {
    await mkdir(join(dir, folder), { recursive: true });
  }
  const under = async (pattern: string): Promise<string[]> =>
    (await globFolders(dir, pattern)).map((f) => relative(dir, f) || '.').sort();
  assert.deepEqual(await under('k8s/**/*.yaml'), ['k8s', 'k8s/.hidden', 'k8s/a', 'k8s/a/b']);
  assert.deepEqual(await under('k8s/*.yaml'), ['k8s']);
  assert.deepEqual(await under('k8s/*/x.yaml'), ['k8s', 'k8s/.hidden', 'k8s/a']);
  assert.deepEqual(await under('k8s/{a,a/b}/*.yaml'), ['k8s', 'k8s/.hidden', 'k8s/a', 'k8s/a/b']);
  assert.deepEqual(await under('k8s/.git/**/*.yaml'), ['k8s/.git', 'k8s/.git/objects']);
  assert.deepEqual(await under('k8s/.*/*.yaml'), ['k8s', 'k8s/.dsg', 'k8s/.git', 'k8s/.hidden', 'k8s/a']);
  assert.deepEqual(await under('missing/**/*.yaml'), ['missing'], 'an absent base is stamped too');
});

test('inputs name the chart folders, kubeconfig files and tool binaries they read; proofs the rendered files', async () => {
  const dir = await makeProject(webChart());
  const env = await toolEnv();
  const kubeconfigs = [join(env['HOME'] ?? '', 'first'), join(env['HOME'] ?? '', 'second')];
  const kubeEnv = { ...env, KUBECONFIG: kubeconfigs.join(delimiter) };
  const runSettings = settings(join(dir, '.dsg'));
  const helm = helmDeployment({ name: 'web', chart: { name: './charts/web' } });
  const helmBinary = join(repoRoot, '.tools/bin/helm');

  const render = renderNode(dir, helm);
  const inputs = await renderKind.inputs(render, inputsContext(render, kubeEnv, runSettings));
  assert.ok(inputs.ok, JSON.stringify(inputs));
  const reads = inputs.value.reads ?? [];
  for (const path of [join(dir, 'charts/web'), join(dir, 'charts/web/templates'), helmBinary, ...kubeconfigs])
    assert.ok(reads.includes(path), `${path} in ${reads.join(', ')}`);

  // Deploy needs a kubeconfig; the absent first file is a read all the same.
  await writeFile(kubeconfigs[1] ?? '', kubeconfigOf('http://127.0.0.1:1', 'second'));
  const deploy = deployNode(dir, helm);
  const deployed = await deployKind.inputs(deploy, inputsContext(deploy, kubeEnv, runSettings));
  assert.ok(deployed.ok, JSON.stringify(deployed));
  assert.deepEqual(deployed.value.reads, [...kubeconfigs, helmBinary]);
  assert.ok(!('proof' in deployKind), 'only the cluster can tell');

  const component = renderNode(dir, componentDeployment('jobs', { containers: [{ image: 'busybox' }] }));
  const none = await renderKind.inputs(component, inputsContext(component, env, runSettings));
  assert.ok(none.ok);
  assert.deepEqual(none.value.reads, []);

  const data = { file: 'rendered/web.yaml', valuesFile: 'rendered/web.values.yaml', objects: [] };
  assert.deepEqual(renderKind.proof?.(render, { digest: 'd', data }, runSettings), [
    join(dir, '.dsg/rendered/web.yaml'),
    join(dir, '.dsg/rendered/web.values.yaml'),
  ]);
  // A record of another shape proves nothing: the engine asks `status`, which says it is missing.
  const bound = bindKind(renderKind)(render);
  assert.equal(bound.proof({ digest: 'd', data: {} }, runSettings), undefined);
  assert.equal(
    (await bound.status({ digest: 'd', data: {} }, taskContext(render, env, runSettings))).present,
    false,
  );
});

test('a manifest that appears under a glob, in a nested folder or a new one, renders again', async () => {
  const { dir, env } = await warmRenderProject();
  await writeFiles(dir, { 'k8s/apps/web/more.yaml': configMap('globbed-more') });
  await expectOnly(dir, 'render', env, 'render:globbed', 'input-changed');
  assert.match(await rendered(dir, 'globbed'), /name: globbed-more/);

  await warm(dir, 'render', env);
  await writeFiles(dir, { 'k8s/new/deeper/cm.yaml': configMap('globbed-new') });
  await expectOnly(dir, 'render', env, 'render:globbed', 'input-changed');
  assert.match(await rendered(dir, 'globbed'), /name: globbed-new/);
});

test('a new file in a manifest folder, and a manifest edited to the same size, render again', async () => {
  const { dir, env } = await warmRenderProject();
  await writeFiles(dir, { 'kube/b.yaml': configMap('folder-b') });
  await expectOnly(dir, 'render', env, 'render:folder', 'input-changed');
  assert.match(await rendered(dir, 'folder'), /name: folder-b/);

  await warm(dir, 'render', env);
  const manifest = join(dir, 'single/cm.yaml');
  const before = await readFile(manifest, 'utf8');
  const after = configMap('single', 'howdy');
  assert.equal(after.length, before.length, 'the edit keeps the size');
  await writeFile(manifest, after);
  const now = new Date();
  await utimes(manifest, now, now);
  await expectOnly(dir, 'render', env, 'render:single', 'input-changed');
  assert.match(await rendered(dir, 'single'), /greeting: howdy/);
});

test('a file added deep in a kustomization, then listed as a resource, renders again each time', async () => {
  const { dir, env } = await warmRenderProject();
  // Every file under the folder is an input, listed or not: kubectl may read it through a generator.
  await writeFiles(dir, { 'base/extra/cm.yaml': configMap('kust-extra') });
  await expectOnly(dir, 'render', env, 'render:kust', 'input-changed');
  assert.doesNotMatch(await rendered(dir, 'kust'), /kust-extra/);

  await warm(dir, 'render', env);
  await writeFiles(dir, { 'base/kustomization.yaml': 'resources:\n  - cm.yaml\n  - extra/cm.yaml\n' });
  await expectOnly(dir, 'render', env, 'render:kust', 'input-changed');
  assert.match(await rendered(dir, 'kust'), /name: kust-extra/);
});

test('a chart template added in a new subfolder renders again', async () => {
  const { dir, env } = await warmRenderProject();
  await writeFiles(dir, { 'chart/templates/extra/cm.yaml': configMap('{{ .Release.Name }}-extra') });
  await expectOnly(dir, 'render', env, 'render:chart', 'input-changed');
  assert.match(await rendered(dir, 'chart'), /name: chart-extra/);
});

test('a helm binary that appears earlier on PATH, with another version, renders the chart again', async () => {
  const { dir, env } = await warmRenderProject();
  // The first PATH folder had no helm when the memo was stored; now it has one that reports another version.
  const bin = join(env['HOME'] ?? '', 'bin');
  const pathEnv = { ...env, PATH: [bin, env['PATH'] ?? ''].join(delimiter) };
  await mkdir(bin);
  await dsg(dir, 'render', pathEnv);
  await warm(dir, 'render', pathEnv);
  const real = join(repoRoot, '.tools/bin/helm');
  const script = `#!/bin/sh\nif [ "$1" = version ]; then echo v3.99.0; exit 0; fi\nexec "${real}" "$@"\n`;
  await writeFile(join(bin, 'helm'), script, { mode: 0o755 });
  await expectOnly(dir, 'render', pathEnv, 'render:chart', 'input-changed');
});

test('a rendered file deleted under .dsg/rendered/ renders again', async () => {
  const { dir, env } = await warmRenderProject();
  const before = await rendered(dir, 'single');
  await rm(join(dir, '.dsg/rendered/single.yaml'));
  await expectOnly(dir, 'render', env, 'render:single', 'artifact-missing');
  assert.equal(await rendered(dir, 'single'), before);
});

test('a kubeconfig that appears in KUBECONFIG, naming another cluster, deploys again to it', async () => {
  const [a, b] = [await startKubeServer({ readyDelayMs: 20 }), await startKubeServer({ readyDelayMs: 20 })];
  try {
    const config =
      'version: v2beta1\nname: memo\ndeployments:\n  app:\n    kubectl:\n      manifests:\n        - app/\n';
    const { dir, env } = await project({ 'devspace.yaml': config, 'app/cm.yaml': configMap('app') });
    // The first file of the list does not exist yet: the second names the cluster.
    const [first, second] = [join(dir, 'kube-first.yaml'), join(dir, 'kube-second.yaml')];
    await writeFile(second, kubeconfigOf(a.url, 'cluster-a'));
    const kubeEnv = { ...env, KUBECONFIG: [first, second].join(delimiter) };
    await dsg(dir, 'deploy', kubeEnv);
    assert.ok(a.getObject('v1', 'ConfigMap', 'default', 'app'), 'deployed to the first cluster');
    await warm(dir, 'deploy', kubeEnv);

    await writeFile(first, kubeconfigOf(b.url, 'cluster-b'));
    await expectOnly(dir, 'deploy', kubeEnv, 'deploy:app', 'input-changed');
    assert.ok(b.getObject('v1', 'ConfigMap', 'default', 'app'), 'deployed to the cluster the new file names');
  } finally {
    await a.close();
    await b.close();
  }
});

// The CLI bundle keeps start-up cheap only while its chunks stay split the right way: `dsg --version` loads
// the entry alone, `dsg graph` loads neither the yaml package nor graphlib nor glob matching (each is loaded
// on demand), and the heavy run-time packages stay outside the bundle.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Metafile } from 'esbuild';
import { EXTERNAL, bundleCli } from '../scripts/bundle.ts';
import { runDsg, tempDir } from './helpers/cli.ts';

type Output = Metafile['outputs'][string];

/** Outputs a start loads before running any code: the file and its static imports, transitively. */
function staticClosure(meta: Metafile, start: string): Output[] {
  const seen = new Set<string>();
  const out: Output[] = [];
  const visit = (path: string): void => {
    const output = meta.outputs[path];
    if (!output || seen.has(path)) return;
    seen.add(path);
    out.push(output);
    for (const i of output.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(start);
  return out;
}

const inputsOf = (outputs: Output[]): string[] => outputs.flatMap((o) => Object.keys(o.inputs));

let built: Promise<Metafile> | undefined;
/** One bundle for every test of this file. */
function bundle(): Promise<Metafile> {
  built ??= tempDir().then((dir) => bundleCli(join(dir, 'cli')));
  return built;
}

test('dsg --version loads the entry and the flag parser, nothing of config, graph, tasks or packages', async () => {
  const meta = await bundle();
  const entry = Object.keys(meta.outputs).find((p) => meta.outputs[p]?.entryPoint === 'bin/dsg.ts');
  assert.ok(entry, 'no output for bin/dsg.ts');
  const closure = staticClosure(meta, entry);
  const inputs = inputsOf(closure);
  assert.ok(inputs.includes('engine/cli/main.ts'));
  const heavy = inputs.filter((i) =>
    /^(node_modules|schemas|tasks|cache|engine\/(config|graph|run))\//.test(i),
  );
  assert.deepEqual(heavy, []);
  const bytes = closure.reduce((n, o) => n + o.bytes, 0);
  assert.ok(bytes < 40_000, `dsg --version loads ${bytes} bytes`);
});

test('dsg graph checks its output cache first, and loads config, schema and graph code only on a miss', async () => {
  const meta = await bundle();
  const graph = Object.keys(meta.outputs).find(
    (p) => 'engine/cli/commands/graph.ts' in (meta.outputs[p]?.inputs ?? {}),
  );
  assert.ok(graph, 'no chunk holds the graph command');
  const closure = staticClosure(meta, graph);
  const upFront = inputsOf(closure);
  const heavy = ['engine/config/load.ts', 'engine/graph/compile.ts', 'schemas/devspace-v2beta1.validate.ts'];
  for (const h of heavy) assert.ok(!upFront.includes(h), `${h} loads before the graph cache is checked`);
  const onDemand = closure.flatMap((o) =>
    o.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => i.path),
  );
  const onMiss = inputsOf(onDemand.flatMap((p) => staticClosure(meta, p)));
  for (const h of heavy) assert.ok(onMiss.includes(h), `${h} is not loaded by dsg graph`);
  // The graph cache is a memo of the cache layer (memo, its file, stamps, the read log); storing after a miss
  // needs the atomic writer. Nothing else of the cache or run layers loads before the cache is checked.
  const cacheCheck = [
    'cache/atomic.ts',
    'cache/types.ts',
    'cache/memo.ts',
    'cache/memo-file.ts',
    'cache/stamp.ts',
  ];
  const layered = (i: string): boolean =>
    /^(node_modules\/(yaml|@dagrejs|tinyglobby|picomatch|fdir|lru-cache)|tasks|cache|engine\/run)\//.test(
      i,
    ) &&
    !cacheCheck.includes(i) &&
    i !== 'cache/read-log.ts';
  assert.deepEqual(upFront.filter(layered), []);
  // On a miss the compiler reads files with the readers it shares with the task kinds (one owner each: the
  // manifest list, FROM lines, kustomizations, local charts, the component fields render knows), checks out
  // git dependencies under the git cache's lock and names the variables builds and hooks read. Nothing else.
  const sharedReaders = [
    'tasks/render/manifest-files.ts',
    'tasks/render/component-fields.ts',
    'tasks/render/kustomization.ts',
    'tasks/docker/dockerfile-from.ts',
    'tasks/helm/chart.ts',
    'tasks/helm/chart-files.ts',
    'cache/git-checkout.ts',
    'cache/lock.ts',
    'cache/lock-holder.ts',
    'cache/state-fault.ts',
    // The variables a custom build's or hook's shell line names are keyed (engine/graph/declared-env.ts), and
    // the kubectl applyArgs dsg ignores are warned about while loading.
    'tasks/build/custom.ts',
    'tasks/build/image-tags.ts',
    'tasks/build/own-image.ts',
    'engine/run/hooks.ts',
    'engine/run/resolve-node.ts',
    'tasks/kube/apply-args.ts',
  ];
  const avoidable = onMiss.filter((i) => layered(i) && !sharedReaders.includes(i));
  assert.deepEqual(avoidable, []);
  const externals = closure.flatMap((o) =>
    o.imports.filter((i) => i.external && i.kind === 'import-statement' && !i.path.startsWith('node:')),
  );
  assert.deepEqual(externals, []);
});

test('dsg graph loads the layout library and the page modules only for --format html or svg', async () => {
  const meta = await bundle();
  const holding = (input: string): string => {
    const path = Object.keys(meta.outputs).find((p) => input in (meta.outputs[p]?.inputs ?? {}));
    assert.ok(path, `no chunk holds ${input}`);
    return path;
  };
  const pageCode = (i: string): boolean =>
    i.startsWith('node_modules/elkjs/') ||
    /^engine\/graph\/(layout|page-model|page-run|format-html|page\/)/.test(i);
  // What every dsg graph loads: the command, and the step that writes its output (on a memo hit too).
  for (const start of ['engine/cli/commands/graph.ts', 'engine/cli/commands/graph-deliver.ts']) {
    const loaded = inputsOf(staticClosure(meta, holding(start))).filter(pageCode);
    assert.deepEqual(loaded, [], `${start} loads page code up front`);
  }
  // The layout library sits with the page model, which only the html and svg formatters import.
  const layout = holding('engine/graph/layout.ts');
  assert.ok(Object.keys(meta.outputs[layout]?.inputs ?? {}).some((i) => i.startsWith('node_modules/elkjs/')));
  for (const formatter of [
    'engine/graph/format-text.ts',
    'engine/graph/format-json.ts',
    'engine/graph/format-diagram.ts',
  ]) {
    const loaded = inputsOf(staticClosure(meta, holding(formatter))).filter(pageCode);
    assert.deepEqual(loaded, [], `${formatter} loads page code`);
  }
  // The page itself is not code of the CLI: it is the prebuilt template beside it.
  assert.ok(!inputsOf(Object.values(meta.outputs)).includes('engine/graph/page/main.ts'));
});

test('the heavy run-time packages stay outside the bundle and are imported from node_modules', async () => {
  const meta = await bundle();
  const all = Object.values(meta.outputs);
  const inlined = inputsOf(all).filter((i) => EXTERNAL.some((pkg) => i.startsWith(`node_modules/${pkg}/`)));
  assert.deepEqual(inlined, []);
  const imported = new Set(all.flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
  for (const pkg of ['undici', '@kubernetes/client-node', 'tar-stream'])
    assert.ok(imported.has(pkg), `${pkg} is not imported`);
});

test('every chunk loaded on demand has named exports (a CommonJS package must stay external to be imported so)', async () => {
  const meta = await bundle();
  const targets = Object.values(meta.outputs).flatMap((o) =>
    o.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => i.path),
  );
  assert.ok(targets.length > 5, `only ${targets.length} chunks are loaded on demand`);
  const defaultOnly = targets.filter((t) => (meta.outputs[t]?.exports ?? []).join() === 'default');
  assert.deepEqual(defaultOnly, []);
});

test('the built CLI reads a config and manifests that need the yaml package (anchors), and reports YAML errors', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'kube'));
  const config =
    'version: v2beta1\nname: anchors\nimages:\n  api: &api\n    image: reg.local/api\n  web:\n    image: reg.local/web\n';
  await writeFile(
    join(dir, 'devspace.yaml'),
    `${config}deployments:\n  app:\n    kubectl:\n      manifests: [kube/*.yaml]\n`,
  );
  await writeFile(
    join(dir, 'kube/app.yaml'),
    'kind: A\nimage: reg.local/api\n---\nx: &x 1\ny: *x\nimage: reg.local/web:2\n',
  );
  const r = await runDsg(['graph', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const edges = (JSON.parse(r.stdout) as { edges: { from: string; reason: string; detail: string }[] }).edges;
  assert.deepEqual(
    edges.filter((e) => e.reason === 'image-ref').map((e) => `${e.from}: ${e.detail}`),
    ['tag:api: image: reg.local/api in kube/app.yaml', 'tag:web: image: reg.local/web:2 in kube/app.yaml'],
  );
  await writeFile(join(dir, 'devspace.yaml'), 'version: v2beta1\nimages: [\n');
  const bad = await runDsg(['graph'], { cwd: dir });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Cannot parse YAML in "devspace.yaml"/);
});

// The cheap paths of compiling a graph must give exactly what the expensive ones gave: manifest documents read
// by the fast reader equal the `yaml` package's, the cycle check agrees with graphlib, and a large project
// compiles to the same edges whichever reader saw its manifests.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Graph, alg } from '@dagrejs/graphlib';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../engine/config/load.ts';
import { isAcyclic } from '../engine/graph/acyclic.ts';
import { makeDag } from '../engine/graph/dag.ts';
import { reachable } from '../engine/graph/reach.ts';
import { compileGraph } from '../engine/graph/compile.ts';
import { manifestFiles } from '../tasks/render/manifest-files.ts';
import { fastManifestDocuments, manifestDocuments } from '../engine/graph/manifest-docs.ts';
import { tempDir } from './helpers/cli.ts';

/** What the compiler read before the fast path existed: every error-free document, as JS. */
function reference(text: string): unknown[] {
  return parseAllDocuments(text).flatMap((doc): unknown[] =>
    'errors' in doc && doc.errors.length === 0 ? [doc.toJS() as unknown] : [],
  );
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api, "tier": 'backend'}
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.local/shop/api:1.2 # pinned
          args: ["--port", 8080, true]
          env:
            - name: CONFIG
              value: |
                a: 1
                ---
                b: 2
`;

// Texts the fast reader reads, and what they must give.
const FAST: string[] = [
  DEPLOYMENT,
  `---\n${DEPLOYMENT}---\nkind: Service\nmetadata:\n  name: api\n`,
  `# only a comment\n---\n---\n--- # a comment on the marker\nkind: ConfigMap\n`,
  'kind: A\r\nmetadata:\r\n  name: crlf\r\n---\r\nkind: B\r\n',
  'kind: List\nitems:\n- kind: Pod\n  spec:\n    containers:\n    - image: busybox\n',
  '',
  '---\n',
  "a: \"x\\ty\"\nb: 'it''s'\nc: ~\nd: 0x1F\ne: -1.5e3\n",
  // Key order as JS objects have it: integer-like keys first.
  'b: 1\n"2": two\na: 3\n"1": one\n',
  '__proto__: polluted\nimage: x\n',
];

// Texts the fast reader declines: the `yaml` package decides, documents with errors are left out.
const FULL: string[] = [
  'base: &b {image: api}\nuse: *b\n',
  'a: 1\na: 2\n---\nkind: Kept\n',
  '%YAML 1.2\n---\nkind: Directive\n',
  'kind: A\n...\n---\nkind: B\n',
  'kind: Good\n---\nkind: [broken\n---\nkind: AlsoGood\n',
  `key: ${'x'.repeat(1100)}\n`,
  'folded: >\n  some\n  text\n',
  '--- !!map\nkind: Tagged\n',
];

test('manifest documents: the fast reader agrees with the yaml package', async () => {
  for (const text of FAST) {
    const fast = fastManifestDocuments(text);
    assert.ok(fast, `fast reader declined ${JSON.stringify(text.slice(0, 40))}`);
    assert.deepEqual(fast, reference(text), JSON.stringify(text.slice(0, 40)));
    assert.deepEqual(await manifestDocuments(text), reference(text));
  }
  const fast = fastManifestDocuments('b: 1\n"2": two\na: 3\n"1": one\n') ?? [];
  assert.deepEqual(Object.keys(fast[0] as object), ['1', '2', 'b', 'a']);
  assert.deepEqual(Object.keys((fastManifestDocuments('__proto__: p\n') ?? [])[0] as object), ['__proto__']);
});

test('manifest documents: anything unusual goes to the yaml package, which leaves broken documents out', async () => {
  for (const text of FULL) {
    assert.equal(fastManifestDocuments(text), undefined, JSON.stringify(text.slice(0, 40)));
    assert.deepEqual(await manifestDocuments(text), reference(text), JSON.stringify(text.slice(0, 40)));
  }
  assert.deepEqual(await manifestDocuments('a: 1\na: 2\n---\nkind: Kept\n'), [{ kind: 'Kept' }]);
  assert.deepEqual(await manifestDocuments('kind: Good\n---\nkind: [broken\n---\nkind: AlsoGood\n'), [
    { kind: 'Good' },
    { kind: 'AlsoGood' },
  ]);
});

/** graphlib's answer: no strongly connected component with a cycle. */
function graphlibAcyclic(ids: string[], edges: [string, string][]): boolean {
  const g = new Graph({ directed: true, multigraph: false });
  for (const id of ids) g.setNode(id);
  for (const [a, b] of edges) g.setEdge(a, b);
  return alg.findCycles(g).length === 0;
}

test('the cycle check agrees with graphlib: self-loops, repeated edges, ids only edges name', () => {
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  let cyclic = 0;
  for (let round = 0; round < 300; round++) {
    const n = 1 + next(12);
    const ids = Array.from({ length: n }, (_, i) => `t${i}`);
    const edges: [string, string][] = [];
    const count = next(2 * n);
    for (let e = 0; e < count; e++) {
      // Mostly forward edges, so that both answers come up often.
      const a = next(n + 1);
      const b = next(10) === 0 ? next(n + 1) : Math.min(n, a + 1 + next(3));
      edges.push([`t${a}`, `t${b}`]);
    }
    const expected = graphlibAcyclic(ids, edges);
    if (!expected) cyclic++;
    assert.equal(isAcyclic(ids, edges), expected, JSON.stringify(edges));
  }
  assert.ok(cyclic > 30 && cyclic < 270, `only ${cyclic} of 300 random graphs had a cycle`);
  assert.equal(isAcyclic(['a'], [['a', 'a']]), false);
  assert.equal(
    isAcyclic(
      ['a', 'b'],
      [
        ['a', 'b'],
        ['a', 'b'],
      ],
    ),
    true,
  );
});

test('what a focused task reaches agrees with graphlib, upstream and downstream', () => {
  let seed = 11;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 200; round++) {
    const n = 1 + next(15);
    const ids = Array.from({ length: n }, (_, i) => `t${i}`);
    const edges = Array.from({ length: next(3 * n) }, () => [`t${next(n)}`, `t${next(n)}`] as const);
    const dag = makeDag(ids, edges);
    const focus = `t${next(n)}`;
    assert.deepEqual(reachable(focus, edges, 'up'), dag.upstreamOf(focus));
    assert.deepEqual(reachable(focus, edges, 'down'), dag.downstreamOf(focus));
  }
});

test('manifest entries: files, folders and globs, each file once; names with + or @ are not patterns', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'kube/more'), { recursive: true });
  const files = [
    'kube/b.yaml',
    'kube/a.yml',
    'kube/C.YAML',
    'kube/notes.txt',
    'kube/more/c.yaml',
    'v1+2@x.yaml',
  ];
  for (const f of files) await writeFile(join(dir, f), 'kind: X\n');
  assert.deepEqual(await manifestFiles(dir, ['kube', 'kube/**/*.yaml', './v1+2@x.yaml']), {
    ok: true,
    value: ['kube/C.YAML', 'kube/a.yml', 'kube/b.yaml', 'kube/more/c.yaml', 'v1+2@x.yaml'],
  });
  assert.deepEqual(await manifestFiles(dir, ['kube', 'missing.yaml']), {
    ok: false,
    error: 'Cannot find manifests "missing.yaml": no such file or folder',
  });
});

test('a project of 300 deployments compiles to the same edges whether its manifests take the fast path or not', async () => {
  const edgesOf = async (manifest: (i: number) => string): Promise<string[]> => {
    const dir = await tempDir();
    await mkdir(join(dir, 'kube'));
    const lines = ['version: v2beta1', 'name: scale', 'images:'];
    for (let i = 0; i < 300; i++) lines.push(`  img${i}:`, `    image: registry.local/scale/img${i}`);
    lines.push('deployments:');
    for (let i = 0; i < 300; i++) {
      lines.push(`  svc${i}:`, '    kubectl:', '      manifests:', `        - kube/svc${i}.yaml`);
      await writeFile(join(dir, 'kube', `svc${i}.yaml`), manifest(i));
    }
    await writeFile(join(dir, 'devspace.yaml'), `${lines.join('\n')}\n`);
    const loaded = await loadConfig({ cwd: dir, profiles: [], vars: {}, env: {} });
    assert.ok(loaded.ok);
    const compiled = await compileGraph(loaded.value.root, dir);
    assert.ok(compiled.ok);
    return compiled.value.graph.edges.map(
      (e) => `${e.from} → ${e.to} (${e.reason}${e.implicit ? ', implicit' : ''}): ${e.detail}`,
    );
  };
  const plain = (i: number): string =>
    `kind: Deployment\nspec:\n  containers:\n    - image: registry.local/scale/img${i}:v1\n    - image: "registry.local/scale/img${(i * 7) % 300}"\n`;
  // An anchor sends every file through the yaml package; a broken second document changes nothing.
  const unusual = (i: number): string =>
    `${plain(i).replace('kind: Deployment', 'kind: &k Deployment')}---\nbroken: [\n`;
  const fast = await edgesOf(plain);
  // Two images per deployment, one where 7i ≡ i (mod 300): i = 0, 50, … 250.
  assert.equal(fast.filter((e) => e.includes('image-ref')).length, 600 - 6);
  assert.ok(
    fast.includes('tag:img7 → render:svc1 (image-ref): image: registry.local/scale/img7 in kube/svc1.yaml'),
  );
  assert.deepEqual(await edgesOf(unusual), fast);
});

// `dsg graph` end to end: the compiler's edges, cycles, focus and every output format, through the real CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg } from './helpers/cli.ts';
import { repoRoot } from './helpers/paths.ts';

interface GraphJson {
  version: number;
  project: { name: string; file: string };
  nodes: { id: string; kind: string; project: string; location: string; inputs: Record<string, unknown> }[];
  edges: { from: string; to: string; reason: string; implicit: boolean; detail: string; location?: string }[];
}

const fixture = (name: string): string => join(repoRoot, 'test/fixtures/graph', name);

async function graphJson(cwd: string, ...args: string[]): Promise<GraphJson> {
  const result = await runDsg(['graph', '--format', 'json', ...args], { cwd });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as GraphJson;
}

const edgeSet = (g: GraphJson): Set<string> =>
  new Set(g.edges.map((e) => `${e.from} -> ${e.to}${e.implicit ? ' (implicit)' : ''}`));

test('examples: image, FROM-style, dependency and render edges', async () => {
  const g = await graphJson(join(repoRoot, 'examples'));
  assert.equal(g.version, 1);
  assert.equal(g.project.name, 'shop');
  const ids = g.nodes.map((n) => n.id);
  for (const id of [
    'build:base',
    'tag:base',
    'build:api',
    'build:web',
    'render:api',
    'deploy:web',
    'deploy:jobs',
    'db/build:db',
    'db/deploy:db',
  ]) {
    assert.ok(ids.includes(id), `missing ${id} in ${ids.join(', ')}`);
  }
  const edges = edgeSet(g);
  for (const e of [
    'build:base -> tag:base',
    'build:base -> build:api',
    'build:base -> build:web',
    'tag:api -> render:api',
    'tag:web -> render:web',
    'tag:api -> render:jobs',
    'render:api -> deploy:api',
    'db/deploy:db -> deploy:api',
    'db/deploy:db -> deploy:web',
    'db/tag:db -> db/render:db',
  ]) {
    assert.ok(edges.has(e), `missing edge ${e}`);
  }
  // Explicit references only: the api manifest does not use the web image.
  assert.ok(!edges.has('tag:web -> render:api'));
  assert.ok(!edges.has('tag:base -> render:api'));
  const fromEdge = g.edges.find((e) => e.from === 'build:base' && e.to === 'build:api');
  assert.match(fromEdge?.detail ?? '', /runtime\.images\.base/);
  assert.match(g.nodes.find((n) => n.id === 'build:api')?.location ?? '', /^devspace\.yaml:\d+:\d+$/);
});

test('implicit edges when references cannot be seen, none when a manifest names no image', async () => {
  const g = await graphJson(fixture('implicit'));
  const edges = edgeSet(g);
  assert.ok(edges.has('tag:api -> render:everything (implicit)'));
  assert.ok(edges.has('tag:worker -> render:everything (implicit)'));
  assert.ok(edges.has('tag:api -> render:api'));
  assert.ok(!edges.has('tag:worker -> render:api'));
  assert.equal(g.edges.filter((e) => e.to === 'render:none' && e.reason === 'image-ref').length, 0);
});

test('a diamond dependency is one subgraph', async () => {
  const g = await graphJson(fixture('diamond'));
  const cDeploys = g.nodes.filter((n) => n.id.endsWith('deploy:c'));
  assert.equal(cDeploys.length, 1, JSON.stringify(cDeploys));
  const c = cDeploys[0]?.id ?? '';
  const edges = edgeSet(g);
  assert.ok(edges.has(`${c} -> a/deploy:a`));
  assert.ok(edges.has(`${c} -> b/deploy:b`));
  assert.ok(edges.has('a/deploy:a -> deploy:app'));
  assert.ok(edges.has('b/deploy:b -> deploy:app'));
});

test('a dependency cycle is an error that prints the cycle with locations', async () => {
  const result = await runDsg(['graph'], { cwd: fixture('dep-cycle') });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Dependency cycle: a → b → a/);
  assert.match(result.stderr, /a[/\\]devspace\.yaml:\d+:\d+/);
  assert.match(result.stderr, /b[/\\]devspace\.yaml:\d+:\d+/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

test('a FROM cycle between images is an error naming both Dockerfile lines', async () => {
  const result = await runDsg(['graph'], { cwd: fixture('from-cycle') });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /Task cycle: build:one → build:two → build:one|Task cycle: build:two → build:one → build:two/,
  );
  assert.match(result.stderr, /one\.Dockerfile:1:1/);
  assert.match(result.stderr, /two\.Dockerfile:2:1/);
});

test('a deployment that uses an undefined image is a located error', async () => {
  const result = await runDsg(['graph'], { cwd: fixture('undefined-image') });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /devspace\.yaml:\d+:\d+: error: Image "apii" used by deployment "api" is not defined in images/,
  );
  assert.match(result.stderr, /defined images: "api"/);
});

test('--focus keeps a task, its upstream and its downstream', async () => {
  const g = await graphJson(join(repoRoot, 'examples'), '--focus', 'tag:web');
  const ids = new Set(g.nodes.map((n) => n.id));
  assert.deepEqual([...ids].sort(), ['build:base', 'build:web', 'deploy:web', 'render:web', 'tag:web']);
  const bad = await runDsg(['graph', '--focus', 'tag:wbe'], { cwd: join(repoRoot, 'examples') });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Task "tag:wbe" is not in the graph — did you mean "tag:web"\?/);
});

test('text, dot and mermaid formats', async () => {
  const cwd = join(repoRoot, 'examples');
  const text = await runDsg(['graph'], { cwd });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^shop · devspace\.yaml · \d+ tasks, \d+ edges$/m);
  assert.match(text.stdout, /^deploy:web {2}devspace\.yaml:\d+$/m);
  assert.match(text.stdout, /[├└]─ render:web\n/);
  assert.match(text.stdout, /build:base \(see above\)|build:base {2}← /);
  const dot = await runDsg(['graph', '--format', 'dot'], { cwd });
  assert.match(dot.stdout, /^digraph dsg \{/);
  assert.match(dot.stdout, /"build:base" -> "build:api";/);
  assert.match(dot.stdout, /"db\/deploy:db" -> "deploy:api" \[style=bold\];/);
  const mermaid = await runDsg(['graph', '--format', 'mermaid'], { cwd });
  assert.match(mermaid.stdout, /^flowchart LR/);
  assert.match(mermaid.stdout, /==>/);
  const bad = await runDsg(['graph', '--format', 'png'], { cwd });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown format "png"/);
});

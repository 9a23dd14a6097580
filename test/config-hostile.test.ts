// Hostile YAML: an alias bomb, nesting past the bound (flow and block), an alias inside its own anchor, an
// unknown alias, an empty image entry, an oversized file. Each is one located error, never a RangeError, an
// uncaught error or a silent empty graph; and a Ctrl-C during a long (legal) parse is answered with exit 130.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg, startDsg, tempDir, waitFor } from './helpers/cli.ts';
import { lines, load, project } from './fixtures/config/load-helpers.ts';
import { parseManifests } from '../tasks/render/manifests.ts';

const header = 'version: v2beta1\nname: shop\n';

/** Ten values, then ten aliases of the previous anchor per level: 10^(levels+1) values once expanded. */
function aliasBomb(levels: number, name = 'a'): string {
  const out = [`${name}0: &${name}0 ["x","x","x","x","x","x","x","x","x","x"]`];
  for (let i = 1; i <= levels; i++)
    out.push(
      `${name}${i}: &${name}${i} [${Array(10)
        .fill(`*${name}${i - 1}`)
        .join(',')}]`,
    );
  return `${out.join('\n')}\n`;
}

test('an alias bomb is a located error, from the CLI too, with no stack trace', async () => {
  const yaml = `${header}${aliasBomb(11)}vars:\n  BOMB: *a11\n`;
  const dir = await project({ 'devspace.yaml': yaml });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:7:38: error: Cannot read "devspace.yaml": aliases expand to more than 100,000 nodes',
  ]);
  const r = await runDsg(['graph'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^devspace\.yaml:7:38: error: Cannot read "devspace\.yaml": aliases expand to more/);
  assert.match(r.stderr, /hint: an alias of an alias of … multiplies; repeat fewer values through anchors/);
  assert.doesNotMatch(r.stderr, /^\s+at |RangeError|heap/m);
});

test('aliases that expand within the budget still load', async () => {
  const yaml = `${header}${aliasBomb(3)}vars:\n  SMALL: hello\n`;
  const result = await load(await project({ 'devspace.yaml': yaml }));
  // Only the schema objects (to keys it does not know): the aliases themselves expanded fine.
  assert.deepEqual(
    lines(result),
    [3, 4, 5, 6].map((l) => `devspace.yaml:${l}:1: error: Unknown key "a${l - 3}" in the config`),
  );
});

test('flow nesting past the bound is a located error, not a RangeError', async () => {
  const depth = 100_000;
  const yaml = `${header}vars:\n  X: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
  const dir = await project({ 'devspace.yaml': yaml });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:4:206: error: Cannot parse YAML in "devspace.yaml": nesting deeper than 200 levels',
  ]);
  const r = await runDsg(['graph'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stderr, /^\s+at |RangeError/m);
});

test('block nesting past the bound is a located error, not a RangeError', async () => {
  let yaml = `${header}vars:\n`;
  for (let i = 0; i < 400; i++) yaml += `${' '.repeat(2 + i)}k${i}:\n`;
  const dir = await project({ 'devspace.yaml': yaml });
  const found = lines(await load(dir));
  assert.equal(found.length, 1);
  assert.match(
    found[0] ?? '',
    /^devspace\.yaml:\d+:\d+: error: Cannot read "devspace\.yaml": nesting deeper than 200 levels$/,
  );
  const r = await runDsg(['graph'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /hint: flatten the structure/);
  assert.doesNotMatch(r.stderr, /^\s+at |RangeError/m);
});

test('an anchor that merges itself is a located error', async () => {
  const direct = `${header}vars: &v\n  A: 1\n  <<: *v\n`;
  assert.deepEqual(lines(await load(await project({ 'devspace.yaml': direct }))), [
    'devspace.yaml:5:7: error: Cannot read "devspace.yaml": alias "*v" is used inside the value it names: a value cannot contain itself',
  ]);
  const nested = `${header}images: &b\n  api:\n    image: r/api\n    buildArgs:\n      <<: *b\n`;
  assert.deepEqual(lines(await load(await project({ 'devspace.yaml': nested }))), [
    'devspace.yaml:7:11: error: Cannot read "devspace.yaml": alias "*b" is used inside the value it names: a value cannot contain itself',
  ]);
});

test('an undefined alias is a located error, not a silent empty value', async () => {
  const yaml = `${header}images:\n  api: *nope\n`;
  const r = await runDsg(['graph'], { cwd: await project({ 'devspace.yaml': yaml }) });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^devspace\.yaml:4:8: error: Cannot read "devspace\.yaml": unknown alias "\*nope": no anchor "&nope" is defined before it$/m,
  );
  assert.match(r.stderr, /hint: define `&nope` on a value above this line, or remove the alias/);
});

test('an empty images entry is a located error, as in DevSpace, not a graph without the image', async () => {
  const empty = `${header}images:\n  api:\n  web:\n    image: r/web\n`;
  assert.deepEqual(lines(await load(await project({ 'devspace.yaml': empty }))), [
    'devspace.yaml:4:3: error: Image "api" is empty: it needs at least an `image` name',
  ]);
  const r = await runDsg(['graph'], { cwd: await project({ 'devspace.yaml': empty }) });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /hint: e\.g\. `image: registry\.example\.com\/api`/);
  // `api: {}` is caught by the schema, also located.
  const braces = `${header}images:\n  api: {}\n`;
  assert.deepEqual(lines(await load(await project({ 'devspace.yaml': braces }))), [
    'devspace.yaml:4:3: error: Missing required key "image" in `images.api`',
  ]);
});

test('a config file over the size bound is refused before parsing', async () => {
  const padding = `# ${'x'.repeat(78)}\n`.repeat(27_000);
  const dir = await project({ 'devspace.yaml': `${header}${padding}` });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:1:1: error: Config file "devspace.yaml" is too large: 2.1 MB, over dsg\'s limit of 2.0 MB',
  ]);
});

test('hostile manifests are located errors: an alias bomb, deep nesting, an unknown alias', () => {
  const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n${aliasBomb(6, 'b')}data:\n  v: *b6\n`;
  const located = (text: string) => {
    const r = parseManifests(text, 'kube/x.yaml', (f) => f);
    assert.ok(!r.ok);
    return `${r.error.location?.file}:${r.error.location?.line}:${r.error.location?.col}: ${r.error.message}`;
  };
  assert.equal(
    located(bomb),
    'kube/x.yaml:1:1: Invalid manifest "kube/x.yaml": aliases expand to more than 1,000 aliased values',
  );
  assert.equal(
    located(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: ${'{a: '.repeat(500)}1${'}'.repeat(500)}\n`,
    ),
    'kube/x.yaml:4:807: Invalid manifest "kube/x.yaml": nesting deeper than 200 levels',
  );
  assert.equal(
    located('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: *nope\n'),
    'kube/x.yaml:1:1: Invalid manifest "kube/x.yaml": unresolved alias (the anchor must be set before the alias): nope',
  );
});

test('Ctrl-C during a long parse of a big, legal config exits 130', async () => {
  // About 1.9 MB with an anchor, so the fast reader declines it and the `yaml` package takes its time.
  const body = ['images:', '  img0: &first', '    image: registry.example.com/team/img0'];
  let size = 0;
  for (let i = 1; size < 1_900_000; i++) {
    const entry = `  img${i}:\n    image: registry.example.com/team/img${i}\n    dockerfile: ./img${i}/Dockerfile`;
    body.push(entry);
    size += entry.length + 1;
  }
  const dir = await tempDir('dsg-hostile-');
  await writeFile(join(dir, 'devspace.yaml'), `${header}${body.join('\n')}\n`);
  const run = startDsg(['graph'], { cwd: dir, env: { DSG_DEBUG_LOAD: '1' } });
  await waitFor(() => run.output().stderr.includes('load: parsing "devspace.yaml"'), 'the parse to start');
  run.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /^dsg: interrupted$/m);
  assert.equal(r.stdout, '');
});

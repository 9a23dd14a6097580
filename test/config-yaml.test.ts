// The located YAML reader: the fast path must agree with the `yaml` package on values and positions,
// give up on what it does not handle, and duplicate keys and syntax errors must be located.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { parseYaml } from '../engine/config/parse-yaml.ts';
import { toJson, type TreeNode } from '../engine/config/tree.ts';
import { parseYamlFast } from '../engine/config/yaml-fast.ts';
import { parseYamlFull } from '../engine/config/yaml-full.ts';
import { repoRoot } from './helpers/paths.ts';

const corpus = join(repoRoot, '..', 'shared', 'corpus', 'devspace-yaml');
const noDuplicates = (): void => {
  throw new Error('unexpected duplicate key');
};

/** Every key and non-null scalar with its position, to compare the two readers. */
function positions(node: TreeNode, path = '', out: string[] = []): string[] {
  if (node.kind === 'map') {
    for (const [k, e] of node.entries) {
      out.push(`${path}.${k} key ${e.keyLoc?.line}:${e.keyLoc?.col}+${e.keyLoc?.length}`);
      positions(e.value, `${path}.${k}`, out);
    }
  } else if (node.kind === 'seq') {
    out.push(`${path} seq ${node.loc?.line}:${node.loc?.col}`);
    node.items.forEach((item, i) => positions(item, `${path}[${i}]`, out));
  } else if (node.value !== null) {
    out.push(
      `${path} = ${JSON.stringify(node.value)} ${node.loc?.line}:${node.loc?.col}+${node.loc?.length}`,
    );
  }
  return out;
}

async function sameAsYamlPackage(text: string, name: string): Promise<boolean> {
  const fast = parseYamlFast(text, 'f', noDuplicates);
  if (!fast) return false;
  const full = await parseYamlFull(text, 'f', noDuplicates);
  assert.deepEqual(full.diagnostics, [], name);
  assert.deepEqual(fast.root && toJson(fast.root), full.root && toJson(full.root), `${name}: values differ`);
  if (fast.root && full.root)
    assert.deepEqual(positions(fast.root), positions(full.root), `${name}: positions differ`);
  return true;
}

test('the fast reader agrees with the yaml package on every corpus file it reads', async () => {
  let fast = 0;
  const files = readdirSync(corpus);
  for (const f of files) if (await sameAsYamlPackage(readFileSync(join(corpus, f), 'utf8'), f)) fast++;
  // All but the file with a multi-line flow sequence.
  assert.ok(fast >= files.length - 1, `fast path read only ${fast} of ${files.length} files`);
});

test('the fast reader handles scalars, quoting, block literals and flow collections like the yaml package', async () => {
  const snippets = [
    'a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 1.5\nf: .5\ng: 1e3\nh: true\ni: False\nj: ~\nk: null\nl: 007\nm: +3\n',
    'a: "x \\"y\\" \\u00e9 \\t"\nb: \'it\'\'s\'\nc: "#not a comment" # a comment\nd: a#b\ne: http://x:80/y\n',
    'list:\n- a\n- b: 1\n  c: 2\n-\n  d: 3\n- [x, "y", 3]\n- {}\nnested:\n  - - no\n',
    'script: |\n  line 1\n\n  line 3\nkeep: |+\n  a\n\nstrip: |-\n  b\n   indented\nafter: x\n',
    'flow: {a: 1, "b c": [1, 2], d: {e: f}}\nempty: []\nurl: [ \'/auth/(.*)\' ]\n',
    '---\n# comment\nkey:   spaced   # trailing\nquoted key: "v"\n"k:x": 1\n',
    'deep:\n  a:\n    b:\n      - c: 1\n        d:\n          - e\n      - f\n',
  ];
  let fast = 0;
  for (const s of snippets) if (await sameAsYamlPackage(s, JSON.stringify(s.slice(0, 30)))) fast++;
  assert.ok(fast >= snippets.length - 1, `fast path read only ${fast} of ${snippets.length} snippets`);
});

test('the fast reader gives up on anchors, tags, folded scalars and multi-line flow', () => {
  for (const s of [
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    'a: >\n  folded\n',
    'a: [1,\n  2]\n',
    'a: b\n---\nc: d\n',
    'a:\n\tb: 1\n',
  ]) {
    assert.equal(parseYamlFast(s, 'f', noDuplicates), undefined, s);
  }
});

test('anchors and merge keys still work through the yaml package', async () => {
  const r = await parseYaml(
    'base: &b\n  image: x\n  tags: [a]\nimg:\n  <<: *b\n  image: y\n',
    'devspace.yaml',
  );
  assert.equal(r.parser, 'full');
  assert.deepEqual(r.root && toJson(r.root), {
    base: { image: 'x', tags: ['a'] },
    img: { image: 'y', tags: ['a'] },
  });
});

test('a duplicate key is an error with both locations, from either reader', async () => {
  for (const text of [
    'images:\n  api:\n    image: a\n  api:\n    image: b\n',
    'x: &a 1\nimages:\n  api:\n    image: a\n  api:\n    image: b\n',
  ]) {
    const r = await parseYaml(text, 'devspace.yaml');
    const [d] = r.diagnostics;
    assert.ok(d, 'expected a diagnostic');
    assert.equal(d.message, 'Duplicate key "api" in `images`: every key of a mapping must be unique');
    const offset = text.startsWith('x') ? 1 : 0;
    assert.deepEqual(d.location, { file: 'devspace.yaml', line: 4 + offset, col: 3, length: 3 });
    assert.deepEqual(d.related?.[0]?.location, {
      file: 'devspace.yaml',
      line: 2 + offset,
      col: 3,
      length: 3,
    });
  }
});

test('malformed YAML is reported with line and column by the yaml package', async () => {
  const r = await parseYaml('version: v2beta1\nimages:\n  api:\n    image: repo: x\n', 'devspace.yaml');
  assert.equal(r.root, null);
  const d = r.diagnostics[0];
  assert.ok(d);
  assert.equal(
    d.message,
    'Cannot parse YAML in "devspace.yaml": nested mappings are not allowed in compact mappings',
  );
  assert.deepEqual(d.location, { file: 'devspace.yaml', line: 4, col: 12, length: 1 });
});

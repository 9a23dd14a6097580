// One parser for DevSpace patch paths (core/patch-path.ts), walked by two adapters: the config tree (profile
// patches) and rendered objects (`kubectl.patches`). One table of paths: both must select the same values.
import assert from 'node:assert/strict';
import test from 'node:test';
import type { Json } from '../core/json.ts';
import { parsePatchPath } from '../core/patch-path.ts';
import { findMatches } from '../engine/config/patch-path.ts';
import { fromJson, toJson, type MapNode } from '../engine/config/tree.ts';
import { findPath } from '../tasks/render/yaml-path.ts';

const doc: Json = {
  spec: {
    containers: [
      { name: 'api', image: 'api:1', port: 80, metadata: { name: 'first' } },
      { name: 'web', image: 'web:1', port: '80' },
      { name: '1', image: 'one:1' },
    ],
  },
  'my-key': { x: 1 },
};

const cases: [string, Json[]][] = [
  ['spec.containers[0].image', ['api:1']],
  ['spec.containers.1.image', ['web:1']],
  ['spec.containers[-1].name', ['1']],
  ['/spec/containers/0/name', ['api']],
  ['$.spec.containers[*].name', ['api', 'web', '1']],
  ["spec.containers[?(@.name=='web' || @.name=='api')].image", ['api:1', 'web:1']],
  ['spec.containers[?(@.port==80)].name', ['api']],
  ['spec.containers[?(@.metadata.name=="first")].name', ['api']],
  ['spec.containers.name=web.image', ['web:1']],
  ['spec.containers.name=1.image', ['one:1']],
  ['["my-key"].x', [1]],
  ['spec.containers[5]', []],
  ['spec.containers[-]', []],
];

test('the config tree and rendered objects select the same values for every path', () => {
  for (const [path, expected] of cases) {
    const parsed = parsePatchPath(path);
    assert.ok(parsed.ok, `${path}: ${parsed.ok ? '' : parsed.error}`);
    const fromObjects: Json[] = findPath(doc, parsed.value).map((m) => m.value);
    const fromTree: Json[] = findMatches(fromJson(doc) as MapNode, parsed.value).map((m) => toJson(m.node));
    assert.deepEqual(fromObjects, expected, `objects: ${path}`);
    assert.deepEqual(fromTree, expected, `config tree: ${path}`);
  }
});

test('unreadable paths say what is wrong, the same for both', () => {
  for (const [path, message] of [
    ['', 'the path is empty'],
    ['spec[0', 'unclosed "[" in "spec[0"'],
    ['spec[?(@.a>1)]', 'cannot read the filter "[?(@.a>1)]"'],
    ['spec[?(@.a==1 || @.b==2)]', 'cannot read the filter "[?(@.a==1 || @.b==2)]"'],
    ['spec[x y]', 'cannot read "[x y]"'],
  ] as const) {
    assert.deepEqual(parsePatchPath(path), { ok: false, error: message });
  }
});

// `${runtime...}` references have one owner (core/runtime-refs.ts): its grammar, scan and substitution, and
// each caller through it — the compiler (edges, refs, located errors), the run (specs) and render (files).
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  parseRuntimePath,
  refLookup,
  scanRuntimeRefs,
  substituteRuntimeRefs,
  substituteRuntimeRefsIn,
} from '../core/runtime-refs.ts';

const images = new Map([
  ['tag:web', { image: '127.0.0.1:5000/shop/web', tag: 'abc123' }],
  ['tag:proxy', { image: 'docker.io/library/nginx', tag: 'n1' }],
  ['db/tag:pg', { image: '127.0.0.1:5000/shop/pg', tag: 'p1' }],
]);
const refs = {
  'images.web': 'tag:web',
  'images.proxy': 'tag:proxy',
  'dependencies.db.images.pg': 'db/tag:pg',
};
const lookup = refLookup(refs, (id) => {
  const found = images.get(id);
  return found && { data: found };
});

test('the grammar: images and dependencies at any depth, with or without a field; anything else is not one', () => {
  assert.deepEqual(parseRuntimePath('images.api.tag'), {
    text: '${runtime.images.api.tag}',
    subject: 'images.api',
    dependencies: [],
    image: 'api',
    field: 'tag',
  });
  assert.deepEqual(
    parseRuntimePath('dependencies.a.dependencies.b-2.images.x_y')?.subject,
    'dependencies.a.dependencies.b-2.images.x_y',
  );
  assert.deepEqual(parseRuntimePath('dependencies.a.dependencies.b-2.images.x_y')?.dependencies, [
    'a',
    'b-2',
  ]);
  for (const bad of [
    'images.api.digest',
    'images',
    'images.',
    'dependencies.db.api',
    'hooks.x',
    'images.a.tag.more',
    'images.a b',
  ])
    assert.equal(parseRuntimePath(bad), undefined, bad);
});

test('a scan finds references in order and names the expressions that are not references', () => {
  const scan = scanRuntimeRefs(
    '${runtime.images.a.image}:${runtime.images.b.tag} ${runtime.images.c.digest} ${OTHER}',
  );
  assert.deepEqual(
    scan.refs.map((r) => r.text),
    ['${runtime.images.a.image}', '${runtime.images.b.tag}'],
  );
  assert.deepEqual(scan.invalid, ['${runtime.images.c.digest}']);
  assert.deepEqual(scanRuntimeRefs('no references here'), { refs: [], invalid: [] });
});

test('substitution fills in image, tag and both, through dependencies; an unknown reference fails the text', () => {
  const resolved = substituteRuntimeRefsIn(
    {
      a: '${runtime.images.web.image}',
      b: 'v=${runtime.images.web.tag}',
      c: ['${runtime.images.proxy}'],
      d: '${runtime.dependencies.db.images.pg.image}:${runtime.dependencies.db.images.pg.tag}',
      n: 3,
    },
    lookup,
  );
  assert.deepEqual(resolved, {
    ok: true,
    value: {
      a: '127.0.0.1:5000/shop/web',
      b: 'v=abc123',
      c: ['docker.io/library/nginx:n1'],
      d: '127.0.0.1:5000/shop/pg:p1',
      n: 3,
    },
  });
  const unknown = substituteRuntimeRefs('x ${runtime.images.db.image}', lookup);
  assert.equal(unknown.ok, false);
  assert.equal(unknown.ok ? '' : unknown.error.text, '${runtime.images.db.image}');
});

test("a task's references to its own image are kept for the task to fill in", () => {
  const self = refLookup(
    { 'images.api': 'build:api', 'images.web': 'tag:web' },
    (id) => {
      const found = images.get(id);
      return found && { data: found };
    },
    'build:api',
  );
  assert.deepEqual(substituteRuntimeRefs('${runtime.images.api.image}:${runtime.images.web.tag}', self), {
    ok: true,
    value: '${runtime.images.api.image}:abc123',
  });
});

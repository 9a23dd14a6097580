// `${runtime...}` references have one owner (core/runtime-refs.ts): its grammar, scan and substitution, and
// each caller through it — the compiler (edges, refs, located errors), the run (specs) and render (files).
import assert from 'node:assert/strict';
import test from 'node:test';
import { shellQuote } from '../core/process.ts';
import {
  legacyNames,
  modernForm,
  ownImageLookup,
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

test('legacy helpers: image(NAME) and tag(NAME) by name or repository, quoted or not; others are no reference', () => {
  const names = legacyNames([
    { name: 'web', image: '127.0.0.1:5000/shop/web' },
    { name: 'proxy', image: 'nginx' },
  ]);
  const scan = scanRuntimeRefs(
    `image(web):tag("web") tag('docker.io/library/nginx') image(nothing) myimage(web) image(nginx:1)`,
    names,
  );
  assert.deepEqual(
    scan.refs.map((r) => [r.text, r.subject, r.field, r.legacy]),
    [
      ['image(web)', 'images.web', 'image', true],
      ['tag("web")', 'images.web', 'tag', true],
      ["tag('docker.io/library/nginx')", 'images.proxy', 'tag', true],
    ],
  );
  assert.deepEqual(scanRuntimeRefs('image(web)').refs, [], 'without names, no helper is read');
  const first = scan.refs[0];
  assert.ok(first);
  assert.equal(modernForm(first), '${runtime.images.web.image}');
  const filled = substituteRuntimeRefs('image(web):tag(web) image(nothing)', lookup, undefined, names);
  assert.deepEqual(filled, { ok: true, value: '127.0.0.1:5000/shop/web:abc123 image(nothing)' });
  const walked = substituteRuntimeRefsIn({ image: 'image(web)', args: ['image(web)'] }, lookup, {
    names,
    key: 'image',
  });
  assert.deepEqual(walked, { ok: true, value: { image: '127.0.0.1:5000/shop/web', args: ['image(web)'] } });
});

test('a shell line gets each filled-in value quoted; a build fills in only references to itself', () => {
  const odd = refLookup({ 'images.x': 'tag:x' }, () => ({ data: { image: 'repo/x', tag: "it's" } }));
  assert.deepEqual(substituteRuntimeRefs('echo ${runtime.images.x.tag}', odd, shellQuote), {
    ok: true,
    value: `echo 'it'\\''s'`,
  });
  const own = ownImageLookup({ 'images.self': 'build:self', 'images.web': 'build:web' }, 'build:self', {
    image: 'repo/self',
    tag: 't1',
  });
  assert.deepEqual(substituteRuntimeRefs('${runtime.images.self}', own), { ok: true, value: 'repo/self:t1' });
  const other = substituteRuntimeRefs('${runtime.images.web.tag}', own);
  assert.equal(other.ok, false);
});

// Tag replacement: `image:` keys in manifests, strings and repository/tag maps in values, explicit tags
// and digests left alone, Docker Hub names matched however they are spelled, `updateImageTags: false`.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { parseAllDocuments } from 'yaml';
import { renderKind } from '../tasks/render/kind.ts';
import { replaceImageKeys, replaceInValues, type BuiltImage } from '../tasks/render/tag-replacement.ts';
import {
  fixtureProject,
  kubectlDeployment,
  renderNode,
  settings,
  taggedImage,
  taskContext,
  toolEnv,
} from './fixtures/render/tasks.ts';
import { tempDir } from './helpers/cli.ts';

const web: BuiltImage = { name: 'web', image: '127.0.0.1:5000/shop/web', tag: 'abc123' };
const nginx: BuiltImage = { name: 'proxy', image: 'docker.io/library/nginx', tag: 'n1' };
const images = [web, nginx];

async function renderFixture(updateImageTags: boolean): Promise<Record<string, unknown>[]> {
  const stateDir = await tempDir('dsg-render-state-');
  const deployment = kubectlDeployment({ name: 'web', manifests: ['kube/'], updateImageTags });
  const task = renderNode(fixtureProject, deployment, ['tag:web']);
  const upstream = new Map([['tag:web', taggedImage('web', web.image, web.tag)]]);
  const result = await renderKind.run(
    task,
    taskContext(task, await toolEnv(), settings(stateDir), { upstream }),
  );
  assert.ok(result.ok, JSON.stringify(result));
  const file = result.value.data.file;
  return parseAllDocuments(await readFile(join(stateDir, file), 'utf8')).map(
    (d) => d.toJS() as Record<string, unknown>,
  );
}

function imagesOf(object: Record<string, unknown> | undefined): string[] {
  return [...JSON.stringify(object).matchAll(/"image":"([^"]+)"/g)].map((m) => m[1] ?? '');
}

test('image keys of containers, init containers and any other map are replaced; explicit tags stay', async () => {
  const [config, deployment] = await renderFixture(true);
  assert.deepEqual(imagesOf(deployment), [
    '127.0.0.1:5000/shop/web:abc123',
    '127.0.0.1:5000/shop/web:abc123',
    '127.0.0.1:5000/shop/web:1.2',
    'busybox',
  ]);
  assert.deepEqual(config?.['data'], {
    mode: 'on',
    image: '127.0.0.1:5000/shop/web:abc123',
    ref: '127.0.0.1:5000/shop/web:abc123',
  });
});

test('updateImageTags: false leaves image keys alone but still resolves runtime references', async () => {
  const [config, deployment] = await renderFixture(false);
  assert.deepEqual(imagesOf(deployment), [
    '127.0.0.1:5000/shop/web',
    '127.0.0.1:5000/shop/web',
    '127.0.0.1:5000/shop/web:1.2',
    'busybox',
  ]);
  assert.equal((config?.['data'] as Record<string, string>)['ref'], '127.0.0.1:5000/shop/web:abc123');
});

test('Docker Hub names match in every spelling; digests and unknown images are left alone', () => {
  const manifest = {
    containers: [
      { image: 'nginx' },
      { image: 'library/nginx' },
      { image: 'index.docker.io/library/nginx' },
      { image: 'nginx@sha256:' + 'a'.repeat(64) },
      { image: 'nginx:1.27' },
      { image: 'other/nginx' },
      { image: 'Not An Image' },
    ],
    notImage: 'nginx',
  };
  const out = replaceImageKeys(manifest, images, {}) as { containers: { image: string }[]; notImage: string };
  assert.deepEqual(
    out.containers.map((c) => c.image),
    [
      'docker.io/library/nginx:n1',
      'docker.io/library/nginx:n1',
      'docker.io/library/nginx:n1',
      'nginx@sha256:' + 'a'.repeat(64),
      'nginx:1.27',
      'other/nginx',
      'Not An Image',
    ],
  );
  assert.equal(out.notImage, 'nginx', 'only image: keys change in manifests');
  const forced = replaceImageKeys({ image: 'nginx:1.27' }, images, { replaceExplicitTags: true });
  assert.deepEqual(forced, { image: 'docker.io/library/nginx:n1' });
});

test('values: any string naming an image is replaced, a repository/tag map gets its tag set', () => {
  const values = {
    image: { repository: '127.0.0.1:5000/shop/web', tag: '', pullPolicy: 'IfNotPresent' },
    sidecar: { repository: 'nginx' },
    pinned: { repository: '127.0.0.1:5000/shop/web', tag: '1.2' },
    bitnami: { registry: '127.0.0.1:5000', repository: 'shop/web', tag: 'latest-release' },
    plain: '127.0.0.1:5000/shop/web',
    list: ['nginx', 'something else'],
    nameAndTag: { name: 'nginx', tag: '' },
  };
  const made: string[] = [];
  const out = replaceInValues(values, images, {}, made);
  assert.deepEqual(out, {
    image: { repository: '127.0.0.1:5000/shop/web', tag: 'abc123', pullPolicy: 'IfNotPresent' },
    sidecar: { repository: 'nginx', tag: 'n1' },
    pinned: { repository: '127.0.0.1:5000/shop/web', tag: '1.2' },
    bitnami: { registry: '127.0.0.1:5000', repository: 'shop/web', tag: 'latest-release' },
    plain: '127.0.0.1:5000/shop/web:abc123',
    list: ['docker.io/library/nginx:n1', 'something else'],
    nameAndTag: { name: 'nginx', tag: 'n1' },
  });
  assert.ok(!JSON.stringify(out).includes(':abc123:abc123'), 'never repo:tag:tag');
  assert.ok(made.length >= 4);
  const forced = replaceInValues(values, images, { replaceExplicitTags: true }) as typeof values;
  assert.equal(forced.pinned.tag, 'abc123');
  assert.equal(forced.bitnami.tag, 'abc123');
});

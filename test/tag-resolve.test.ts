// Which tags an image gets: -t over tags: over the content-addressed default; # placeholders; vars.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TAG_LENGTH, defaultTag, resolveTags } from '../tasks/build/image-tags.ts';
import { imageConfig, settings } from './fixtures/docker/task.ts';

const KEY = '0123456789abcdef'.repeat(4);

void test('the default tag is a prefix of the build key, the same for the same key', () => {
  assert.equal(defaultTag(KEY), KEY.slice(0, DEFAULT_TAG_LENGTH));
  assert.equal(defaultTag(`sha256:${KEY}`), KEY.slice(0, DEFAULT_TAG_LENGTH));
  assert.deepEqual(resolveTags(imageConfig({ name: 'a', image: 'r/a' }), KEY, settings()), [
    KEY.slice(0, 12),
  ]);
  assert.throws(() => defaultTag('not-a-key'));
});

void test('tags: templates replace the default; # becomes a random [a-z0-9]; ${VAR} left by the loader is filled', () => {
  const image = imageConfig({
    name: 'a',
    image: 'r/a',
    tags: ['dev-###', '${USER_TAG}', 'stable', 'stable'],
  });
  const picks = [0, 35, 26];
  const tags = resolveTags(image, KEY, settings(), { USER_TAG: 'from-var' }, () => picks.shift() ?? 0);
  assert.deepEqual(tags, ['dev-a90', 'from-var', 'stable']);
  const random = resolveTags(image, KEY, settings(), {});
  assert.match(random[0] ?? '', /^dev-[a-z0-9]{3}$/);
  assert.equal(random[1], '${USER_TAG}');
});

void test('-t overrides both tags: and the default', () => {
  const image = imageConfig({ name: 'a', image: 'r/a', tags: ['ignored'] });
  assert.deepEqual(resolveTags(image, KEY, settings({ tags: ['ci-1', 'latest'] })), ['ci-1', 'latest']);
});

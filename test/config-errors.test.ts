// Bad input: every kind of mistake gets a located message in one voice, all errors of a file at once.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg } from './helpers/cli.ts';
import { lines, load, project } from './fixtures/config/load-helpers.ts';

const header = 'version: v2beta1\nname: shop\n';

test('malformed YAML is reported at its line and column', async () => {
  const dir = await project({ 'devspace.yaml': `${header}images:\n  api:\n    image: repo: x\n` });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:5:12: error: Cannot parse YAML in "devspace.yaml": nested mappings are not allowed in compact mappings',
  ]);
});

test('a value of the wrong type names the path, what was expected and what was found', async () => {
  const dir = await project({
    'devspace.yaml': `${header}images:\n  api:\n    image: repo/api\n    tags: v1\n    skipPush: maybe\n`,
  });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:6:11: error: `images.api.tags` must be a list, got "v1"',
    'devspace.yaml:7:15: error: `images.api.skipPush` must be true or false, got "maybe"',
  ]);
});

test('an enum value outside the allowed ones lists them', async () => {
  const dir = await project({
    'devspace.yaml': `${header}images:\n  api:\n    image: repo/api\n    rebuildStrategy: sometimes\n`,
  });
  const result = await load(dir);
  assert.deepEqual(lines(result), [
    'devspace.yaml:6:22: error: `images.api.rebuildStrategy` must be one of default, always, ignoreContextChanges, got "sometimes"',
  ]);
  assert.ok(!result.ok);
  assert.equal(result.error[0]?.location?.length, 'sometimes'.length);
});

test('an unknown key is an error with a suggestion', async () => {
  const dir = await project({
    'devspace.yaml': `${header}images:\n  api:\n    imag: repo/api\n    image: repo/api\n`,
  });
  const result = await load(dir);
  assert.deepEqual(lines(result), ['devspace.yaml:5:5: error: Unknown key "imag" in `images.api`']);
  assert.ok(!result.ok);
  assert.equal(result.error[0]?.hint, 'did you mean "image"?');
});

test('an unknown top-level key in a v1 config is an error too', async () => {
  const dir = await project({ 'devspace.yaml': 'version: v1beta9\ncommand:\n- name: x\n  command: echo\n' });
  const result = await load(dir);
  assert.deepEqual(lines(result), [
    'devspace.yaml:2:1: error: Unknown key "command": DevSpace v1beta9 configs have no such key',
  ]);
  assert.ok(!result.ok);
  assert.equal(result.error[0]?.hint, 'did you mean "commands"?');
});

test('missing required keys: version, and images.X.image', async () => {
  const noVersion = await project({
    'devspace.yaml': 'name: shop\nimages:\n  api:\n    dockerfile: Dockerfile\n',
  });
  assert.deepEqual(lines(await load(noVersion)), [
    'devspace.yaml:1:1: error: Missing required key "version" in the config',
  ]);
  const noImage = await project({
    'devspace.yaml': `${header}images:\n  api:\n    dockerfile: Dockerfile\n`,
  });
  assert.deepEqual(lines(await load(noImage)), [
    'devspace.yaml:4:3: error: Missing required key "image" in `images.api`',
  ]);
});

test('an unknown or ancient version is refused with the supported list', async () => {
  const dir = await project({ 'devspace.yaml': 'version: v3\n' });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:1:10: error: Unknown config version "v3": dsg reads v1beta1 … v1beta11 and v2beta1',
  ]);
  const old = await project({ 'devspace.yaml': 'version: v1alpha4\n' });
  assert.match(
    lines(await load(old))[0] ?? '',
    /^devspace\.yaml:1:10: error: Config version "v1alpha4" is too old for dsg/,
  );
});

test('a duplicate image name is reported with both locations', async () => {
  const dir = await project({
    'devspace.yaml': `${header}images:\n  api:\n    image: a\n  api:\n    image: b\n`,
  });
  const result = await load(dir);
  assert.deepEqual(lines(result), [
    'devspace.yaml:6:3: error: Duplicate key "api" in `images`: every key of a mapping must be unique',
  ]);
  assert.ok(!result.ok);
  assert.deepEqual(result.error[0]?.related?.[0]?.location, {
    file: 'devspace.yaml',
    line: 4,
    col: 3,
    length: 3,
  });
});

test('a duplicate deployment name in a v1 list is reported with both locations', async () => {
  const yaml =
    'version: v1beta11\ndeployments:\n- name: web\n  kubectl:\n    manifests: [a.yaml]\n- name: web\n  kubectl:\n    manifests: [b.yaml]\n';
  const result = await load(await project({ 'devspace.yaml': yaml }));
  assert.deepEqual(lines(result), [
    'devspace.yaml:6:9: error: Duplicate deployment name "web": every deployment needs its own name',
  ]);
  assert.ok(!result.ok);
  assert.equal(result.error[0]?.related?.[0]?.location?.line, 3);
});

test('a dependency path that does not exist is located at the path', async () => {
  const dir = await project({ 'devspace.yaml': `${header}dependencies:\n  db:\n    path: ./database\n` });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:5:11: error: Cannot load dependency "db": "./database" does not exist',
  ]);
});

test('an undefined variable is located where it is used and names --var', async () => {
  const dir = await project({ 'devspace.yaml': `${header}images:\n  api:\n    image: \${REGISTRY}/api\n` });
  const result = await load(dir);
  assert.deepEqual(lines(result), [
    'devspace.yaml:5:12: error: Cannot resolve variable "REGISTRY": it is not declared under `vars`, not set in the environment and not predefined',
  ]);
  assert.ok(!result.ok);
  assert.match(result.error[0]?.hint ?? '', /--var REGISTRY=VALUE/);
});

test('an unknown profile lists the available ones', async () => {
  const dir = await project({ 'devspace.yaml': `${header}profiles:\n- name: prod\n- name: staging\n` });
  assert.deepEqual(lines(await load(dir, { profiles: ['production'] })), [
    'devspace.yaml:3:1: error: Unknown profile "production": available profiles are prod, staging',
  ]);
});

test('an empty file says what it needs', async () => {
  const dir = await project({ 'devspace.yaml': '# nothing yet\n' });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:1:1: error: Config file "devspace.yaml" is empty: it needs at least `version`',
  ]);
});

test('a directory given as --config is refused with a hint', async () => {
  const dir = await project({ 'sub/devspace.yaml': header });
  const result = await load(dir, { configFile: 'sub' });
  assert.deepEqual(lines(result), ['error: Cannot read config file "sub": it is a directory']);
  assert.ok(!result.ok);
  assert.equal(result.error[0]?.hint, 'pass the config file inside it, e.g. --config sub/devspace.yaml');
});

test('a missing config file: no devspace.yaml in cwd, or a --config that does not exist', async () => {
  const dir = await project({});
  assert.deepEqual(lines(await load(dir)), [
    `error: No devspace.yaml in "${dir}" — run from a project directory or pass --config FILE`,
  ]);
  assert.deepEqual(lines(await load(dir, { configFile: 'other.yaml' })), [
    'error: Cannot read config file "other.yaml": file not found',
  ]);
});

test('all errors of a file are reported at once', async () => {
  const yaml = `${header}images:\n  api:\n    image: repo/api\n    tags: v1\n  web:\n    dockerfile: x\ndeployments:\n  web:\n    kubectl:\n      manifest: [a.yaml]\n`;
  const result = await load(await project({ 'devspace.yaml': yaml }));
  assert.deepEqual(lines(result), [
    'devspace.yaml:6:11: error: `images.api.tags` must be a list, got "v1"',
    'devspace.yaml:7:3: error: Missing required key "image" in `images.web`',
    'devspace.yaml:12:7: error: Unknown key "manifest" in `deployments.web.kubectl`',
  ]);
});

test('a config in a sub folder is named relative to where dsg runs', async () => {
  const dir = await project({ 'sub/devspace.yaml': `${header}images:\n  api: {}\n` });
  assert.deepEqual(lines(await load(dir, { configFile: 'sub/devspace.yaml' })), [
    'sub/devspace.yaml:4:3: error: Missing required key "image" in `images.api`',
  ]);
});

test('dsg graph prints config errors with an excerpt and exits 1', async () => {
  const dir = await project({
    'devspace.yaml': `${header}images:\n  api:\n    image: repo/api\n    rebuildStrategy: sometimes\n`,
  });
  await mkdir(join(dir, '.dsg'), { recursive: true });
  const r = await runDsg(['graph'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /devspace\.yaml:6:22: error: `images\.api\.rebuildStrategy` must be one of default, always, ignoreContextChanges, got "sometimes"/,
  );
  assert.match(r.stderr, / {4}rebuildStrategy: sometimes\n.*\^{9}/);
});

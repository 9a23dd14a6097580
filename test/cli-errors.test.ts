// Every kind of bad config, through the real CLI: one located message, exit 1, no stack trace.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg, tempDir } from './helpers/cli.ts';

interface BadCase {
  name: string;
  yaml: string;
  args?: string[];
  message: RegExp;
}

const cases: BadCase[] = [
  {
    name: 'malformed YAML',
    yaml: 'version: v2beta1\nname: x\nimages:\n  api:\n    image: [oops\n',
    message: /^devspace\.yaml:\d+:\d+: error: Cannot parse YAML/m,
  },
  {
    name: 'a wrong type',
    yaml: 'version: v2beta1\nname: x\nimages: 5\n',
    message: /^devspace\.yaml:3:9: error: `images` must be a mapping, got 5/m,
  },
  {
    name: 'an unknown key',
    yaml: 'version: v2beta1\nname: x\nimagez:\n  api:\n    image: a\n',
    message: /^devspace\.yaml:3:1: error: Unknown key "imagez"[^]*did you mean "images"\?/m,
  },
  {
    name: 'a missing required field',
    yaml: 'name: x\nimages:\n  api:\n    image: a\n',
    message: /^devspace\.yaml:1:1: error: Missing required key "version"/m,
  },
  {
    name: 'a duplicate image name',
    yaml: 'version: v2beta1\nname: x\nimages:\n  api:\n    image: a\n  api:\n    image: b\n',
    message:
      /^devspace\.yaml:6:3: error: Duplicate key "api" in `images`[^]*devspace\.yaml:4:3: "api" is first defined here/m,
  },
  {
    name: 'a deployment that references an undefined image',
    yaml: 'version: v2beta1\nname: x\nimages:\n  api:\n    image: a\ndeployments:\n  web:\n    helm:\n      chart:\n        name: ./chart\n      values:\n        image: ${runtime.images.web.image}\n',
    message: /^devspace\.yaml:7:3: error: Image "web" used by deployment "web" is not defined in images/m,
  },
  {
    name: 'a dependency path that does not exist',
    yaml: 'version: v2beta1\nname: x\ndependencies:\n  db:\n    path: ./nope\n',
    message: /^devspace\.yaml:5:11: error: Cannot load dependency "db": "\.\/nope" does not exist/m,
  },
  {
    name: 'an undefined variable',
    yaml: 'version: v2beta1\nname: x\nimages:\n  api:\n    image: ${NOPE}/api\n',
    message: /^devspace\.yaml:5:12: error: Cannot resolve variable "NOPE"[^]*--var NOPE=VALUE/m,
  },
  {
    name: 'an unknown profile',
    yaml: 'version: v2beta1\nname: x\nprofiles:\n  - name: prod\n    patches: []\n',
    args: ['-p', 'prd'],
    message: /Unknown profile "prd"|profile "prd"/,
  },
  {
    name: 'an empty file',
    yaml: '',
    message: /^devspace\.yaml:1:1: error: Config file "devspace\.yaml" is empty/m,
  },
];

for (const c of cases) {
  test(`bad config: ${c.name}`, async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'devspace.yaml'), c.yaml);
    const r = await runDsg(['graph', ...(c.args ?? [])], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, c.message);
    assert.equal(r.stdout, '', 'nothing on stdout');
    assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+\)?\n|Error: /, 'no stack trace');
    // run fails the same way, before anything is written to .dsg/.
    const run = await runDsg(['run', 'deploy', ...(c.args ?? [])], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, c.message);
  });
}

test('bad config: a directory given as --config', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'sub'));
  const r = await runDsg(['graph', '--config', 'sub'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot read config file "sub": it is a directory[^]*--config sub\/devspace\.yaml/);
});

test('bad flags: --var without a value', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'devspace.yaml'), 'version: v2beta1\nname: x\n');
  const r = await runDsg(['graph', '--var', 'NOVALUE'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Flag "--var NOVALUE" must have the form NAME=VALUE/);
});

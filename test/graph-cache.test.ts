// `dsg graph` replays its memoised output only while nothing it depends on changed: every file the config
// loader and the compiler read, the flags, the environment. Each change below must be a miss that prints the
// new graph. DSG_DEBUG_GRAPH_CACHE=1 makes hits and misses visible on stderr.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDsg, tempDir } from './helpers/cli.ts';
import { underDeno } from './helpers/paths.ts';

const ROOT = `version: v2beta1
name: shop
vars:
  REGISTRY:
    source: env
    default: reg.local
images:
  api:
    image: \${REGISTRY}/api
  web:
    image: \${REGISTRY}/web
    dockerfile: web/Dockerfile
dependencies:
  db:
    path: ./db
deployments:
  app:
    kubectl:
      manifests:
        - kube
profiles:
  - name: other
    patches:
      - op: replace
        path: images.api.image
        value: reg.local/other
`;

const DB = `version: v2beta1
name: db
deployments:
  postgres:
    kubectl:
      manifests:
        - pg.yaml
`;

const manifest = (image: string): string => `kind: Deployment\nspec:\n  image: ${image}\n`;

/** A project with two images, a manifest folder, a Dockerfile and a dependency; every file a minute old. */
async function makeProject(): Promise<string> {
  const dir = await tempDir('dsg-graph-cache-');
  await mkdir(join(dir, 'kube'));
  await mkdir(join(dir, 'web'));
  await mkdir(join(dir, 'db'));
  await writeFile(join(dir, 'devspace.yaml'), ROOT);
  await writeFile(join(dir, 'kube/api.yaml'), manifest('reg.local/api'));
  await writeFile(join(dir, 'kube/web.yaml'), manifest('reg.local/web'));
  await writeFile(join(dir, 'web/Dockerfile'), 'FROM busybox\n');
  await writeFile(join(dir, 'db/devspace.yaml'), DB);
  await writeFile(join(dir, 'db/pg.yaml'), manifest('postgres:16'));
  await age(dir);
  return dir;
}

/** Sets every file and folder under `dir` (but `.dsg/`) a minute back, out of the racy-timestamp window. */
async function age(dir: string): Promise<void> {
  const past = new Date(Date.now() - 60_000);
  for (const name of await readdir(dir)) {
    if (name === '.dsg') continue;
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) await age(path);
    else await utimes(path, past, past);
  }
  await utimes(dir, past, past);
}

interface GraphRun {
  code: number;
  stdout: string;
  /** stderr without the cache's debug lines. */
  stderr: string;
  /** `hit`, or `miss (reason)`, or undefined when the cache was not consulted. */
  cache: string | undefined;
  stored: boolean;
}

async function graph(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<GraphRun> {
  const r = await runDsg(['graph', ...args], { cwd: dir, env: { DSG_DEBUG_GRAPH_CACHE: '1', ...env } });
  const lines = r.stderr.split('\n');
  const debug = lines.filter((l) => l.startsWith('graph cache: '));
  return {
    code: r.code,
    stdout: r.stdout,
    stderr: lines.filter((l) => !l.startsWith('graph cache: ')).join('\n'),
    cache: debug[0]?.slice('graph cache: '.length),
    stored: debug.includes('graph cache: stored'),
  };
}

/** Runs `dsg graph` twice: the first must miss for `why` and store, the second must replay it exactly. */
async function missThenHit(dir: string, why: RegExp, args: string[] = [], env = {}): Promise<GraphRun> {
  const miss = await graph(dir, args, env);
  assert.equal(miss.code, 0, miss.stderr);
  assert.match(miss.cache ?? '', why);
  assert.ok(miss.stored, 'the miss was not stored');
  const hit = await graph(dir, args, env);
  assert.equal(hit.cache, 'hit');
  assert.equal(hit.stdout, miss.stdout);
  assert.equal(hit.stderr, miss.stderr);
  return miss;
}

async function edit(dir: string, file: string, from: string, to: string): Promise<void> {
  const path = join(dir, file);
  const text = await readFile(path, 'utf8');
  assert.ok(text.includes(from), `${file} has no "${from}"`);
  await writeFile(path, text.replace(from, to));
}

test('a repeated dsg graph is a hit with the same output; each input change is a miss with the new graph', async () => {
  const dir = await makeProject();
  const first = await missThenHit(dir, /^miss \(no memo\)$/);
  assert.match(first.stdout, /deploy:app/);
  assert.match(first.stdout, /db\/deploy:postgres/);
  assert.doesNotMatch(first.stdout, /FROM/);

  // Same size, one character: the manifest no longer names image web.
  // Fresh off the editor its timestamp is too recent to trust: the new graph, not stored.
  await edit(dir, 'kube/web.yaml', 'reg.local/web', 'reg.local/wex');
  const racy = await graph(dir);
  assert.equal(racy.cache, 'miss (input changed)');
  assert.ok(!racy.stored);
  assert.doesNotMatch(racy.stdout, /image: reg.local\/web in kube\/web.yaml/);
  await age(dir);
  const manifestEdit = await missThenHit(dir, /^miss \(input changed\)$/);
  assert.equal(manifestEdit.stdout, racy.stdout);
  assert.doesNotMatch(manifestEdit.stdout, /image: reg.local\/web in kube\/web.yaml/);
  assert.notEqual(manifestEdit.stdout, first.stdout);

  // A new manifest in the folder brings the edge back.
  await writeFile(join(dir, 'kube/web2.yaml'), manifest('reg.local/web'));
  await age(dir);
  const added = await missThenHit(dir, /^miss \(input changed\)$/);
  assert.match(added.stdout, /image: reg.local\/web in kube\/web2.yaml/);

  // A Dockerfile FROM another image of the project adds a build → build edge.
  await edit(dir, 'web/Dockerfile', 'FROM busybox', 'FROM reg.local/api');
  await age(dir);
  const from = await missThenHit(dir, /^miss \(input changed\)$/);
  assert.match(from.stdout, /FROM reg.local\/api in web\/Dockerfile/);

  // The dependency's own config.
  await edit(dir, 'db/devspace.yaml', 'postgres:', 'postgrez:');
  await age(dir);
  const dep = await missThenHit(dir, /^miss \(input changed\)$/);
  assert.match(dep.stdout, /db\/deploy:postgrez/);
  assert.doesNotMatch(dep.stdout, /db\/deploy:postgres/);

  // The root config, same size, edited twice within a second: neither edit may be trusted to a timestamp.
  await edit(dir, 'devspace.yaml', '  app:\n', '  apq:\n');
  const renamed = await graph(dir);
  assert.equal(renamed.cache, 'miss (input changed)');
  assert.ok(!renamed.stored);
  assert.match(renamed.stdout, /deploy:apq/);
  await edit(dir, 'devspace.yaml', '  apq:\n', '  apr:\n');
  const again = await graph(dir);
  assert.equal(again.cache, 'miss (input changed)');
  assert.match(again.stdout, /deploy:apr/);
  await age(dir);
  await missThenHit(dir, /^miss \(input changed\)$/);
  if (!underDeno) {
    // Same size and the mtime put back exactly as it was: the change time still differs. (Deno reports the
    // change time in whole seconds, so there this only holds for edits a second apart.)
    const before = await stat(join(dir, 'devspace.yaml'));
    await edit(dir, 'devspace.yaml', '  apr:\n', '  aps:\n');
    await utimes(join(dir, 'devspace.yaml'), before.atime, before.mtime);
    const restored = await graph(dir);
    assert.equal(restored.cache, 'miss (input changed)');
    assert.match(restored.stdout, /deploy:aps/);
  }
});

test('flags, the environment the config reads and the output format each have their own entry', async () => {
  const dir = await makeProject();
  const plain = await missThenHit(dir, /^miss \(no memo\)$/);
  const registry = await missThenHit(dir, /^miss \(environment changed\)$/, [], { REGISTRY: 'reg.other' });
  assert.notEqual(registry.stdout, plain.stdout);
  // The slot of these flags now holds the other environment's entry: back to the first is a miss again.
  await missThenHit(dir, /^miss \(environment changed\)$/);
  const json = await missThenHit(dir, /^miss \(no memo\)$/, ['--format', 'json']);
  assert.ok(JSON.parse(json.stdout));
  const profile = await missThenHit(dir, /^miss \(no memo\)$/, ['-p', 'other']);
  assert.doesNotMatch(profile.stdout, /image: reg.local\/api in kube\/api.yaml/);
  const variable = await missThenHit(dir, /^miss \(no memo\)$/, ['--var', 'REGISTRY=reg.var']);
  assert.doesNotMatch(variable.stdout, /image: reg.local\/api in kube\/api.yaml/);
  const focus = await missThenHit(dir, /^miss \(no memo\)$/, ['--focus', 'build:web']);
  assert.doesNotMatch(focus.stdout, /postgres/);
  // Every combination kept its own entry.
  assert.equal((await graph(dir)).cache, 'hit');
  assert.equal((await graph(dir, ['--format', 'json'])).stdout, json.stdout);
  // An environment variable that cannot matter does not split entries.
  assert.equal((await graph(dir, [], { OLDPWD: '/elsewhere', SHLVL: '7' })).cache, 'hit');
});

test('a config using random, time, git or command values is never memoised', async () => {
  for (const value of [
    '${DEVSPACE_RANDOM}',
    '$(echo x)',
    '${DEVSPACE_TIMESTAMP}',
    '${DEVSPACE_GIT_COMMIT}',
  ]) {
    const dir = await tempDir('dsg-graph-cache-');
    await writeFile(
      join(dir, 'devspace.yaml'),
      `version: v2beta1\nname: v\nvars:\n  X: "${value}"\nimages:\n  api:\n    image: reg.local/api\n    buildArgs:\n      X: \${X}\n`,
    );
    await age(dir);
    for (let i = 0; i < 2; i++) {
      const r = await graph(dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.cache ?? '', /^miss/);
      assert.ok(!r.stored, `${value} was stored`);
    }
  }
});

test('warnings are replayed on a hit; a failing config is never stored; a damaged entry is a silent miss', async () => {
  const dir = await makeProject();
  await edit(dir, 'devspace.yaml', '        - kube\n', '        - kube\n        - missing.yaml\n');
  await age(dir);
  const warned = await missThenHit(dir, /^miss \(no memo\)$/);
  assert.match(
    warned.stderr,
    /Cannot find manifests "missing.yaml": no such file or folder; deployment "app" depends on every image/,
  );

  const cacheDir = join(dir, '.dsg/graph-cache');
  const [entry] = await readdir(cacheDir);
  assert.ok(entry);
  await writeFile(join(cacheDir, entry), '{"format":1,"key":');
  const damaged = await graph(dir);
  assert.equal(damaged.cache, 'miss (unreadable memo)');
  assert.equal(damaged.stdout, warned.stdout);
  assert.ok(damaged.stored);

  await writeFile(join(dir, 'devspace.yaml'), 'version: v2beta1\nimages: [\n');
  await age(dir);
  for (let i = 0; i < 2; i++) {
    const bad = await graph(dir);
    assert.equal(bad.code, 1);
    assert.equal(bad.cache, 'miss (input changed)');
    assert.ok(!bad.stored);
    assert.match(bad.stderr, /Cannot parse YAML/);
  }
});

test('a new file matching a manifest glob is a miss; without a writable .dsg/ dsg graph still works', async () => {
  const dir = await makeProject();
  await edit(dir, 'devspace.yaml', '        - kube\n', '        - kube/**/*.yaml\n');
  await age(dir);
  const before = await missThenHit(dir, /^miss \(no memo\)$/);
  assert.doesNotMatch(before.stdout, /deep.yaml/);
  await mkdir(join(dir, 'kube/nested'));
  await writeFile(join(dir, 'kube/nested/deep.yaml'), manifest('reg.local/web'));
  await age(dir);
  const after = await missThenHit(dir, /^miss \(input changed\)$/);
  assert.match(after.stdout, /image: reg.local\/web in kube\/nested\/deep.yaml/);

  await rm(join(dir, '.dsg'), { recursive: true });
  await writeFile(join(dir, '.dsg'), 'not a folder');
  for (let i = 0; i < 2; i++) {
    const r = await graph(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, after.stdout);
    assert.match(r.cache ?? '', /^miss/);
    assert.ok(!r.stored);
  }
});

test('only a command that runs while the config loads keeps it from being memoised', async () => {
  const memoised = async (body: string): Promise<boolean> => {
    const dir = await tempDir('dsg-graph-cache-');
    await writeFile(join(dir, 'devspace.yaml'), `version: v2beta1\nname: v\n${body}`);
    await age(dir);
    const r = await graph(dir);
    assert.equal(r.code, 0, r.stderr);
    return r.stored;
  };
  const image = 'images:\n  api:\n    image: reg.local/api\n';
  assert.equal(
    await memoised(`vars:\n  X:\n    command: echo x\n${image}    buildArgs: {X: "\${X}"}\n`),
    false,
  );
  assert.equal(
    await memoised(
      `vars: {X: {default: a}}\nprofiles:\n- name: p\n  activation:\n  - vars: {X: a}\n  patches:\n  - op: add\n    path: vars.Y\n    value:\n      command: echo y\n${image}    buildArgs: {Y: "\${Y}"}\n`,
    ),
    false,
  );
  // Commands that run later (a custom build, a container's command, `dsg run`-time commands) do not count.
  assert.equal(await memoised(`${image}    custom:\n      command: make\n`), true);
  assert.equal(
    await memoised(
      'deployments:\n  web:\n    helm:\n      values:\n        containers:\n        - image: x\n          command: [sh]\n',
    ),
    true,
  );
  assert.equal(await memoised(`${image}commands:\n  test:\n    command: npm test\n`), true);
  // A variable whose command is never used (and not resolved regardless) runs no command.
  assert.equal(
    await memoised(`vars:\n  UNUSED:\n    command: echo x\n    alwaysResolve: false\n${image}`),
    true,
  );
});

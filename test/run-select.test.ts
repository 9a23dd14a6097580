// What DevSpace users type: `dsg run deploy web` (with what web depends on), `--skip-deploy`, `--skip-build`
// (the last build stands in, said in a warning; never built is an error), config warnings as `--json` events,
// `dsg print` and `dsg list deployments` — through the real CLI, custom builds and the test cluster.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { runDsg, tempDir } from './helpers/cli.ts';
import { endStatuses, jsonEvents } from './helpers/custom-project.ts';
import { e2eCluster, type E2eCluster } from './helpers/e2e-cluster.ts';

/** A custom-built image that records the reference it was built as in `out/<name>.txt`. */
function image(name: string): string[] {
  return [
    `  ${name}:`,
    `    image: 127.0.0.1:5000/select/${name}`,
    '    custom:',
    `      command: mkdir -p out && echo "$DSG_IMAGE_REF" > out/${name}.txt`,
    `      onChange: [${name}/**]`,
  ];
}

function configMap(name: string, value: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  image: "${value}"\n`;
}

/** Root images a, b; deployments web (uses a) and api (uses b); dependency db with deployment pg. */
async function project(extra: string[] = []): Promise<string> {
  const dir = await tempDir('dsg-select-');
  const files: Record<string, string> = {
    'a/src.txt': 'a1\n',
    'b/src.txt': 'b1\n',
    'devspace.yaml': [
      'version: v2beta1',
      'name: select',
      'images:',
      ...image('a'),
      ...image('b'),
      'deployments:',
      '  web:',
      '    kubectl:',
      '      manifests: [web.yaml]',
      '  api:',
      '    kubectl:',
      '      manifests: [api.yaml]',
      'dependencies:',
      '  db:',
      '    path: ./db',
      ...extra,
      '',
    ].join('\n'),
    'web.yaml': configMap('web', '${runtime.images.a.image}:${runtime.images.a.tag}'),
    'api.yaml': configMap('api', '${runtime.images.b}'),
    'db/devspace.yaml':
      'version: v2beta1\nname: db\ndeployments:\n  pg:\n    kubectl:\n      manifests: [pg.yaml]\n',
    'db/pg.yaml': configMap('pg', 'postgres:16'),
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function dataImage(cluster: E2eCluster, name: string): Promise<string | undefined> {
  const cm = (await cluster.get('v1', 'ConfigMap', name)) as { data?: { image?: string } } | undefined;
  return cm?.data?.image;
}

async function built(dir: string, name: string): Promise<string> {
  return (await readFile(join(dir, 'out', `${name}.txt`), 'utf8')).trim();
}

test('dsg run deploy web deploys web with its image and its dependencies, nothing else; then the rest', async () => {
  const cluster = await e2eCluster();
  try {
    const dir = await project();
    const r = await runDsg(['run', 'deploy', 'web', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...endStatuses(r.stdout).keys()].sort(), [
      'build:a',
      'db/deploy:pg',
      'db/render:pg',
      'deploy:web',
      'render:web',
      'tag:a',
    ]);
    assert.equal(await dataImage(cluster, 'web'), await built(dir, 'a'));
    assert.equal(await dataImage(cluster, 'pg'), 'postgres:16');
    assert.equal(await dataImage(cluster, 'api'), undefined);

    // The whole run is another memo slot: it decides every task, and runs only what was left out.
    const all = await runDsg(['run', 'deploy', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(all.code, 0, all.stderr);
    const s = endStatuses(all.stdout);
    assert.equal(s.get('deploy:web'), 'cached');
    assert.equal(s.get('deploy:api'), 'ran');
    assert.equal(await dataImage(cluster, 'api'), await built(dir, 'b'));

    // Dependency deployments are named by their path; purge removes only what is named.
    const purge = await runDsg(['run', 'purge', 'api'], { cwd: dir, env: cluster.env });
    assert.equal(purge.code, 0, purge.stderr);
    assert.equal(await dataImage(cluster, 'api'), undefined);
    assert.ok(await dataImage(cluster, 'web'));
    const again = await runDsg(['run', 'deploy', 'db/pg', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual([...endStatuses(again.stdout).keys()].sort(), ['db/deploy:pg', 'db/render:pg']);
  } finally {
    await cluster.close();
  }
});

test('an unknown deployment is an error with a suggestion; build takes none; clashing flags are usage errors', async () => {
  const dir = await project();
  const r = await runDsg(['run', 'deploy', 'wbe'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error: Deployment "wbe" is not defined in devspace\.yaml — did you mean "web"\?/);
  assert.match(r.stderr, /defined deployments: "web", "api", "db\/pg"/);
  const build = await runDsg(['run', 'build', 'web'], { cwd: dir });
  assert.equal(build.code, 2);
  assert.match(build.stderr, /dsg run build takes no deployments/);
  const clash = await runDsg(['run', 'deploy', '--skip-build', '-b'], { cwd: dir });
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /--skip-build and --force-build cannot be given together/);
});

test('--skip-deploy builds and tags, renders and deploys nothing', async () => {
  const cluster = await e2eCluster();
  try {
    const dir = await project();
    const r = await runDsg(['run', 'deploy', '--skip-deploy', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...endStatuses(r.stdout).keys()].sort(), ['build:a', 'build:b', 'tag:a', 'tag:b']);
    assert.equal(await dataImage(cluster, 'web'), undefined);
    assert.equal(await dataImage(cluster, 'pg'), undefined);
  } finally {
    await cluster.close();
  }
});

test('--skip-build: never built is an error; the last build stands in, named in a warning; current builds are plain hits', async () => {
  const cluster = await e2eCluster();
  try {
    const dir = await project();
    const never = await runDsg(['run', 'deploy', 'web', '--skip-build'], { cwd: dir, env: cluster.env });
    assert.equal(never.code, 1, never.stdout);
    assert.match(
      never.stderr,
      /devspace\.yaml:4:3: error: Image "a" was never built here, so --skip-build has none to deploy/,
    );
    assert.equal(await dataImage(cluster, 'web'), undefined, 'nothing deployed');

    const first = await runDsg(['run', 'deploy', 'web'], { cwd: dir, env: cluster.env });
    assert.equal(first.code, 0, first.stderr);
    const firstRef = await built(dir, 'a');
    const current = await runDsg(['run', 'deploy', 'web', '--skip-build', '--json'], {
      cwd: dir,
      env: cluster.env,
    });
    assert.equal(current.code, 0, current.stderr);
    const hit = jsonEvents(current.stdout).find((e) => e.type === 'task-end' && e.id === 'build:a');
    assert.deepEqual(hit?.reason, { type: 'cached' }, 'the current inputs were built: no warning');

    await writeFile(join(dir, 'a/src.txt'), 'a2\n');
    const stale = await runDsg(['run', 'deploy', 'web', '--skip-build', '--json'], {
      cwd: dir,
      env: cluster.env,
    });
    assert.equal(stale.code, 0, stale.stderr);
    const end = jsonEvents(stale.stdout).find((e) => e.type === 'task-end' && e.id === 'build:a') as
      { status?: string; reason?: { from?: string }; warnings?: string[] } | undefined;
    assert.equal(end?.status, 'cached');
    assert.equal(end?.reason?.from, `--skip-build: last build, ${firstRef}`);
    assert.match(
      end?.warnings?.[0] ?? '',
      /^not built \(--skip-build\): deploying the last build .+ of 20\d\d-/,
    );
    assert.equal(await built(dir, 'a'), firstRef, 'nothing was built');
    assert.equal(await dataImage(cluster, 'web'), firstRef);
    const plain = await runDsg(['run', 'deploy', 'web', '--skip-build'], { cwd: dir, env: cluster.env });
    assert.match(plain.stdout, /\[build:a\] warning: not built \(--skip-build\)/);

    // Without the flag the changed image is built, and its new tag deployed.
    const fresh = await runDsg(['run', 'deploy', 'web'], { cwd: dir, env: cluster.env });
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.notEqual(await built(dir, 'a'), firstRef);
    assert.equal(await dataImage(cluster, 'web'), await built(dir, 'a'));
  } finally {
    await cluster.close();
  }
});

test('with --json, config warnings are events on stdout, also when a run memo answers', async () => {
  const dir = await project(['commands:', '  hello:', '    command: echo hi']);
  for (const round of ['first', 'memo']) {
    const r = await runDsg(['run', 'build', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', `${round}: nothing on stderr`);
    const warning = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; message?: string; location?: { line: number } })
      .find((e) => e.type === 'warning');
    assert.match(warning?.message ?? '', /`commands` is not supported by dsg yet/, round);
    assert.equal(warning?.location?.line, 24, round);
  }
  const text = await runDsg(['run', 'build'], { cwd: dir });
  assert.match(text.stderr, /devspace\.yaml:24:1: warning: `commands` is not supported by dsg yet/);
});

test('dsg print shows the config after variables and profiles, converted to v2beta1', async () => {
  const dir = await tempDir('dsg-print-');
  await writeFile(
    join(dir, 'devspace.yaml'),
    [
      'version: v1beta11',
      'vars:',
      '- name: API_TOKEN',
      '  default: s3cr3t-t0ken',
      '- name: REGISTRY',
      '  default: 127.0.0.1:5000',
      'images:',
      '  api:',
      '    image: ${REGISTRY}/print/api',
      '    build:',
      '      docker:',
      '        options:',
      '          buildArgs:',
      '            TOKEN: ${API_TOKEN}',
      'deployments:',
      '- name: api',
      '  kubectl:',
      '    manifests: [kube]',
      'profiles:',
      '- name: prod',
      '  patches:',
      '  - op: replace',
      '    path: images.api.image',
      '    value: registry.example.com/print/api',
      '',
    ].join('\n'),
  );
  const plain = await runDsg(['print'], { cwd: dir });
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^# devspace\.yaml \(v1beta11\) as dsg reads it\n/);
  assert.match(plain.stdout, /\nversion: v2beta1\n/);
  assert.match(plain.stdout, /\n {4}image: 127\.0\.0\.1:5000\/print\/api\n/);
  assert.match(plain.stdout, /\ndeployments:\n {2}api:\n {4}kubectl:\n/);
  assert.match(plain.stdout, /\n {6}TOKEN: \*\*\*\n/, 'a secret is never printed');
  assert.doesNotMatch(plain.stdout, /s3cr3t/);
  const prod = await runDsg(['print', '-p', 'prod', '--var', 'REGISTRY=x'], { cwd: dir });
  assert.equal(prod.code, 0, prod.stderr);
  assert.match(prod.stdout, /, profile "prod"\n/);
  assert.match(prod.stdout, /\n {4}image: registry\.example\.com\/print\/api\n/);
  const bad = await runDsg(['print', '-p', 'nope'], { cwd: dir });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /nope/);
});

test('dsg list deployments: kind, namespace, and the last deploy once there was one', async () => {
  const cluster = await e2eCluster();
  try {
    const dir = await project();
    const before = await runDsg(['list', 'deployments'], { cwd: dir, env: cluster.env });
    assert.equal(before.code, 0, before.stderr);
    const ns = cluster.namespace;
    const lines = before.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^deployment +kind +namespace +last deployed$/);
    assert.match(before.stdout, new RegExp(`\\nweb +kubectl +${ns} +never\\n`));
    assert.match(before.stdout, new RegExp(`\\ndb/pg +kubectl +${ns} +never\\n`));
    const deploy = await runDsg(['run', 'deploy', 'web'], { cwd: dir, env: cluster.env });
    assert.equal(deploy.code, 0, deploy.stderr);
    const after = await runDsg(['list', 'deployments', '--json'], { cwd: dir, env: cluster.env });
    assert.equal(after.code, 0, after.stderr);
    const rows = JSON.parse(after.stdout) as { name: string; last?: { key: string; at: string } }[];
    const web = rows.find((r) => r.name === 'web');
    assert.match(web?.last?.key ?? '', /^[0-9a-f]{64}$/);
    assert.ok(Date.now() - Date.parse(web?.last?.at ?? '') < 10 * 60_000);
    assert.equal(rows.find((r) => r.name === 'api')?.last, undefined);
    const text = await runDsg(['list', 'deployments'], { cwd: dir, env: cluster.env });
    assert.match(
      text.stdout,
      new RegExp(
        `\\nweb +kubectl +${ns} +20\\d\\d-\\d\\d-\\d\\d \\S+ +${web?.last?.key.slice(0, 12) ?? ''}\\n`,
      ),
    );
    const usage = await runDsg(['list', 'images'], { cwd: dir });
    assert.equal(usage.code, 2);
  } finally {
    await cluster.close();
  }
});

// Hooks: local commands around builds and deploys, run inside their task (its folder, environment, signal and
// log), in DevSpace's order, once per phase for a whole project's events, only when their task runs; a hook is an
// input of its task's key, and a failing hook fails its task with the hook's file and line.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { lines, load, loaded, project } from './fixtures/config/load-helpers.ts';
import { runDsg } from './helpers/cli.ts';
import { customProject, endStatuses, jsonEvents } from './helpers/custom-project.ts';
import { e2eCluster } from './helpers/e2e-cluster.ts';

const events = async (dir: string): Promise<string[]> =>
  (await readFile(join(dir, 'events.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);

/** Appends `hooks` to a generated project's devspace.yaml; returns the line of each hook's `- name:`. */
async function addHooks(dir: string, hooks: string[]): Promise<Map<string, number>> {
  const file = join(dir, 'devspace.yaml');
  const before = await readFile(file, 'utf8');
  const text = `${before}hooks:\n${hooks.join('')}`;
  await writeFile(file, text);
  const at = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    const m = /^ {2}- name: (\S+)/.exec(line);
    if (m?.[1]) at.set(m[1], i + 1);
  });
  return at;
}

const hook = (name: string, events: string, command: string): string =>
  `  - name: ${name}\n    events: [${events}]\n    command: ${JSON.stringify(command)}\n`;

test('build hooks run in order, once per phase, only when their task runs; a hook is part of its key', async () => {
  const dir = await customProject([{ name: 'api' }, { name: 'web', after: ['api'] }]);
  await addHooks(dir, [
    hook('first', 'before:build', 'echo "hook before all builds" >> events.log'),
    hook('each', 'before:build:*', 'echo "hook before $DSG_TASK" >> events.log'),
    hook('tagged', 'after:build:api', 'echo "hook api built as ${runtime.images.api.tag}" >> events.log'),
    hook('last', 'after:build', 'echo "hook after all builds" >> events.log'),
  ]);
  const first = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const log = await events(dir);
  const tagLine = log.find((l) => l.startsWith('hook api built as ')) ?? '';
  const tag = tagLine.slice('hook api built as '.length);
  assert.match(tag, /^[0-9a-f]{12}$/, 'the after: hook got the tag the build made');
  assert.deepEqual(log, [
    'hook before all builds',
    'hook before build:api',
    'start api',
    'end api',
    `hook api built as ${tag}`,
    'hook before build:web',
    'start web',
    'end web',
    'hook after all builds',
  ]);
  const hookLines = jsonEvents(first.stdout).filter((e) => e.type === 'task-log' && e.id === 'build:api');
  assert.ok(hookLines.length > 0, 'hook output goes to the task log');

  const second = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual([...new Set(endStatuses(second.stdout).values())], ['cached']);
  assert.deepEqual(await events(dir), log, 'cached tasks run no hooks');

  // Changing one image's hook re-runs that build (and what takes its tag), and the phase's hooks once.
  const file = join(dir, 'devspace.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace('hook api built as', 'hook api is'));
  const third = await runDsg(['run', 'build', '--json'], { cwd: dir });
  assert.equal(third.code, 0, third.stderr);
  const reason = jsonEvents(third.stdout).find((e) => e.type === 'task-end' && e.id === 'build:api')?.reason;
  assert.deepEqual(reason, { type: 'input-changed', changes: ['hooks[2].command'] });
  const added = (await events(dir)).slice(log.length);
  assert.equal(added.filter((l) => l === 'hook before all builds').length, 1);
  assert.equal(added.filter((l) => l === 'hook after all builds').length, 1);
  assert.equal(added.at(-1), 'hook after all builds');
});

test('a failing hook fails its task with its file and line; error hooks run; nothing is recorded', async () => {
  const dir = await customProject([{ name: 'api' }, { name: 'web' }]);
  const at = await addHooks(dir, [
    hook('check', 'before:build:web', 'echo "checking web" && exit 3'),
    hook('oops', 'error:build:*', 'echo "hook error in $DSG_TASK" >> events.log'),
  ]);
  const r = await runDsg(['run', 'build', '--keep-going'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.ok(
    r.stderr.includes(
      `devspace.yaml:${at.get('check')}:5: error: Hook "check" (before:build:web) of build:web failed: \`echo "checking web" && exit 3\` exited with code 3: checking web`,
    ),
    r.stderr,
  );
  assert.match(r.stderr, /hint: see the full output with: dsg logs build:web/);
  assert.ok(!(await events(dir)).includes('start web'), 'the build did not start');

  // The build of api fails: its error: hook runs, and the failure is the build's.
  await writeFile(join(dir, 'fail', 'api'), '');
  await writeFile(join(dir, 'api', 'src.txt'), 'changed\n');
  const file = join(dir, 'devspace.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace('&& exit 3', '&& true'));
  const again = await runDsg(['run', 'build', '--keep-going', '--json'], { cwd: dir });
  assert.equal(again.code, 1);
  const s = endStatuses(again.stdout);
  assert.equal(s.get('build:api'), 'failed');
  assert.equal(s.get('build:web'), 'ran', 'not cached: the failed run recorded nothing');
  assert.ok((await events(dir)).includes('hook error in build:api'));
  await rm(join(dir, 'fail', 'api'));
});

test('deploy hooks: before:deploy once with the built images, after:deploy:NAME, both in the cluster run', async () => {
  const cluster = await e2eCluster();
  try {
    const dir = await customProject([{ name: 'api' }]);
    const file = join(dir, 'devspace.yaml');
    await writeFile(
      join(dir, 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata:\n  image: ${runtime.images.api.image}:${runtime.images.api.tag}\n',
    );
    await writeFile(
      join(dir, 'one.yaml'),
      (await readFile(join(dir, 'cm.yaml'), 'utf8')).replace('NAME', 'one'),
    );
    await writeFile(
      join(dir, 'two.yaml'),
      (await readFile(join(dir, 'cm.yaml'), 'utf8')).replace('NAME', 'two'),
    );
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      `${text}deployments:\n  one:\n    kubectl:\n      manifests: [one.yaml]\n  two:\n    kubectl:\n      manifests: [two.yaml]\n`,
    );
    await addHooks(dir, [
      hook(
        'load',
        'before:deploy',
        'echo "hook load ${runtime.images.api.image}:${runtime.images.api.tag}" >> events.log',
      ),
      hook('done', 'after:deploy:two', 'echo "hook two is up" >> events.log'),
    ]);
    const r = await runDsg(['run', 'deploy'], { cwd: dir, env: { ...cluster.env, HOME: dir } });
    assert.equal(r.code, 0, r.stderr);
    const log = await events(dir);
    const loads = log.filter((l) => l.startsWith('hook load '));
    assert.equal(loads.length, 1, 'the phase hook ran once for two deployments');
    const live = await cluster.get('v1', 'ConfigMap', 'two');
    assert.equal(
      loads[0],
      `hook load ${String(live?.['data'] && (live['data'] as Record<string, string>)['image'])}`,
    );
    assert.equal(log.at(-1), 'hook two is up');
  } finally {
    await cluster.close();
  }
});

test('hooks in the config: container hooks and unknown events warned once each; the v1 when forms converted', async () => {
  const dir = await project({
    'devspace.yaml': [
      'version: v2beta1',
      'name: x',
      'deployments:',
      '  web:',
      '    kubectl:',
      '      manifests: [web.yaml]',
      'hooks:',
      '  - command: echo in the pod',
      '    container:',
      '      labelSelector: {app: web}',
      '    events: ["after:deploy:web"]',
      '  - upload: {localPath: ./dist}',
      '    events: ["after:deploy"]',
      '  - command: echo dev',
      '    events: ["before:dev", "after:deploy:web"]',
      '  - command: echo typo',
      '    events: ["after:deploy:wbe"]',
      '',
    ].join('\n'),
    'old/devspace.yaml': [
      'version: v1beta9',
      'images:',
      '  api:',
      '    image: registry.local/api',
      'hooks:',
      '  - command: echo',
      '    args: [before images]',
      '    when:',
      '      before:',
      '        images: all',
      '  - command: echo',
      '    when:',
      '      after:',
      '        deployments: web, db',
      '      onError:',
      '        images: all',
      '',
    ].join('\n'),
  });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:8:5: warning: Hook `hooks[0]` acts in a container (`container`): dsg runs local commands only, and ignores it',
    'devspace.yaml:12:5: warning: Hook `hooks[1]` acts in a container (`upload`): dsg runs local commands only, and ignores it',
    'devspace.yaml:14:5: warning: Hook `hooks[2]` listens to "before:dev", which dsg never fires',
    'devspace.yaml:16:5: warning: Hook `hooks[3]` listens to "after:deploy:wbe", but there is no deployment "wbe"',
  ]);
  const old = loaded(await load(join(dir, 'old')));
  assert.deepEqual(
    old.root.hooks.map((h) => [h.events, h.args ?? null]),
    [
      [['before:build'], ['before images']],
      [['after:deploy:web', 'after:deploy:db', 'error:build:*'], null],
    ],
  );
});

// What the run memo keys on in the environment: the variables the config reads, the ones dsg and its tools read,
// and the ones a custom build or hook declares (names in its shell line) — not every variable of the shell. A
// declared variable is also in its task's key, so a change to it rebuilds what it can change.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { envValues, shellVariables } from '../core/process.ts';
import { age } from './helpers/age.ts';
import { runDsg, tempDir, type DsgResult } from './helpers/cli.ts';
import { endStatuses } from './helpers/custom-project.ts';

test('the variables a shell line names: quoting, escapes, defaults; runtime references and parameters are none', () => {
  assert.deepEqual(
    shellVariables(
      'make $TARGET ${FLAVOR:-plain} "${OUT}/x" \'$LITERAL\' "it\'s $QUOTED" \\$ESCAPED ${runtime.images.api.tag} $1 $@ $? ${#LEN} $TARGET',
    ),
    ['TARGET', 'FLAVOR', 'OUT', 'QUOTED'],
  );
  assert.deepEqual(shellVariables('./build.sh --push'), []);
  // A key's declared environment: set variables only, and a secret's value as its digest.
  assert.deepEqual(envValues(['B', 'API_TOKEN', 'UNSET', 'A'], { A: '1', B: '2', API_TOKEN: 'hunter2' }), {
    A: '1',
    API_TOKEN: 'sha256:f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7',
    B: '2',
  });
});

const CONFIG = `version: v2beta1
name: env-memo
vars:
  TEAM:
    source: env
    default: core
images:
  app:
    image: local/\${TEAM}-app
    custom:
      command: echo "flavor $FLAVOR" > built.txt && echo built >> events.log
      skipImageArg: true
      onChange: [src/**]
hooks:
  - events: ["after:build:app"]
    command: echo "hook saw $HOOK_NOTE" >> events.log
`;

const DEBUG = { DSG_DEBUG_RUN_MEMO: '1' };

async function run(dir: string, env: Record<string, string>): Promise<{ memo: string; app: string }> {
  const r: DsgResult = await runDsg(['run', 'build', '--json'], { cwd: dir, env: { ...DEBUG, ...env } });
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
  const memo = r.stderr
    .split('\n')
    .find((l) => l.startsWith('run memo: '))
    ?.slice('run memo: '.length);
  return { memo: memo ?? '(no memo line)', app: endStatuses(r.stdout).get('build:app') ?? '(none)' };
}

test('the run memo misses for a variable the config reads or a custom build or hook declares, and for no other', async () => {
  const dir = await tempDir('dsg-memo-env-');
  await writeFile(join(dir, 'devspace.yaml'), CONFIG);
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'main.txt'), 'source\n');
  await age(dir);
  const base = { TEAM: 'core', FLAVOR: 'a', HOOK_NOTE: 'one' };
  assert.deepEqual(await run(dir, base), { memo: 'stored', app: 'ran' });
  assert.deepEqual(await run(dir, base), { memo: 'hit', app: 'cached' });

  // A variable nothing reads (a terminal's, hyperfine's, a CI job's): still a hit.
  assert.deepEqual(
    await run(dir, { ...base, HYPERFINE_RANDOMIZED_ENVIRONMENT_OFFSET: '17', TERM_SESSION_ID: 'x' }),
    {
      memo: 'hit',
      app: 'cached',
    },
  );

  // The config reads TEAM: a miss, and the image it names is another one.
  assert.deepEqual(await run(dir, { ...base, TEAM: 'other' }), {
    memo: 'miss (environment changed)',
    app: 'ran',
  });

  // The custom build's command names FLAVOR: a miss, and the build runs again with it.
  assert.deepEqual(await run(dir, { ...base, FLAVOR: 'b' }), {
    memo: 'miss (environment changed)',
    app: 'ran',
  });
  assert.deepEqual(await run(dir, { ...base, FLAVOR: 'b' }), { memo: 'hit', app: 'cached' });

  // The hook of the build names HOOK_NOTE: a miss, and the build (with its hook) runs again.
  assert.deepEqual(await run(dir, { ...base, FLAVOR: 'b', HOOK_NOTE: 'two' }), {
    memo: 'miss (environment changed)',
    app: 'ran',
  });
  // What kubectl reads (KUBECTL_*, like DOCKER_*, HELM_*, KUBECONFIG, PATH, HOME, proxies) misses the memo;
  // the keys are decided again and hold.
  assert.deepEqual(await run(dir, { ...base, FLAVOR: 'b', HOOK_NOTE: 'two', KUBECTL_KUBERC: 'off' }), {
    memo: 'miss (environment changed)',
    app: 'cached',
  });
  const why = await runDsg(['why', 'build:app'], {
    cwd: dir,
    env: { ...base, FLAVOR: 'b', HOOK_NOTE: 'three' },
  });
  assert.match(
    why.stdout,
    /input changed: env\.HOOK_NOTE\n[\s\S]*env HOOK_NOTE: "two" → "three"/,
    why.stdout + why.stderr,
  );
});

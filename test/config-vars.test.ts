// Variables: sources and precedence, commands, predefined values, escapes, typed values, errors.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import test from 'node:test';
import { lines, load, loaded, project, testEnv } from './fixtures/config/load-helpers.ts';

const withImage = (vars: string, image: string): string =>
  `version: v2beta1\nname: shop\nvars:\n${vars}images:\n  api:\n    image: ${image}\n`;

async function imageOf(yaml: string, options: Parameters<typeof load>[1] = {}): Promise<string | undefined> {
  const { root } = loaded(await load(await project({ 'devspace.yaml': yaml }), options));
  return root.images[0]?.image;
}

test('a variable comes from --var first, then its definition, then the environment', async () => {
  const yaml = withImage(
    '  REGISTRY: reg.local\n  TEAM:\n    default: core\n',
    '${REGISTRY}/${TEAM}/${USER_NAME}',
  );
  assert.equal(await imageOf(yaml, { env: testEnv({ USER_NAME: 'ann' }) }), 'reg.local/core/ann');
  assert.equal(
    await imageOf(yaml, { env: testEnv({ USER_NAME: 'ann', TEAM: 'env-team' }) }),
    'reg.local/env-team/ann',
  );
  assert.equal(
    await imageOf(yaml, {
      env: testEnv({ USER_NAME: 'ann', TEAM: 'env-team' }),
      vars: { TEAM: 'flag', REGISTRY: 'r2' },
    }),
    'r2/flag/ann',
  );
});

test('`value` ignores the environment, `source: env` requires it, `source: none` uses the default', async () => {
  const yaml = withImage(
    '  A:\n    value: fixed\n  B:\n    source: env\n    default: b-default\n  C:\n    source: none\n    default: c\n',
    '${A}-${B}-${C}',
  );
  assert.equal(await imageOf(yaml, { env: testEnv({ A: 'env-a', C: 'env-c' }) }), 'fixed-b-default-c');
  assert.equal(await imageOf(yaml, { env: testEnv({ B: 'env-b' }) }), 'fixed-env-b-c');
});

test('a variable that needs a terminal answer gets its default or a located error naming --var', async () => {
  const asked = withImage(
    '  NAME:\n    question: Which image?\n    default: nginx\n    source: input\n',
    '${NAME}',
  );
  assert.equal(await imageOf(asked, { env: testEnv({ NAME: 'ignored for input' }) }), 'nginx');
  const noDefault = withImage('  NAME:\n    question: Which image?\n', 'repo/${NAME}');
  const result = await load(await project({ 'devspace.yaml': noDefault }));
  assert.deepEqual(lines(result), [
    'devspace.yaml:8:12: error: Variable "NAME" has no value: DevSpace would ask for it in a terminal; pass --var NAME=VALUE',
  ]);
  assert.ok(!result.ok);
  assert.equal(
    result.error[0]?.hint,
    'or set the environment variable NAME, or give the variable a `default`',
  );
  assert.equal(result.error[0]?.related?.[0]?.location?.line, 4);
  assert.equal(await imageOf(noDefault, { vars: { NAME: 'given' } }), 'repo/given');
});

test('a command variable runs in the project folder; `$(...)` is its shorthand', async () => {
  const yaml = withImage(
    '  DIR: $(basename "$(pwd)")\n  UPPER:\n    command: sh\n    args: ["-c", "echo ${DIR} | tr a-z A-Z"]\n',
    'r/${DIR}/${UPPER}',
  );
  const dir = await project({ 'devspace.yaml': yaml });
  const { root } = loaded(await load(dir));
  const folder = basename(dir);
  assert.equal(root.images[0]?.image, `r/${folder}/${folder.toUpperCase()}`);
  assert.equal(root.vars['DIR'], folder);
});

test('a failing command is a located error with the command and its output', async () => {
  const yaml = withImage('  TAG:\n    command: echo broken >&2; exit 3\n', 'r:${TAG}');
  const result = await load(await project({ 'devspace.yaml': yaml }));
  assert.deepEqual(lines(result), [
    'devspace.yaml:4:3: error: Cannot resolve variable "TAG": command "echo broken >&2; exit 3" failed (exit code 3): broken',
  ]);
});

test('predefined variables: name, namespace, context, profiles', async () => {
  const yaml = `version: v2beta1
name: shop
images:
  api:
    image: \${DEVSPACE_NAME}/\${devspace.namespace}/\${DEVSPACE_CONTEXT}/\${DEVSPACE_PROFILES}/\${DEVSPACE_PROFILE}
profiles:
- name: a
- name: b
`;
  const { root } = loaded(
    await load(await project({ 'devspace.yaml': yaml }), {
      namespace: 'ns1',
      kubeContext: 'kind-x',
      profiles: ['a', 'b'],
    }),
  );
  assert.equal(root.images[0]?.image, 'shop/ns1/kind-x/a b/b');
  const { root: defaults } = loaded(await load(await project({ 'devspace.yaml': yaml })));
  assert.equal(defaults.images[0]?.image, 'shop/default///');
});

test('DEVSPACE_GIT_COMMIT is the short commit; outside a repository a clear stand-in with a warning', async () => {
  const yaml = withImage('', 'r/api:${DEVSPACE_GIT_COMMIT}-${devspace.git.branch}');
  const dir = await project({ 'devspace.yaml': yaml });
  const outside = await load(dir);
  assert.equal(loaded(outside).root.images[0]?.image, 'r/api:no-git-no-git');
  assert.match(
    lines(outside)[0] ?? '',
    /^devspace\.yaml:6:12: warning: Variable "DEVSPACE_GIT_COMMIT" is used but git cannot tell it \(.*\): using "no-git"$/,
  );
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: testEnv({
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@x',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@x',
      }),
    });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'x');
  const commit = git('rev-parse', 'HEAD').trim().slice(0, 8);
  const inside = await load(dir);
  assert.equal(loaded(inside).root.images[0]?.image, `r/api:${commit}-main`);
  assert.deepEqual(lines(inside), []);
});

test('escapes, forced strings and typed values', async () => {
  const yaml = `version: v2beta1
name: x
vars:
  N: 3
  FLAG: true
deployments:
  app:
    helm:
      values:
        replicas: \${N}
        label: $!{N}
        literal: $\${N}
        enabled: \${FLAG}
        text: n=\${N}
`;
  const { root } = loaded(await load(await project({ 'devspace.yaml': yaml })));
  const app = root.deployments[0];
  assert.ok(app?.type === 'component');
  assert.deepEqual(app.values, { replicas: 3, label: '3', literal: '${N}', enabled: true, text: 'n=3' });
  assert.deepEqual(root.vars, { N: '3', FLAG: 'true' });
});

test('--var values that look like numbers or booleans become them, as in DevSpace', async () => {
  const yaml =
    'version: v2beta1\nname: x\ndeployments:\n  app:\n    helm:\n      values:\n        replicas: ${R}\n        tag: ${T}\n';
  const { root } = loaded(
    await load(await project({ 'devspace.yaml': yaml }), { vars: { R: '2', T: '007' } }),
  );
  const app = root.deployments[0];
  assert.ok(app?.type === 'component');
  assert.deepEqual(app.values, { replicas: 2, tag: '007' });
});

test('a variable may use another; a cycle is an error', async () => {
  const ok = withImage('  A: ${B}-a\n  B: b\n', '${A}');
  assert.equal(await imageOf(ok), 'b-a');
  const cycle = withImage('  A: ${B}\n  B: ${A}\n', '${A}');
  const messages = lines(await load(await project({ 'devspace.yaml': cycle })));
  assert.ok(
    messages.some((m) =>
      m.includes('Cannot resolve variable "A": its definition refers to itself (A → B → A)'),
    ),
    messages.join('\n'),
  );
});

test('sections dsg ignores are not resolved, and runtime references stay as written', async () => {
  const yaml = `version: v2beta1
name: x
images:
  api:
    image: r/api
deployments:
  web:
    helm:
      values:
        image: \${runtime.images.api.image}:\${runtime.images.api.tag}
dev:
  web:
    imageSelector: \${NOT_DEFINED_ANYWHERE}
`;
  const result = await load(await project({ 'devspace.yaml': yaml }));
  const web = loaded(result).root.deployments[0];
  assert.ok(web?.type === 'component');
  assert.deepEqual(web.values, { image: '${runtime.images.api.image}:${runtime.images.api.tag}' });
});

test('v2beta1 resolves every declared variable (alwaysResolve), v1 only the used ones', async () => {
  const v2 = 'version: v2beta1\nname: x\nvars:\n  UNUSED:\n    question: never used\n';
  assert.deepEqual(lines(await load(await project({ 'devspace.yaml': v2 }))), [
    'devspace.yaml:4:3: error: Variable "UNUSED" has no value: DevSpace would ask for it in a terminal; pass --var UNUSED=VALUE',
  ]);
  const optOut =
    'version: v2beta1\nname: x\nvars:\n  UNUSED:\n    question: never used\n    alwaysResolve: false\n';
  assert.ok((await load(await project({ 'devspace.yaml': optOut }))).ok);
  const v1 = 'version: v1beta11\nvars:\n- name: UNUSED\n  question: never used\n';
  assert.ok((await load(await project({ 'devspace.yaml': v1 }))).ok);
});

test('in v1 configs an undeclared variable would have been a terminal question', async () => {
  const yaml = 'version: v1beta9\nimages:\n  app:\n    image: dscr.io/${DEVSPACE_USERNAME}/app\n';
  const result = await load(await project({ 'devspace.yaml': yaml }));
  assert.deepEqual(lines(result), [
    'devspace.yaml:4:12: error: Variable "DEVSPACE_USERNAME" has no value: DevSpace would ask for it in a terminal; pass --var DEVSPACE_USERNAME=VALUE',
  ]);
  const { root } = loaded(
    await load(await project({ 'devspace.yaml': yaml }), { vars: { DEVSPACE_USERNAME: 'me' } }),
  );
  assert.equal(root.images[0]?.image, 'dscr.io/me/app');
});

test('a whole-string $(...) expression is evaluated in v2beta1', async () => {
  const yaml =
    'version: v2beta1\nname: x\nvars:\n  REG: reg.local\nimages:\n  api:\n    image: $(echo ${REG}/api)\n    skipPush: $(test 1 = 2)\n';
  const { root } = loaded(await load(await project({ 'devspace.yaml': yaml })));
  assert.equal(root.images[0]?.image, 'reg.local/api');
  assert.equal(root.images[0]?.skipPush, false);
});

test('a malformed variable definition is located', async () => {
  const yaml =
    'version: v2beta1\nname: x\nvars:\n  A:\n    source: terminal\n  B:\n    value: [1]\n  C:\n    defualt: x\n';
  assert.deepEqual(lines(await load(await project({ 'devspace.yaml': yaml }))), [
    'devspace.yaml:5:13: error: `vars.A.source` must be one of all, env, input, command, none, got "terminal"',
    'devspace.yaml:7:12: error: `vars.B.value` must be a string, number or boolean, got a list',
    'devspace.yaml:9:5: error: Unknown key "defualt" in variable "C"',
  ]);
});

test('a .env file next to the config fills the environment, without overriding it', async () => {
  const yaml = withImage('  TAG:\n    source: env\n', 'r/${REGISTRY_USER}:${TAG}');
  const dir = await project({
    'devspace.yaml': yaml,
    '.env': '# local settings\nexport TAG=from-dotenv\nREGISTRY_USER="ann"\n',
  });
  assert.equal(loaded(await load(dir)).root.images[0]?.image, 'r/ann:from-dotenv');
  assert.equal(
    loaded(await load(dir, { env: testEnv({ TAG: 'from-env' }) })).root.images[0]?.image,
    'r/ann:from-env',
  );
});

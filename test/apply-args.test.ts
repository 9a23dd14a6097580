// `kubectl.applyArgs`: what a server-side apply can honour (`--validate`) changes the deploy and its key; every
// other argument is named where it is written, as a config warning, and changes neither.
import assert from 'node:assert/strict';
import test from 'node:test';
import { deployKind } from '../tasks/deploy/kind.ts';
import { renderAndDeploy, testCluster } from './fixtures/render/cluster.ts';
import { lines, load, project } from './fixtures/config/load-helpers.ts';
import {
  deployNode,
  inputsContext,
  kubectlDeployment,
  makeProject,
  settings,
} from './fixtures/render/tasks.ts';

test('applyArgs that dsg does not act on are located warnings; --validate, --server-side and --force-conflicts are not', async () => {
  const yaml = [
    'version: v2beta1',
    'name: args',
    'deployments:',
    '  web:',
    '    kubectl:',
    '      manifests: [kube/]',
    '      applyArgs:',
    '        - --validate=false',
    '        - --server-side',
    '        - --prune',
    '        - --field-manager=me',
    '        - --force-conflicts',
    '        - --validate=loud',
    '',
  ].join('\n');
  const result = await load(await project({ 'devspace.yaml': yaml }));
  assert.deepEqual(lines(result), [
    'devspace.yaml:10:11: warning: `deployments.web.kubectl.applyArgs[2]: --prune` is ignored: dsg prunes what left the render itself',
    'devspace.yaml:11:11: warning: `deployments.web.kubectl.applyArgs[3]: --field-manager=me` is ignored: dsg applies as field manager "dsg", which is how it tells hand edits',
    'devspace.yaml:13:11: warning: `deployments.web.kubectl.applyArgs[5]: --validate=loud` is ignored: kubectl takes true, false, strict, warn or ignore',
  ]);
  // The v1 spelling (`kubectl.flags`) is converted to applyArgs and warned about the same way.
  const v1 = [
    'version: v1beta9',
    'deployments:',
    '- name: web',
    '  kubectl:',
    '    manifests: [kube/]',
    '    flags: [--dry-run=client]',
    '',
  ].join('\n');
  assert.deepEqual(lines(await load(await project({ 'devspace.yaml': v1 }))), [
    'devspace.yaml:6:13: warning: `deployments.web.kubectl.applyArgs[0]: --dry-run=client` is ignored: use `dsg run render` to see what would be applied',
  ]);
});

const typo = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: { name: settings }',
  'data: { a: "1" }',
  'dataa: { b: "2" }',
  '',
].join('\n');

test('--validate sets how the server treats unknown fields, and only what is honoured is in the key', async () => {
  const cluster = await testCluster();
  try {
    const dir = await makeProject({ 'kube/settings.yaml': typo });
    const strict = await renderAndDeploy(
      cluster,
      dir,
      kubectlDeployment({ name: 'web', manifests: ['kube/'] }),
    );
    assert.equal(strict.deploy.ok, false, 'Strict by default, as kubectl apply');
    assert.match(strict.deploy.ok ? '' : strict.deploy.error.message, /dataa/);

    const warn = kubectlDeployment({ name: 'web', manifests: ['kube/'], applyArgs: ['--validate=warn'] });
    const warned = await renderAndDeploy(cluster, dir, warn);
    assert.ok(warned.deploy.ok, warned.deploy.ok ? '' : warned.deploy.error.message);
    assert.ok(
      warned.warnings.some((w) => /dataa/.test(w)),
      `a warning names the field: ${warned.warnings.join('\n')}`,
    );

    const off = kubectlDeployment({ name: 'web', manifests: ['kube/'], applyArgs: ['--validate=false'] });
    const quiet = await renderAndDeploy(cluster, dir, off, { forceDeploy: true });
    assert.ok(quiet.deploy.ok, quiet.deploy.ok ? '' : quiet.deploy.error.message);
    assert.ok(!quiet.warnings.some((w) => /dataa/.test(w)), quiet.warnings.join('\n'));

    // Keys: --validate changes the deploy's; an ignored argument does not.
    const spec = async (applyArgs: string[]): Promise<string> => {
      const task = deployNode(dir, kubectlDeployment({ name: 'web', manifests: ['kube/'], applyArgs }));
      const inputs = await deployKind.inputs(
        task,
        inputsContext(task, cluster.env, settings(cluster.stateDir)),
      );
      assert.ok(inputs.ok);
      return JSON.stringify(inputs.value.spec);
    };
    assert.equal(await spec([]), await spec(['--prune', '--server-side']));
    assert.notEqual(await spec([]), await spec(['--validate=warn']));
    assert.equal(await spec(['--validate=strict']), await spec([]));
  } finally {
    await cluster.close();
  }
});

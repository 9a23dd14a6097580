// A generated 1,000-image, 1,000-deployment config: read by the fast YAML path (the `yaml` package
// needs ~150 ms of cold JIT for it), loaded completely, every location still exact. No time limits
// here (timings are in the report); this guards the properties the speed depends on.
import assert from 'node:assert/strict';
import test from 'node:test';
import { parseYaml } from '../engine/config/parse-yaml.ts';
import { load, loaded, project } from './fixtures/config/load-helpers.ts';

function generated(count: number): string {
  let s = 'version: v2beta1\nname: big\nvars:\n  REGISTRY: 127.0.0.1:5000\nimages:\n';
  for (let i = 0; i < count; i++) {
    s += `  img${i}:\n    image: \${REGISTRY}/big/img${i}\n    dockerfile: svc${i}/Dockerfile\n    context: svc${i}\n`;
  }
  s += 'deployments:\n';
  for (let i = 0; i < count; i++)
    s += `  dep${i}:\n    kubectl:\n      manifests:\n        - kube/dep${i}.yaml\n`;
  return s;
}

test('a 1,000-image config is read by the fast path', async () => {
  const parsed = await parseYaml(generated(1000), 'devspace.yaml');
  assert.equal(parsed.parser, 'fast');
  assert.deepEqual(parsed.diagnostics, []);
});

test('a 1,000-image, 1,000-deployment config loads completely with exact locations', async () => {
  const { root, warnings } = loaded(await load(await project({ 'devspace.yaml': generated(1000) })));
  assert.deepEqual(warnings, []);
  assert.equal(root.images.length, 1000);
  assert.equal(root.deployments.length, 1000);
  const last = root.images[999];
  assert.equal(last?.image, '127.0.0.1:5000/big/img999');
  assert.deepEqual(last?.at, { file: 'devspace.yaml', line: 5 + 999 * 4 + 1, col: 3, length: 6 });
  const lastDeployment = root.deployments[999];
  assert.ok(lastDeployment?.type === 'kubectl');
  assert.deepEqual(root.locate(['deployments', 'dep999', 'kubectl', 'manifests', 0]), {
    file: 'devspace.yaml',
    line: 5 + 4000 + 1 + 999 * 4 + 4,
    col: 11,
    length: 'kube/dep999.yaml'.length,
  });
});

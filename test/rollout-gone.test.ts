// A rollout wait for a workload that does not exist (deleted by hand, or never created) fails at once with that
// reason instead of running into its timeout; a Job that is gone was cleaned up after it finished, so it is done.
import assert from 'node:assert/strict';
import test from 'node:test';
import { KubeClient } from '../tasks/kube/client.ts';
import { loadKubeTarget } from '../tasks/kube/kube-target.ts';
import { waitForRollouts } from '../tasks/kube/rollout.ts';
import { testCluster } from './fixtures/render/cluster.ts';

test('a rollout wait fails at once for a deleted workload and counts a cleaned-up Job as done', async () => {
  const cluster = await testCluster({ namespace: 'gone' });
  const target = loadKubeTarget(cluster.env);
  assert.ok(target.ok);
  const client = KubeClient.connect(target.value, 4);
  try {
    // A wait that did not notice would end in this timeout's message instead.
    const options = { selector: '', timeoutMs: 60_000, signal: new AbortController().signal };
    const ghost = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'gone' };
    const failed = await waitForRollouts(client, [ghost], options);
    assert.equal(failed.ok, false);
    if (failed.ok) return;
    assert.equal(failed.error.kind, 'rollout');
    assert.match(
      failed.error.kind === 'rollout' ? failed.error.message : '',
      /^Rollout of deployment\/web in namespace gone failed after \S+: it does not exist \(deleted while dsg waited for it\)$/,
    );
    const job = { apiVersion: 'batch/v1', kind: 'Job', name: 'migrate', namespace: 'gone' };
    assert.deepEqual(await waitForRollouts(client, [job], options), { ok: true, value: undefined });
  } finally {
    client.close();
    await cluster.close();
  }
});

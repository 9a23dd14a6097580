// Why a rollout cannot finish, read from its pods: a container the kubelet has given up on for now (an image
// it cannot pull, a container that keeps exiting) will not get better by waiting for the progress deadline,
// so deploy fails at once with the pod's reason, and for a crash the container's last log line.
import { fail, ok, type Result } from '../../core/result.ts';
import { isObject, objectAt, type KubeObject } from '../render/object.ts';
import type { KubeClient } from './client.ts';
import type { KubeFailure } from './errors.ts';

// Waiting reasons the kubelet reports after a failure it backs off from (pkg/kubelet/images and
// kuberuntime): retrying is on a timer, not because anything changed. ErrImagePull is left out: it is the
// first failure and turns into ImagePullBackOff within seconds when it persists.
const fatalReasons = new Set([
  'ImagePullBackOff',
  'CrashLoopBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** The first fatal problem of the workload's current pods, as one phrase; undefined when there is none. */
export async function podProblem(
  client: KubeClient,
  workload: KubeObject,
): Promise<Result<string | undefined, KubeFailure>> {
  const metadata = objectAt(workload, 'metadata');
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined;
  const selector = await currentPodSelector(client, workload);
  if (!selector.ok || selector.value === undefined || namespace === undefined) return selector;
  const pods = await client.list('v1', 'Pod', namespace, selector.value);
  if (!pods.ok) return pods;
  for (const pod of pods.value) {
    const name = stringOf(objectAt(pod, 'metadata')['name']);
    const status = objectAt(pod, 'status');
    const statuses = [status['initContainerStatuses'], status['containerStatuses']].flatMap((s) =>
      Array.isArray(s) ? s.filter(isObject) : [],
    );
    for (const container of statuses) {
      const waiting = objectAt(objectAt(container, 'state'), 'waiting');
      const reason = waiting['reason'];
      if (typeof reason !== 'string' || !fatalReasons.has(reason)) continue;
      const containerName = stringOf(container['name']);
      const message = typeof waiting['message'] === 'string' ? waiting['message'] : '';
      const where = `pod ${name}, container ${containerName}`;
      if (reason !== 'CrashLoopBackOff') return ok(`${reason}: ${message || 'no message'} (${where})`);
      const exit = objectAt(objectAt(container, 'lastState'), 'terminated')['exitCode'];
      const log = await client.log(
        { name, namespace },
        { container: containerName, previous: true, tailLines: 1 },
      );
      const line = log.ok ? (log.value.trim().split('\n').at(-1) ?? '') : '';
      const code = typeof exit === 'number' ? ` with code ${exit}` : '';
      return ok(
        `CrashLoopBackOff: the container keeps exiting${code} (${where})${line ? `; last log line: ${JSON.stringify(line)}` : ''}`,
      );
    }
  }
  return ok(undefined);
}

/** A label selector of the pods of the workload's current revision; undefined when it cannot be told. */
async function currentPodSelector(
  client: KubeClient,
  workload: KubeObject,
): Promise<Result<string | undefined, KubeFailure>> {
  const spec = objectAt(workload, 'spec');
  const status = objectAt(workload, 'status');
  const metadata = objectAt(workload, 'metadata');
  const labels = objectAt(objectAt(spec, 'selector'), 'matchLabels');
  const base = Object.entries(labels).map(([k, v]) => `${k}=${stringOf(v)}`);
  if (base.length === 0) return ok(undefined);
  switch (workload['kind']) {
    case 'Deployment': {
      // The ReplicaSet of the deployment's revision holds the new pods; older ones may still be running.
      const revision = objectAt(metadata, 'annotations')['deployment.kubernetes.io/revision'];
      const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined;
      const sets = await client.list('apps/v1', 'ReplicaSet', namespace, base.join(','));
      if (!sets.ok) return fail(sets.error);
      const current = sets.value.find(
        (rs) =>
          objectAt(objectAt(rs, 'metadata'), 'annotations')['deployment.kubernetes.io/revision'] === revision,
      );
      const hash = current && objectAt(objectAt(current, 'metadata'), 'labels')['pod-template-hash'];
      return ok(typeof hash === 'string' ? [...base, `pod-template-hash=${hash}`].join(',') : undefined);
    }
    case 'StatefulSet': {
      const update = status['updateRevision'];
      return ok(
        typeof update === 'string' ? [...base, `controller-revision-hash=${update}`].join(',') : undefined,
      );
    }
    default:
      return ok(base.join(','));
  }
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

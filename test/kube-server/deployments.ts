// The Deployment and ReplicaSet controllers, simulated: a ReplicaSet per pod template (old ones scaled to
// zero), its pods, and the status `kubectl rollout status` and `helm --wait` read. A rollout whose pods do
// not become ready stays `Progressing=True` until `spec.progressDeadlineSeconds` (600 by default) have passed
// since it started, then turns `ProgressDeadlineExceeded`, as the real controller does (pkg/controller/
// deployment/progress.go); the stand-in's seconds last `secondMs`.
import { clone, deepEqual, isRecord, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';
import { createPod, ownedPods, podFate, randomSuffix, shortHash, templateOf } from './pods.ts';
import {
  condition,
  ownerRef,
  replicasOf,
  spec,
  typeOf,
  withLabels,
  writeStatus,
} from './reconcile-helpers.ts';

/** Deployment: one ReplicaSet per pod template (old ones scaled to zero), then the rollout status. */
export function reconcileDeployment(
  state: ServerState,
  type: ResourceType,
  live: KubeObject,
): number | undefined {
  const rsType = typeOf(state, 'apps/v1', 'ReplicaSet');
  const template = templateOf(live);
  const hash = shortHash(template);
  const desired = replicasOf(live);
  const owned = state.store
    .list(rsType, live.metadata.namespace)
    .filter((rs) => (rs.metadata.ownerReferences ?? []).some((r) => r.uid === live.metadata.uid));
  const revisionOf = (rs: KubeObject): number =>
    Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '0');
  const current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const maxRevision = Math.max(0, ...owned.map(revisionOf));
  const revision = current && revisionOf(current) === maxRevision ? maxRevision : maxRevision + 1;
  const selector = clone(isRecord(spec(live)['selector']) ? spec(live)['selector'] : {}) as Record<
    string,
    unknown
  >;
  selector['matchLabels'] = {
    ...(isRecord(selector['matchLabels']) ? selector['matchLabels'] : {}),
    'pod-template-hash': hash,
  };
  const templateMeta = isRecord(template['metadata']) ? template['metadata'] : {};
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${live.metadata.name}-${hash}`,
      namespace: live.metadata.namespace ?? 'default',
      labels: {
        ...(isRecord(templateMeta['labels']) ? (templateMeta['labels'] as Record<string, string>) : {}),
        'pod-template-hash': hash,
      },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(desired),
        'deployment.kubernetes.io/revision': String(revision),
      },
      ownerReferences: [ownerRef(live, 'apps/v1')],
    },
    spec: { replicas: desired, selector, template: withLabels(template, { 'pod-template-hash': hash }) },
  };
  let newRs: KubeObject;
  if (!current) {
    newRs = state.store.create(rsType, rs);
  } else if (
    !deepEqual(current['spec'], rs['spec']) ||
    !deepEqual(current.metadata.annotations, rs.metadata.annotations)
  ) {
    newRs = state.store.update(
      rsType,
      {
        ...clone(current),
        spec: rs['spec'],
        metadata: { ...clone(current.metadata), annotations: rs.metadata.annotations ?? {} },
      },
      current,
    );
  } else {
    newRs = current;
  }
  syncReplicaSet(state, rsType, newRs);
  for (const old of owned) {
    if (old.metadata.name === newRs.metadata.name) continue;
    const scaled =
      replicasOf(old) === 0
        ? old
        : state.store.update(rsType, { ...clone(old), spec: { ...spec(old), replicas: 0 } }, old);
    syncReplicaSet(state, rsType, scaled);
  }
  const ready = desired === 0 || podFate(state, template).kind === 'ready';
  const rsName = newRs.metadata.name;
  const uid = live.metadata.uid ?? '';
  let started = state.progress.get(uid);
  if (started?.hash !== hash) state.progress.set(uid, (started = { hash, startedAt: Date.now() }));
  const deadline = Number(spec(live)['progressDeadlineSeconds'] ?? 600) * state.simulation.secondMs;
  const left = started.startedAt + deadline - Date.now();
  const status = {
    observedGeneration: live.metadata.generation ?? 1,
    replicas: desired,
    updatedReplicas: desired,
    readyReplicas: ready ? desired : 0,
    availableReplicas: ready ? desired : 0,
    ...(ready ? {} : { unavailableReplicas: desired }),
    conditions: ready
      ? [
          condition('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
          condition(
            'Progressing',
            true,
            'NewReplicaSetAvailable',
            `ReplicaSet "${rsName}" has successfully progressed.`,
          ),
        ]
      : [
          condition(
            'Available',
            false,
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          ),
          left > 0
            ? condition('Progressing', true, 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`)
            : condition(
                'Progressing',
                false,
                'ProgressDeadlineExceeded',
                `ReplicaSet "${rsName}" has timed out progressing.`,
              ),
        ],
  };
  writeStatus(state, type, live, status, { 'deployment.kubernetes.io/revision': String(revision) });
  // Look again when the deadline passes, as the real controller requeues the deployment.
  return !ready && left > 0 ? left + 1 : undefined;
}

/** ReplicaSet: as many pods as `spec.replicas`, and the matching status. */
export function syncReplicaSet(state: ServerState, type: ResourceType, live: KubeObject): void {
  const podType = typeOf(state, 'v1', 'Pod');
  const desired = replicasOf(live);
  const template = templateOf(live);
  const fate = podFate(state, template);
  const ready = fate.kind === 'ready';
  const pods = ownedPods(state, podType, live);
  for (const pod of pods.slice(desired)) state.store.remove(podType, pod);
  for (let i = pods.length; i < desired; i++) {
    const name = `${live.metadata.name}-${randomSuffix()}`;
    createPod(state, podType, { object: live, apiVersion: 'apps/v1' }, name, template, {}, fate);
  }
  const count = ready ? desired : 0;
  const status = {
    observedGeneration: live.metadata.generation ?? 1,
    replicas: desired,
    fullyLabeledReplicas: desired,
    readyReplicas: count,
    availableReplicas: count,
  };
  const current = state.store.get(type, live.metadata.namespace, live.metadata.name);
  if (current) writeStatus(state, type, current, status);
}

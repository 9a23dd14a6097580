// The StatefulSet, DaemonSet and Job controllers, simulated: their pods and the status that `kubectl
// rollout status` and `kubectl wait` read. A template marked never-ready gets the failure status instead.
import { now, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';
import { createPod, ownedPods, podFate, randomSuffix, shortHash, templateOf, type PodState } from './pods.ts';
import { condition, replicasOf, spec, typeOf, writeStatus } from './reconcile-helpers.ts';

/** Replaces the pods of a workload whose revision label differs, keeping `names` pods at `revision`. */
function syncRevisionPods(
  state: ServerState,
  live: KubeObject,
  names: string[],
  revision: string,
  fate: PodState,
  labels: (name: string, i: number) => Record<string, string>,
): void {
  const podType = typeOf(state, 'v1', 'Pod');
  const template = templateOf(live);
  const pods = ownedPods(state, podType, live);
  for (const pod of pods) {
    if (pod.metadata.labels?.['controller-revision-hash'] !== revision || !names.includes(pod.metadata.name))
      state.store.remove(podType, pod);
  }
  names.forEach((name, i) => {
    if (state.store.get(podType, live.metadata.namespace, name)) return;
    const podLabels = { 'controller-revision-hash': revision, ...labels(name, i) };
    createPod(state, podType, { object: live, apiVersion: 'apps/v1' }, name, template, podLabels, fate);
  });
}

/** StatefulSet: ordinal pods, and current = update revision once they are ready. */
export function reconcileStatefulSet(state: ServerState, type: ResourceType, live: KubeObject): void {
  const desired = replicasOf(live);
  const fate = podFate(state, templateOf(live));
  const ready = desired === 0 || fate.kind === 'ready';
  const revision = `${live.metadata.name}-${shortHash(templateOf(live))}`;
  const names = Array.from({ length: desired }, (_, i) => `${live.metadata.name}-${i}`);
  syncRevisionPods(state, live, names, revision, fate, (name, i) => ({
    'statefulset.kubernetes.io/pod-name': name,
    'apps.kubernetes.io/pod-index': String(i),
  }));
  const count = ready ? desired : 0;
  const status = {
    observedGeneration: live.metadata.generation ?? 1,
    replicas: desired,
    readyReplicas: count,
    currentReplicas: desired,
    updatedReplicas: desired,
    availableReplicas: count,
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
  };
  writeStatus(state, type, live, status);
}

/** DaemonSet: the stand-in cluster has one node, so one pod. */
export function reconcileDaemonSet(state: ServerState, type: ResourceType, live: KubeObject): void {
  const fate = podFate(state, templateOf(live));
  const ready = fate.kind === 'ready';
  const revision = shortHash(templateOf(live));
  const podType = typeOf(state, 'v1', 'Pod');
  const existing = ownedPods(state, podType, live).find(
    (p) => p.metadata.labels?.['controller-revision-hash'] === revision,
  );
  syncRevisionPods(
    state,
    live,
    [existing?.metadata.name ?? `${live.metadata.name}-${randomSuffix()}`],
    revision,
    fate,
    () => ({}),
  );
  const n = ready ? 1 : 0;
  const status = {
    observedGeneration: live.metadata.generation ?? 1,
    currentNumberScheduled: 1,
    desiredNumberScheduled: 1,
    numberMisscheduled: 0,
    numberReady: n,
    updatedNumberScheduled: 1,
    numberAvailable: n,
    ...(ready ? {} : { numberUnavailable: 1 }),
  };
  writeStatus(state, type, live, status);
}

/**
 * Job: one pod that succeeds (Complete); a pod that never becomes ready or crashes fails it (Failed, backoff
 * limit exceeded); a pod whose image cannot be pulled keeps it active, as on a real cluster.
 */
export function reconcileJob(state: ServerState, type: ResourceType, live: KubeObject): void {
  if (spec(live)['suspend'] === true) return;
  const podType = typeOf(state, 'v1', 'Pod');
  const fate = podFate(state, templateOf(live));
  const failed = fate.kind === 'unready' || fate.kind === 'crash';
  if (ownedPods(state, podType, live).length === 0) {
    const name = `${live.metadata.name}-${randomSuffix()}`;
    createPod(
      state,
      podType,
      { object: live, apiVersion: 'batch/v1' },
      name,
      templateOf(live),
      {},
      fate.kind === 'pull-error' ? fate : { kind: failed ? 'failed' : 'succeeded' },
    );
  }
  const time = now();
  if (fate.kind === 'pull-error') {
    writeStatus(state, type, live, { startTime: time, active: 1, ready: 0, terminating: 0 });
    return;
  }
  const base = { startTime: time, active: 0, ready: 0, terminating: 0, uncountedTerminatedPods: {} };
  const status = failed
    ? {
        ...base,
        failed: 1,
        conditions: [
          condition(
            'FailureTarget',
            true,
            'BackoffLimitExceeded',
            'Job has reached the specified backoff limit',
          ),
          condition('Failed', true, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        ],
      }
    : {
        ...base,
        succeeded: 1,
        completionTime: time,
        conditions: [
          condition(
            'SuccessCriteriaMet',
            true,
            'CompletionsReached',
            'Reached expected number of succeeded pods',
          ),
          condition('Complete', true, 'CompletionsReached', 'Reached expected number of succeeded pods'),
        ],
      };
  writeStatus(state, type, live, status);
}

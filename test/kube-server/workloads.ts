// What the simulated controllers do once their delay has passed: create the ReplicaSets and pods a
// workload implies and write the status that `kubectl rollout status`, `kubectl wait` and `helm --wait`
// read. A template marked never-ready gets the failure status instead.
import { clone, deepEqual, isRecord, now, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';
import {
  createPod,
  isNeverReady,
  ownedPods,
  podStatus,
  randomSuffix,
  shortHash,
  templateOf,
} from './pods.ts';

function typeOf(state: ServerState, apiVersion: string, kind: string): ResourceType {
  const type = state.registry.byKind(apiVersion, kind);
  if (!type) throw new Error(`Built-in type ${apiVersion} ${kind} is not registered`);
  return type;
}

function spec(object: KubeObject): Record<string, unknown> {
  return isRecord(object['spec']) ? object['spec'] : {};
}

function replicasOf(object: KubeObject): number {
  const r = spec(object)['replicas'];
  return typeof r === 'number' ? r : 1;
}

function condition(type: string, status: boolean, reason: string, message: string): object {
  const time = now();
  return {
    type,
    status: status ? 'True' : 'False',
    lastUpdateTime: time,
    lastTransitionTime: time,
    reason,
    message,
  };
}

/** Writes a new status (and optionally annotations) when it differs from the live one. */
function writeStatus(
  state: ServerState,
  type: ResourceType,
  live: KubeObject,
  status: object,
  annotations?: Record<string, string>,
): void {
  const sameAnnotations =
    !annotations || Object.entries(annotations).every(([k, v]) => live.metadata.annotations?.[k] === v);
  if (deepEqual(stripTimes(live['status']), stripTimes(status)) && sameAnnotations) return;
  const updated = clone(live);
  updated['status'] = status;
  if (annotations) updated.metadata.annotations = { ...updated.metadata.annotations, ...annotations };
  state.store.update(type, updated, live);
}

function stripTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTimes);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    if (!/Time$|^startedAt$|^finishedAt$/.test(k)) out[k] = stripTimes(v);
  return out;
}

function ownerRef(
  owner: KubeObject,
  apiVersion: string,
): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
  };
}

function withLabels(
  template: Record<string, unknown>,
  labels: Record<string, string>,
): Record<string, unknown> {
  const out = clone(template);
  const metadata = isRecord(out['metadata']) ? out['metadata'] : {};
  metadata['labels'] = { ...(isRecord(metadata['labels']) ? metadata['labels'] : {}), ...labels };
  out['metadata'] = metadata;
  return out;
}

/** Deployment: one ReplicaSet per pod template (old ones scaled to zero), then the rollout status. */
export function reconcileDeployment(state: ServerState, type: ResourceType, live: KubeObject): void {
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
  const ready = desired === 0 || !isNeverReady(template);
  const rsName = newRs.metadata.name;
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
          condition(
            'Progressing',
            false,
            'ProgressDeadlineExceeded',
            `ReplicaSet "${rsName}" has timed out progressing.`,
          ),
        ],
  };
  writeStatus(state, type, live, status, { 'deployment.kubernetes.io/revision': String(revision) });
}

/** ReplicaSet: as many pods as `spec.replicas`, and the matching status. */
export function syncReplicaSet(state: ServerState, type: ResourceType, live: KubeObject): void {
  const podType = typeOf(state, 'v1', 'Pod');
  const desired = replicasOf(live);
  const template = templateOf(live);
  const ready = !isNeverReady(template);
  const pods = ownedPods(state, podType, live);
  for (const pod of pods.slice(desired)) state.store.remove(podType, pod);
  for (let i = pods.length; i < desired; i++) {
    const name = `${live.metadata.name}-${randomSuffix()}`;
    createPod(
      state,
      podType,
      { object: live, apiVersion: 'apps/v1' },
      name,
      template,
      {},
      ready ? 'Running' : 'Pending',
    );
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

/** Replaces the pods of a workload whose revision label differs, keeping `names` pods at `revision`. */
function syncRevisionPods(
  state: ServerState,
  live: KubeObject,
  names: string[],
  revision: string,
  ready: boolean,
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
    createPod(
      state,
      podType,
      { object: live, apiVersion: 'apps/v1' },
      name,
      template,
      podLabels,
      ready ? 'Running' : 'Pending',
    );
  });
}

/** StatefulSet: ordinal pods, and current = update revision once they are ready. */
export function reconcileStatefulSet(state: ServerState, type: ResourceType, live: KubeObject): void {
  const desired = replicasOf(live);
  const ready = desired === 0 || !isNeverReady(templateOf(live));
  const revision = `${live.metadata.name}-${shortHash(templateOf(live))}`;
  const names = Array.from({ length: desired }, (_, i) => `${live.metadata.name}-${i}`);
  syncRevisionPods(state, live, names, revision, ready, (name, i) => ({
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
  const ready = !isNeverReady(templateOf(live));
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
    ready,
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

/** Job: one pod that succeeds (Complete) or, when never-ready, fails (Failed, backoff limit exceeded). */
export function reconcileJob(state: ServerState, type: ResourceType, live: KubeObject): void {
  if (spec(live)['suspend'] === true) return;
  const podType = typeOf(state, 'v1', 'Pod');
  const failed = isNeverReady(templateOf(live));
  if (ownedPods(state, podType, live).length === 0) {
    const name = `${live.metadata.name}-${randomSuffix()}`;
    createPod(
      state,
      podType,
      { object: live, apiVersion: 'batch/v1' },
      name,
      templateOf(live),
      {},
      failed ? 'Failed' : 'Succeeded',
    );
  }
  const time = now();
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

/** A pod created directly: Running and Ready, or Pending when never-ready. */
export function reconcilePod(state: ServerState, type: ResourceType, live: KubeObject): void {
  const phase = isNeverReady(live) ? 'Pending' : 'Running';
  writeStatus(state, type, live, podStatus(live['spec'], phase, state.allocator.podIp()));
}

/** PersistentVolumeClaim: bound, with the requested capacity. */
export function reconcileClaim(state: ServerState, type: ResourceType, live: KubeObject): void {
  const resources = isRecord(spec(live)['resources'])
    ? (spec(live)['resources'] as Record<string, unknown>)
    : {};
  const requests = isRecord(resources['requests']) ? resources['requests'] : {};
  writeStatus(state, type, live, {
    phase: 'Bound',
    accessModes: spec(live)['accessModes'] ?? [],
    capacity: { ...requests },
  });
}

/** LoadBalancer Service: an ingress address. */
export function reconcileService(state: ServerState, type: ResourceType, live: KubeObject): void {
  writeStatus(state, type, live, { loadBalancer: { ingress: [{ ip: '127.0.0.1', ipMode: 'VIP' }] } });
}

/** CustomResourceDefinition: names accepted and established. */
export function reconcileCrd(state: ServerState, type: ResourceType, live: KubeObject): void {
  const versions = Array.isArray(spec(live)['versions'])
    ? (spec(live)['versions'] as unknown[]).filter(isRecord)
    : [];
  writeStatus(state, type, live, {
    conditions: [
      condition('NamesAccepted', true, 'NoConflicts', 'no conflicts found'),
      condition('Established', true, 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: clone(spec(live)['names'] ?? {}),
    storedVersions: versions.filter((v) => v['storage'] === true).map((v) => v['name']),
  });
}

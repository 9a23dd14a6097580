// Pods as the simulated controllers make them: created from a template, owned by their controller, and
// Running+Ready at once, or stuck Pending when the template is marked never-ready.
import { createHash, randomBytes } from 'node:crypto';
import { asArray, clone, isRecord, now, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';

/** The annotation that keeps a workload from ever becoming ready. */
export const neverReadyAnnotation = 'dsg.test/never-ready';

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** A short, stable, name-safe hash of a value (like the real `pod-template-hash`). */
export function shortHash(value: unknown, length = 10): string {
  const digest = createHash('sha256').update(JSON.stringify(value)).digest();
  return [...digest.subarray(0, length)].map((b) => safeAlphabet[b % safeAlphabet.length] ?? 'x').join('');
}

/** Five random name-safe characters, as in generated pod names. */
export function randomSuffix(): string {
  return [...randomBytes(5)].map((b) => safeAlphabet[b % safeAlphabet.length] ?? 'x').join('');
}

/** True when a pod template (or pod) is marked never-ready by annotation or by an image name. */
export function isNeverReady(template: unknown): boolean {
  if (!isRecord(template)) return false;
  const metadata = isRecord(template['metadata']) ? template['metadata'] : {};
  const annotations = isRecord(metadata['annotations']) ? metadata['annotations'] : {};
  if (annotations[neverReadyAnnotation] === 'true') return true;
  const spec = isRecord(template['spec']) ? template['spec'] : {};
  const containers = [...asArray(spec['containers']), ...asArray(spec['initContainers'])];
  return containers.some(
    (c) => isRecord(c) && typeof c['image'] === 'string' && c['image'].includes('never-ready'),
  );
}

/** The pod template of a workload's spec. */
export function templateOf(workload: KubeObject): Record<string, unknown> {
  const spec = isRecord(workload['spec']) ? workload['spec'] : {};
  return isRecord(spec['template']) ? spec['template'] : {};
}

/** A pod's status: Running and Ready, Pending with an image pull back-off, or finished (`Succeeded`/`Failed`). */
export function podStatus(
  spec: unknown,
  phase: 'Running' | 'Pending' | 'Succeeded' | 'Failed',
  podIp: string,
): object {
  const time = now();
  const ready = phase === 'Running';
  const containers =
    isRecord(spec) && Array.isArray(spec['containers']) ? spec['containers'].filter(isRecord) : [];
  const condition = (type: string, status: boolean): object => ({
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: time,
  });
  const state =
    phase === 'Running'
      ? { running: { startedAt: time } }
      : phase === 'Pending'
        ? {
            waiting: {
              reason: 'ImagePullBackOff',
              message: 'Back-off pulling image (dsg test server: never ready)',
            },
          }
        : {
            terminated: {
              exitCode: phase === 'Succeeded' ? 0 : 1,
              reason: phase === 'Succeeded' ? 'Completed' : 'Error',
              startedAt: time,
              finishedAt: time,
            },
          };
  return {
    phase,
    conditions: [
      condition('PodScheduled', true),
      condition('Initialized', true),
      condition('ContainersReady', ready),
      condition('Ready', ready),
    ],
    hostIP: '127.0.0.1',
    podIP: podIp,
    podIPs: [{ ip: podIp }],
    startTime: time,
    containerStatuses: containers.map((c) => ({
      name: c['name'],
      image: c['image'],
      imageID: '',
      ready,
      started: ready,
      restartCount: 0,
      state,
    })),
  };
}

/** The pods an owner (by uid) has now. */
export function ownedPods(state: ServerState, podType: ResourceType, owner: KubeObject): KubeObject[] {
  return state.store
    .list(podType, owner.metadata.namespace)
    .filter((p) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid));
}

/** Creates a pod from a template, owned (as controller) by `owner`. */
export function createPod(
  state: ServerState,
  podType: ResourceType,
  owner: { object: KubeObject; apiVersion: string },
  name: string,
  template: Record<string, unknown>,
  extraLabels: Record<string, string>,
  phase: 'Running' | 'Pending' | 'Succeeded' | 'Failed',
): void {
  const templateMeta = isRecord(template['metadata']) ? template['metadata'] : {};
  const labels = { ...(isRecord(templateMeta['labels']) ? templateMeta['labels'] : {}), ...extraLabels };
  const annotations = isRecord(templateMeta['annotations']) ? templateMeta['annotations'] : undefined;
  const spec = clone(isRecord(template['spec']) ? template['spec'] : {});
  spec['nodeName'] = 'dsg-test-node';
  state.store.create(podType, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.object.metadata.namespace ?? 'default',
      labels: labels as Record<string, string>,
      ...(annotations ? { annotations: clone(annotations) as Record<string, string> } : {}),
      ownerReferences: [
        {
          apiVersion: owner.apiVersion,
          kind: owner.object.kind,
          name: owner.object.metadata.name,
          uid: owner.object.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        } as { uid: string; controller: boolean; kind: string; name: string; apiVersion: string },
      ],
    },
    spec,
    status: podStatus(spec, phase, state.allocator.podIp()),
  });
}

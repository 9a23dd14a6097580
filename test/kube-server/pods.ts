// Pods as the simulated controllers make them: created from a template, owned by their controller, and what
// becomes of them. A pod runs and is ready, unless its template says otherwise: never ready (running, its
// readiness failing), an image that cannot be pulled (ErrImagePull, then ImagePullBackOff, as the kubelet
// reports it), or a container that exits (CrashLoopBackOff, with its last log line).
import { createHash, randomBytes } from 'node:crypto';
import { asArray, clone, isRecord, now, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';

/** The annotation that keeps a workload from ever becoming ready. */
export const neverReadyAnnotation = 'dsg.test/never-ready';
/** The annotation that makes a workload's first container exit; its value is the container's last log line. */
export const crashAnnotation = 'dsg.test/crash';
/** The annotation that makes a workload's images unpullable. */
export const pullErrorAnnotation = 'dsg.test/pull-error';

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

/** What becomes of the pods of a template. */
export type PodFate =
  | { kind: 'ready' }
  | { kind: 'unready' }
  | { kind: 'pull-error'; image: string }
  | { kind: 'crash'; log: string };

function parts(template: unknown): { annotations: Record<string, unknown>; images: string[] } {
  const t = isRecord(template) ? template : {};
  const metadata = isRecord(t['metadata']) ? t['metadata'] : {};
  const spec = isRecord(t['spec']) ? t['spec'] : {};
  const images = [...asArray(spec['initContainers']), ...asArray(spec['containers'])]
    .map((c) => (isRecord(c) && typeof c['image'] === 'string' ? c['image'] : ''))
    .filter((i) => i !== '');
  return { annotations: isRecord(metadata['annotations']) ? metadata['annotations'] : {}, images };
}

/** The images a pod template (or pod) names. */
export function imagesOf(template: unknown): string[] {
  return parts(template).images;
}

/** What becomes of pods made from `template` (or of a pod): see the file comment for the markers. */
export function podFate(state: ServerState, template: unknown): PodFate {
  const { annotations, images } = parts(template);
  const unpullable = images.find(
    (i) => i.includes('pull-error') || state.images.missing(i) || annotations[pullErrorAnnotation] === 'true',
  );
  if (unpullable) return { kind: 'pull-error', image: unpullable };
  const crash = annotations[crashAnnotation];
  if (typeof crash === 'string') return { kind: 'crash', log: crash };
  if (images.some((i) => i.includes('crash'))) return { kind: 'crash', log: '' };
  if (annotations[neverReadyAnnotation] === 'true' || images.some((i) => i.includes('never-ready')))
    return { kind: 'unready' };
  return { kind: 'ready' };
}

/** True when pods of the template never become ready, for whatever reason. */
export function isNeverReady(state: ServerState, template: unknown): boolean {
  return podFate(state, template).kind !== 'ready';
}

/** The pod template of a workload's spec. */
export function templateOf(workload: KubeObject): Record<string, unknown> {
  const spec = isRecord(workload['spec']) ? workload['spec'] : {};
  return isRecord(spec['template']) ? spec['template'] : {};
}

/** How a pod stands: its fate, or finished (`Succeeded`/`Failed`) for Job pods. */
export type PodState = PodFate | { kind: 'succeeded' } | { kind: 'failed' };

/** A pod's status for its state; `backOff` moves an image pull error to ImagePullBackOff. */
export function podStatus(spec: unknown, podState: PodState, podIp: string, backOff = false): object {
  const time = now();
  const ready = podState.kind === 'ready';
  const containers =
    isRecord(spec) && Array.isArray(spec['containers']) ? spec['containers'].filter(isRecord) : [];
  const condition = (type: string, status: boolean): object => ({
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: time,
  });
  const phase = {
    ready: 'Running',
    unready: 'Running',
    crash: 'Running',
    'pull-error': 'Pending',
    succeeded: 'Succeeded',
    failed: 'Failed',
  }[podState.kind];
  const containerState = (c: Record<string, unknown>): object => {
    switch (podState.kind) {
      case 'ready':
      case 'unready':
        return { state: { running: { startedAt: time } } };
      case 'pull-error':
        return {
          state: {
            waiting: backOff
              ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${String(c['image'])}"` }
              : {
                  reason: 'ErrImagePull',
                  message: `failed to pull and unpack image "${podState.image}": failed to resolve reference "${podState.image}": not found`,
                },
          },
        };
      case 'crash':
        return {
          restartCount: 1,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off 10s restarting failed container=${String(c['name'])}`,
            },
          },
          lastState: {
            terminated: { exitCode: 1, reason: 'Error', startedAt: time, finishedAt: time },
          },
        };
      case 'succeeded':
      case 'failed':
        return {
          state: {
            terminated: {
              exitCode: podState.kind === 'succeeded' ? 0 : 1,
              reason: podState.kind === 'succeeded' ? 'Completed' : 'Error',
              startedAt: time,
              finishedAt: time,
            },
          },
        };
    }
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
      started: podState.kind === 'ready' || podState.kind === 'unready',
      restartCount: 0,
      ...containerState(c),
    })),
  };
}

/** True when a pod waits on a failed image pull that has not backed off yet. */
export function pullNotBackedOff(pod: KubeObject): boolean {
  const status = isRecord(pod['status']) ? pod['status'] : {};
  return asArray(status['containerStatuses']).some((c) => {
    const state = isRecord(c) && isRecord(c['state']) ? c['state'] : {};
    return isRecord(state['waiting']) && state['waiting']['reason'] === 'ErrImagePull';
  });
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
  podState: PodState,
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
    status: podStatus(spec, podState, state.allocator.podIp()),
  });
}

/** The log a container left: a crashing container's last line (the stand-in runs nothing else). */
export function podLog(pod: KubeObject): string {
  const crash = pod.metadata.annotations?.[crashAnnotation];
  return typeof crash === 'string' && crash !== '' ? `${crash}\n` : '';
}

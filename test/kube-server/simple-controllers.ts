// Controllers that only write a status: bare pods, claims, load balancers and CRDs.
import { clone, isRecord, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';
import { isNeverReady, podStatus } from './pods.ts';
import { condition, spec, writeStatus } from './reconcile-helpers.ts';

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

// Controllers that only write a status: bare pods, claims, load balancers and CRDs.
import { clone, isRecord, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';
import { podFate, podStatus } from './pods.ts';
import { condition, spec, writeStatus } from './reconcile-helpers.ts';

/** A pod created directly: as its fate says (pods.ts). */
export function reconcilePod(state: ServerState, type: ResourceType, live: KubeObject): void {
  writeStatus(state, type, live, podStatus(live['spec'], podFate(state, live), state.allocator.podIp()));
}

/** A pod whose image pull failed backs off (ErrImagePull → ImagePullBackOff), as the kubelet reports it. */
export function backOffPull(state: ServerState, type: ResourceType, live: KubeObject): void {
  const status = isRecord(live['status']) ? live['status'] : {};
  const ip = typeof status['podIP'] === 'string' ? status['podIP'] : state.allocator.podIp();
  writeStatus(state, type, live, podStatus(live['spec'], podFate(state, live), ip, true));
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

/**
 * CustomResourceDefinition: names accepted and established at once; its kinds are served `discoveryLagMs`
 * later. On a real server discovery is updated asynchronously after the CRD is established, so a client
 * that asks right away may not find the kind yet (kubernetes/kubernetes#93009 and the like).
 */
export function reconcileCrd(state: ServerState, type: ResourceType, live: KubeObject): number | undefined {
  establishCrd(state, type, live);
  const name = live.metadata.name;
  const since = state.established.get(name) ?? Date.now();
  state.established.set(name, since);
  const left = since + state.simulation.discoveryLagMs - Date.now();
  if (left > 0) return left;
  const current = state.store.get(type, undefined, name);
  if (current && !state.registry.serves(current)) state.registry.registerCrd(current);
  return undefined;
}

function establishCrd(state: ServerState, type: ResourceType, live: KubeObject): void {
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

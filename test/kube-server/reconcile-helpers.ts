// Shared by the simulated controllers: typed access to workload fields, conditions, owner references,
// and a status write that skips no-op updates (so a reconcile never produces an empty event).
import { clone, deepEqual, isRecord, now, type KubeObject } from './object.ts';
import { trackUpdate } from './apply.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';

/** The registered built-in type; missing means a bug in the registry. */
export function typeOf(state: ServerState, apiVersion: string, kind: string): ResourceType {
  const type = state.registry.byKind(apiVersion, kind);
  if (!type) throw new Error(`Built-in type ${apiVersion} ${kind} is not registered`);
  return type;
}

/** The object's spec, or an empty record. */
export function spec(object: KubeObject): Record<string, unknown> {
  return isRecord(object['spec']) ? object['spec'] : {};
}

/** `spec.replicas`, defaulting to 1 like the real server. */
export function replicasOf(object: KubeObject): number {
  const r = spec(object)['replicas'];
  return typeof r === 'number' ? r : 1;
}

/** A status condition stamped now. */
export function condition(type: string, status: boolean, reason: string, message: string): object {
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

/**
 * Writes a new status when it differs from the live one, as a controller does: an update of the `status`
 * subresource by `manager`, recorded in managedFields and bumping the resourceVersion. Annotations (the
 * deployment revision) are an update of the object itself first, as the real controllers write them.
 */
export function writeStatus(
  state: ServerState,
  type: ResourceType,
  live: KubeObject,
  status: object,
  annotations?: Record<string, string>,
  manager = 'kube-controller-manager',
): void {
  let current = live;
  if (annotations && !Object.entries(annotations).every(([k, v]) => live.metadata.annotations?.[k] === v)) {
    const annotated = clone(live);
    annotated.metadata.annotations = { ...annotated.metadata.annotations, ...annotations };
    trackUpdate(live, annotated, manager);
    current = state.store.update(type, annotated, live);
  }
  if (deepEqual(stripTimes(current['status']), stripTimes(status))) return;
  const updated = clone(current);
  updated['status'] = status;
  trackUpdate(current, updated, manager, 'status');
  state.store.update(type, updated, current);
}

function stripTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTimes);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    if (!/Time$|^startedAt$|^finishedAt$/.test(k)) out[k] = stripTimes(v);
  return out;
}

/** A controller owner reference to `owner`. */
export function ownerRef(
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

/** A copy of a pod template with extra labels. */
export function withLabels(
  template: Record<string, unknown>,
  labels: Record<string, string>,
): Record<string, unknown> {
  const out = clone(template);
  const metadata = isRecord(out['metadata']) ? out['metadata'] : {};
  metadata['labels'] = { ...(isRecord(metadata['labels']) ? metadata['labels'] : {}), ...labels };
  out['metadata'] = metadata;
  return out;
}

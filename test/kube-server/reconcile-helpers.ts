// Shared by the simulated controllers: typed access to workload fields, conditions, owner references,
// and a status write that skips no-op updates (so a reconcile never produces an empty event).
import { clone, deepEqual, isRecord, now, type KubeObject } from './object.ts';
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

/** Writes a new status (and optionally annotations) when it differs from the live one. */
export function writeStatus(
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

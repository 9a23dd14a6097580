// Workloads a HorizontalPodAutoscaler of the same render scales keep the replica count the autoscaler set:
// dsg leaves `spec.replicas` out of what it applies for them (as Kubernetes advises for autoscaled
// workloads, "Migrating Deployments and StatefulSets to horizontal autoscaling"). Dropping a field from an
// apply removes it when no one else owns it, so the first time dsg stops applying it, it first hands the
// field to another field manager with its current value (the documented server-side apply hand-over).
import { objectAt, refKey, type KubeObject, type ObjectRef } from '../render/object.ts';
import { fieldManager } from './inventory.ts';

/** The field manager that keeps `spec.replicas` while the autoscaler has not written it yet. */
export const handoverManager = 'dsg-handover';

/** The refKeys of the workloads the render's autoscalers target (namespaced as `namespace` when unset). */
export function autoscaledTargets(objects: readonly KubeObject[], namespace: string): Set<string> {
  const targets = new Set<string>();
  for (const o of objects) {
    if (o['kind'] !== 'HorizontalPodAutoscaler') continue;
    if (typeof o['apiVersion'] !== 'string' || !o['apiVersion'].startsWith('autoscaling/')) continue;
    const target = objectAt(objectAt(o, 'spec'), 'scaleTargetRef');
    const { apiVersion, kind, name } = target;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string') continue;
    const own = objectAt(o, 'metadata')['namespace'];
    const ref: ObjectRef = { apiVersion, kind, name, namespace: typeof own === 'string' ? own : namespace };
    targets.add(refKey(ref));
  }
  return targets;
}

/** `object` without `spec.replicas`. */
export function withoutReplicas(object: KubeObject): KubeObject {
  const spec = { ...objectAt(object, 'spec') };
  Reflect.deleteProperty(spec, 'replicas');
  return { ...object, spec };
}

/** True when dropping `spec.replicas` from dsg's apply would remove it: dsg's apply is its only owner. */
export function needsHandover(live: KubeObject | undefined): boolean {
  if (!live) return false;
  const entries = objectAt(live, 'metadata')['managedFields'];
  const owners = (Array.isArray(entries) ? entries : []).filter((e) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
    const spec = objectAt(objectAt(e, 'fieldsV1'), 'f:spec');
    return 'f:replicas' in spec;
  });
  return (
    owners.length === 1 &&
    typeof owners[0] === 'object' &&
    owners[0] !== null &&
    !Array.isArray(owners[0]) &&
    owners[0]['manager'] === fieldManager
  );
}

/** The apply that gives `spec.replicas`, at its live value, to the hand-over manager. */
export function handoverBody(live: KubeObject): KubeObject {
  const metadata = objectAt(live, 'metadata');
  return {
    apiVersion: live['apiVersion'] ?? '',
    kind: live['kind'] ?? '',
    metadata: {
      name: metadata['name'] ?? '',
      ...(typeof metadata['namespace'] === 'string' ? { namespace: metadata['namespace'] } : {}),
    },
    spec: { replicas: objectAt(live, 'spec')['replicas'] ?? 1 },
  };
}

// Deletion and what follows it: finalizers hold an object in "terminating", owner references take
// dependents along (background propagation), a namespace takes its contents, a CRD takes its objects.
import { clone, now, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';
import { resourceKey } from './store.ts';

/** How dependents are treated, as `DeleteOptions.propagationPolicy` says. */
export type Propagation = 'Background' | 'Foreground' | 'Orphan';

/**
 * Deletes a live object: with finalizers it only gets a deletionTimestamp (the object is returned, still
 * live); without, it is removed with its dependents and the removed snapshot is returned.
 */
export function deleteLive(
  state: ServerState,
  type: ResourceType,
  live: KubeObject,
  propagation: Propagation,
): { object: KubeObject; removed: boolean } {
  if ((live.metadata.finalizers ?? []).length > 0) {
    if (live.metadata.deletionTimestamp !== undefined) return { object: clone(live), removed: false };
    const terminating = clone(live);
    terminating.metadata.deletionTimestamp = now();
    terminating.metadata['deletionGracePeriodSeconds'] = 0;
    return { object: state.store.update(type, terminating, live), removed: false };
  }
  return { object: removeWithDependents(state, type, live, propagation), removed: true };
}

/** Removes an object now, then cascades to what depends on it. */
export function removeWithDependents(
  state: ServerState,
  type: ResourceType,
  live: KubeObject,
  propagation: Propagation,
): KubeObject {
  const removed = state.store.remove(type, live);
  if (type.kind === 'Namespace' && type.group === '') {
    for (const entry of state.store.entries()) {
      if (entry.object.metadata.namespace !== live.metadata.name) continue;
      const entryType = typeOf(state, entry.resource);
      if (entryType?.namespaced) removeWithDependents(state, entryType, entry.object, 'Background');
    }
  }
  if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io') {
    const served = state.registry.unregisterCrd(live.metadata.name);
    const first = served[0];
    if (first) for (const object of state.store.list(first)) state.store.remove(first, object);
  }
  if (propagation !== 'Orphan') {
    const uid = live.metadata.uid;
    for (const entry of state.store.entries()) {
      if (!(entry.object.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) continue;
      const entryType = typeOf(state, entry.resource);
      const current =
        entryType && state.store.get(entryType, entry.object.metadata.namespace, entry.object.metadata.name);
      if (entryType && current) deleteLive(state, entryType, current, 'Background');
    }
  }
  return removed;
}

function typeOf(state: ServerState, resource: string): ResourceType | undefined {
  return state.registry.all().find((t) => resourceKey(t) === resource);
}

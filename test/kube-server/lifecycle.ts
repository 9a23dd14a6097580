// Deletion and what follows it: finalizers hold an object in "terminating", owner references take
// dependents along (background propagation), a CRD takes its objects. A namespace is `Terminating` (its
// deletionTimestamp set, `status.phase: Terminating`) while the namespace controller deletes its contents,
// and goes only once they are gone (pkg/controller/namespace); meanwhile nothing new may be created in it.
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
  if (type.kind === 'Namespace' && type.group === '') return terminateNamespace(state, type, live);
  if ((live.metadata.finalizers ?? []).length > 0) {
    if (live.metadata.deletionTimestamp !== undefined) return { object: clone(live), removed: false };
    const terminating = clone(live);
    terminating.metadata.deletionTimestamp = now();
    terminating.metadata['deletionGracePeriodSeconds'] = 0;
    return { object: state.store.update(type, terminating, live), removed: false };
  }
  return { object: removeWithDependents(state, type, live, propagation), removed: true };
}

function terminateNamespace(
  state: ServerState,
  type: ResourceType,
  live: KubeObject,
): { object: KubeObject; removed: boolean } {
  if (live.metadata.deletionTimestamp !== undefined) return { object: clone(live), removed: false };
  const terminating = clone(live);
  terminating.metadata.deletionTimestamp = now();
  terminating['status'] = { phase: 'Terminating' };
  const object = state.store.update(type, terminating, live);
  for (const entry of state.store.entries()) {
    if (entry.object.metadata.namespace !== live.metadata.name) continue;
    const entryType = typeOf(state, entry.resource);
    const current =
      entryType && state.store.get(entryType, entry.object.metadata.namespace, entry.object.metadata.name);
    if (entryType?.namespaced && current) deleteLive(state, entryType, current, 'Background');
  }
  return { object, removed: false };
}

/** The namespace controller's last step: removes a terminating namespace once it is empty; true while not. */
export function finishTermination(state: ServerState, name: string): boolean {
  const type = state.registry.byKind('v1', 'Namespace');
  const live = type && state.store.get(type, undefined, name);
  if (!type || !live || live.metadata.deletionTimestamp === undefined) return false;
  if (state.store.entries().some((e) => e.object.metadata.namespace === name)) return true;
  state.store.remove(type, live);
  return false;
}

/** True when the namespace is being deleted: creating objects in it is refused. */
export function isTerminating(state: ServerState, namespace: string): boolean {
  const type = state.registry.byKind('v1', 'Namespace');
  const live = type && state.store.get(type, undefined, namespace);
  return live?.metadata.deletionTimestamp !== undefined;
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
    state.established.delete(live.metadata.name);
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

// The object store: one map of live objects, one global resourceVersion counter, and the event history
// that watches resume from. Every write goes through here, so every write is seen by watches and the
// simulated controllers.
import { randomUUID } from 'node:crypto';
import { clone, deepEqual, now, removeKey, type KubeObject } from './object.ts';
import { groupVersion, type ResourceType } from './resources.ts';

/** A change, as watches stream it. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The resourceVersion the change produced. */
  rv: number;
  /** `group/plural`: which resource the object belongs to. */
  resource: string;
  /** A snapshot: never mutated after the event is made. */
  object: KubeObject;
  /** For MODIFIED, the object before the change: a filtered watch turns a change out of its selection into DELETED. */
  previous?: KubeObject;
}

/** Receives every event after it happened. */
export type StoreListener = (event: StoreEvent) => void;

const historyLimit = 10_000;

/** `group/plural`, the store's name for a resource regardless of version. */
export function resourceKey(type: { group: string; plural: string }): string {
  return `${type.group}/${type.plural}`;
}

function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${resourceKey(type)}/${type.namespaced ? (namespace ?? '') : ''}/${name}`;
}

/** The live objects of one server. */
export class Store {
  #objects = new Map<string, { resource: string; object: KubeObject }>();
  #rv = 0;
  #history: StoreEvent[] = [];
  #listeners = new Set<StoreListener>();

  /** The current global resourceVersion, as lists report it. */
  resourceVersion(): number {
    return this.#rv;
  }

  /** The live object, or undefined; callers must not mutate it (clone first). */
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#objects.get(objectKey(type, namespace, name))?.object;
  }

  /** Live objects of a resource, in one namespace or all, sorted by namespace and name like the real server. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const resource = resourceKey(type);
    const out: KubeObject[] = [];
    for (const entry of this.#objects.values()) {
      if (entry.resource !== resource) continue;
      if (namespace !== undefined && type.namespaced && entry.object.metadata.namespace !== namespace)
        continue;
      out.push(entry.object);
    }
    return out.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }

  /** Every live object with its resource key, for cascades across resources. */
  entries(): { resource: string; object: KubeObject }[] {
    return [...this.#objects.values()];
  }

  /** Stores a new object: assigns uid, creationTimestamp, generation and resourceVersion. */
  create(type: ResourceType, object: KubeObject): KubeObject {
    const stored = clone(object);
    stored.apiVersion = groupVersion(type);
    stored.kind = type.kind;
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp = now();
    if (tracksGeneration(type)) stored.metadata.generation = 1;
    else removeKey(stored.metadata, 'generation');
    if (!type.namespaced) delete stored.metadata.namespace;
    return this.#commit('ADDED', type, stored);
  }

  /** Replaces a live object; bumps generation when anything outside metadata and status changed. */
  update(type: ResourceType, object: KubeObject, live: KubeObject): KubeObject {
    const stored = clone(object);
    stored.apiVersion = groupVersion(type);
    stored.kind = type.kind;
    if (live.metadata.uid !== undefined) stored.metadata.uid = live.metadata.uid;
    if (live.metadata.creationTimestamp !== undefined)
      stored.metadata.creationTimestamp = live.metadata.creationTimestamp;
    if (tracksGeneration(type)) {
      const generation = live.metadata.generation ?? 1;
      stored.metadata.generation = specChanged(live, stored) ? generation + 1 : generation;
    } else {
      removeKey(stored.metadata, 'generation');
    }
    return this.#commit('MODIFIED', type, stored, live);
  }

  /** Removes a live object; the DELETED event carries a fresh resourceVersion, as on the real server. */
  remove(type: ResourceType, live: KubeObject): KubeObject {
    const stored = clone(live);
    this.#objects.delete(objectKey(type, live.metadata.namespace, live.metadata.name));
    this.#rv++;
    stored.metadata.resourceVersion = String(this.#rv);
    this.#emit({ type: 'DELETED', rv: this.#rv, resource: resourceKey(type), object: stored });
    return clone(stored);
  }

  /** Calls `listener` for every future event; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events after `rv`, or undefined when the history no longer reaches back that far (410 Gone). */
  eventsSince(rv: number): StoreEvent[] | undefined {
    const oldest = this.#history[0];
    if (oldest && rv < oldest.rv - 1) return undefined;
    return this.#history.filter((e) => e.rv > rv);
  }

  #commit(
    type: 'ADDED' | 'MODIFIED',
    resource: ResourceType,
    stored: KubeObject,
    live?: KubeObject,
  ): KubeObject {
    this.#rv++;
    stored.metadata.resourceVersion = String(this.#rv);
    const key = objectKey(resource, stored.metadata.namespace, stored.metadata.name);
    this.#objects.set(key, { resource: resourceKey(resource), object: stored });
    const event: StoreEvent = { type, rv: this.#rv, resource: resourceKey(resource), object: clone(stored) };
    // The live object is replaced, never mutated, so it can serve as the snapshot of the previous state.
    if (live) event.previous = live;
    this.#emit(event);
    return clone(stored);
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    if (this.#history.length > historyLimit) this.#history.splice(0, this.#history.length - historyLimit);
    for (const listener of [...this.#listeners]) listener(event);
  }
}

/** Core v1 objects (pods, services, config maps...) carry no generation in 1.32; everything else does. */
function tracksGeneration(type: ResourceType): boolean {
  return type.group !== '';
}

function sortKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}\u0000${object.metadata.name}`;
}

function specChanged(before: KubeObject, after: KubeObject): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (key === 'metadata' || key === 'status' || key === 'apiVersion' || key === 'kind') continue;
    if (!deepEqual(before[key], after[key])) return true;
  }
  return false;
}

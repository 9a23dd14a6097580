// The simulated controllers: they watch the store and, `readyDelayMs` after an object needs work (a new
// generation, a pod without status...), run its reconcile function. One timer per object; a newer change
// restarts it, so readiness comes a delay after the last change.
import { isRecord, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';
import type { StoreEvent } from './store.ts';
import { reconcileDaemonSet, reconcileJob, reconcileStatefulSet } from './workloads.ts';
import { reconcileDeployment, syncReplicaSet } from './deployments.ts';
import { reconcileClaim, reconcileCrd, reconcilePod, reconcileService } from './simple-controllers.ts';

type Reconcile = (state: ServerState, type: ResourceType, live: KubeObject) => void;

function status(object: KubeObject): Record<string, unknown> {
  return isRecord(object['status']) ? object['status'] : {};
}

function hasCondition(object: KubeObject, ...types: string[]): boolean {
  const conditions = status(object)['conditions'];
  return (
    Array.isArray(conditions) && conditions.some((c) => isRecord(c) && types.includes(String(c['type'])))
  );
}

const staleGeneration = (o: KubeObject): boolean =>
  status(o)['observedGeneration'] !== (o.metadata.generation ?? 1);

/** Per kind: whether an object needs its controller, the reconcile, and whether it waits for the delay. */
const controllers: Record<string, { needs: (o: KubeObject) => boolean; run: Reconcile; delayed: boolean }> = {
  'apps/Deployment': { needs: staleGeneration, run: reconcileDeployment, delayed: true },
  'apps/StatefulSet': { needs: staleGeneration, run: reconcileStatefulSet, delayed: true },
  'apps/DaemonSet': { needs: staleGeneration, run: reconcileDaemonSet, delayed: true },
  'apps/ReplicaSet': { needs: staleGeneration, run: syncReplicaSet, delayed: true },
  'batch/Job': { needs: (o) => !hasCondition(o, 'Complete', 'Failed'), run: reconcileJob, delayed: true },
  '/Pod': {
    needs: (o) => (o.metadata.ownerReferences ?? []).length === 0 && status(o)['conditions'] === undefined,
    run: reconcilePod,
    delayed: true,
  },
  '/PersistentVolumeClaim': {
    needs: (o) => status(o)['phase'] !== 'Bound',
    run: reconcileClaim,
    delayed: true,
  },
  '/Service': {
    needs: (o) =>
      isRecord(o['spec']) && o['spec']['type'] === 'LoadBalancer' && status(o)['loadBalancer'] === undefined,
    run: reconcileService,
    delayed: true,
  },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    needs: (o) => !hasCondition(o, 'Established'),
    run: reconcileCrd,
    delayed: false,
  },
};

/** Runs the simulated controllers of one server until stopped. */
export class Controllers {
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #unsubscribe: () => void;
  #state: ServerState;
  #delayMs: number;

  /** Starts watching the store of `state`. */
  constructor(state: ServerState, delayMs: number) {
    this.#state = state;
    this.#delayMs = delayMs;
    this.#unsubscribe = state.store.subscribe((event) => this.#onEvent(event));
  }

  /** Stops every pending reconcile. */
  stop(): void {
    this.#unsubscribe();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #onEvent(event: StoreEvent): void {
    const object = event.object;
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
    const key = `${event.resource}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const controller = controllers[`${group ?? ''}/${object.kind}`];
    if (
      event.type === 'DELETED' ||
      !controller ||
      !controller.needs(object) ||
      object.metadata.deletionTimestamp
    ) {
      if (event.type === 'DELETED') this.#cancel(key);
      return;
    }
    this.#cancel(key);
    const timer = setTimeout(
      () => {
        this.#timers.delete(key);
        const type = this.#state.registry.byKind(object.apiVersion, object.kind);
        const live = type && this.#state.store.get(type, object.metadata.namespace, object.metadata.name);
        if (type && live && controller.needs(live)) controller.run(this.#state, type, live);
      },
      controller.delayed ? this.#delayMs : 0,
    );
    this.#timers.set(key, timer);
  }

  #cancel(key: string): void {
    const timer = this.#timers.get(key);
    if (timer) clearTimeout(timer);
    this.#timers.delete(key);
  }
}

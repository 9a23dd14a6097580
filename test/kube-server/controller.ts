// The simulated controllers: they watch the store and, `readyDelayMs` after an object needs work (a new
// generation, a pod without status...), run its reconcile function. One timer per object; a newer change
// restarts it, so readiness comes a delay after the last change. A reconcile may ask to run again later
// (a progress deadline, a namespace still emptying, a CRD waiting out the discovery lag).
import { isRecord, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';
import type { StoreEvent } from './store.ts';
import { reconcileDaemonSet, reconcileJob, reconcileStatefulSet } from './workloads.ts';
import { reconcileDeployment, syncReplicaSet } from './deployments.ts';
import {
  backOffPull,
  reconcileClaim,
  reconcileCrd,
  reconcilePod,
  reconcileService,
} from './simple-controllers.ts';
import { autoscalersOf, reconcileAutoscaler } from './autoscaler.ts';
import { finishTermination } from './lifecycle.ts';
import { imagesOf, pullNotBackedOff, templateOf } from './pods.ts';

/** A reconcile; a number asks to run again after that many milliseconds. */
type Reconcile = (state: ServerState, type: ResourceType, live: KubeObject) => unknown;

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

const unowned = (o: KubeObject): boolean => (o.metadata.ownerReferences ?? []).length === 0;

/** Per kind: whether an object needs its controller, the reconcile, and whether it waits for the delay. */
const controllers: Record<string, { needs: (o: KubeObject) => boolean; run: Reconcile; delayed: boolean }> = {
  'apps/Deployment': { needs: staleGeneration, run: reconcileDeployment, delayed: true },
  'apps/StatefulSet': { needs: staleGeneration, run: reconcileStatefulSet, delayed: true },
  'apps/DaemonSet': { needs: staleGeneration, run: reconcileDaemonSet, delayed: true },
  'apps/ReplicaSet': { needs: staleGeneration, run: syncReplicaSet, delayed: true },
  'batch/Job': { needs: (o) => !hasCondition(o, 'Complete', 'Failed'), run: reconcileJob, delayed: true },
  '/Pod': {
    needs: (o) => (unowned(o) && status(o)['conditions'] === undefined) || pullNotBackedOff(o),
    run: (state, type, live) =>
      pullNotBackedOff(live) ? backOffPull(state, type, live) : reconcilePod(state, type, live),
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
  'autoscaling/HorizontalPodAutoscaler': { needs: () => true, run: reconcileAutoscaler, delayed: true },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    needs: () => true,
    run: reconcileCrd,
    delayed: false,
  },
};

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod']);

/** Runs the simulated controllers of one server until stopped. */
export class Controllers {
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #unsubscribe: () => void;
  #state: ServerState;
  #stopped = false;

  /** Starts watching the store of `state`. */
  constructor(state: ServerState) {
    this.#state = state;
    this.#unsubscribe = state.store.subscribe((event) => this.#onEvent(event));
  }

  /** Stops every pending reconcile. */
  stop(): void {
    this.#stopped = true;
    this.#unsubscribe();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #onEvent(event: StoreEvent): void {
    const object = event.object;
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
    const key = `${event.resource}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    // A workload's change is what its autoscaler reacts to (the real one looks every 15 seconds).
    if (event.type !== 'DELETED' && object.kind !== 'HorizontalPodAutoscaler') {
      for (const hpa of autoscalersOf(this.#state, object))
        this.#onEvent({ ...event, object: hpa, resource: 'autoscaling/horizontalpodautoscalers' });
    }
    if (
      object.kind === 'Namespace' &&
      group === '' &&
      object.metadata.deletionTimestamp &&
      event.type !== 'DELETED'
    ) {
      this.#schedule(key, this.#state.simulation.terminationMs, () =>
        this.#terminate(object.metadata.name, key),
      );
      return;
    }
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
    const delay = controller.delayed ? this.#state.simulation.readyDelayMs : 0;
    this.#schedule(key, delay, () => this.#reconcile(object, controller, key));
  }

  async #reconcile(
    object: KubeObject,
    controller: { needs: (o: KubeObject) => boolean; run: Reconcile },
    key: string,
    requeued = false,
  ): Promise<void> {
    const find = (): { type: ResourceType; live: KubeObject } | undefined => {
      const type = this.#state.registry.byKind(object.apiVersion, object.kind);
      const live = type && this.#state.store.get(type, object.metadata.namespace, object.metadata.name);
      return type && live ? { type, live } : undefined;
    };
    const before = find();
    if (before && workloadKinds.has(object.kind)) {
      // The kubelet would pull now: ask the registries this server knows about.
      await this.#state.images.prepare(
        imagesOf(object.kind === 'Pod' ? before.live : templateOf(before.live)),
      );
    }
    const found = find();
    // A requeue runs whether or not the object changed: the clock did (a deadline passed).
    if (this.#stopped || !found || (!requeued && !controller.needs(found.live))) return;
    const again = controller.run(this.#state, found.type, found.live);
    if (typeof again === 'number')
      this.#schedule(key, again, () => this.#reconcile(found.live, controller, key, true));
  }

  #terminate(name: string, key: string): void {
    const again = finishTermination(this.#state, name);
    if (again) this.#schedule(key, this.#state.simulation.terminationMs, () => this.#terminate(name, key));
  }

  #schedule(key: string, delayMs: number, run: () => unknown): void {
    this.#cancel(key);
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      void run();
    }, delayMs);
    this.#timers.set(key, timer);
  }

  #cancel(key: string): void {
    const timer = this.#timers.get(key);
    if (timer) clearTimeout(timer);
    this.#timers.delete(key);
  }
}

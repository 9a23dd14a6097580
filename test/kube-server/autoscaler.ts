// The HorizontalPodAutoscaler controller, simulated (autoscaling/v2). It keeps its target's replicas
// within [minReplicas, maxReplicas] and at the count the metrics call for, writing them through the
// target's `scale` subresource as the real controller does (pkg/controller/podautoscaler), under the
// field manager `kube-controller-manager`. No metrics exist here: the annotation `dsg.test/desired-replicas`
// on the autoscaler stands for the load.
import { clone, isRecord, now, type KubeObject } from './object.ts';
import type { ServerState } from './context.ts';
import type { ResourceType } from './resources.ts';
import { commit } from './commit.ts';
import { replicasOf, spec, writeStatus } from './reconcile-helpers.ts';

/** The annotation that stands for the metrics: the replica count the load calls for. */
export const desiredReplicasAnnotation = 'dsg.test/desired-replicas';

const manager = 'kube-controller-manager';

function targetRef(hpa: KubeObject): { apiVersion: string; kind: string; name: string } | undefined {
  const ref = spec(hpa)['scaleTargetRef'];
  if (!isRecord(ref)) return undefined;
  const { apiVersion, kind, name } = ref;
  return typeof apiVersion === 'string' && typeof kind === 'string' && typeof name === 'string'
    ? { apiVersion, kind, name }
    : undefined;
}

/** The autoscalers in the object's namespace that target it. */
export function autoscalersOf(state: ServerState, object: KubeObject): KubeObject[] {
  const type = state.registry.byKind('autoscaling/v2', 'HorizontalPodAutoscaler');
  if (!type || object.metadata.namespace === undefined) return [];
  return state.store.list(type, object.metadata.namespace).filter((hpa) => {
    const ref = targetRef(hpa);
    return ref?.kind === object.kind && ref.name === object.metadata.name;
  });
}

/** Scales the target to what the autoscaler wants, then records the status. */
export function reconcileAutoscaler(state: ServerState, type: ResourceType, hpa: KubeObject): void {
  const ref = targetRef(hpa);
  const targetType = ref && state.registry.byKind(ref.apiVersion, ref.kind);
  const target = ref && targetType && state.store.get(targetType, hpa.metadata.namespace, ref.name);
  if (!targetType || !target || !targetType.subresources.includes('scale')) return;
  const min = typeof spec(hpa)['minReplicas'] === 'number' ? (spec(hpa)['minReplicas'] as number) : 1;
  const max = typeof spec(hpa)['maxReplicas'] === 'number' ? (spec(hpa)['maxReplicas'] as number) : min;
  const current = replicasOf(target);
  const load = Number(hpa.metadata.annotations?.[desiredReplicasAnnotation] ?? current);
  const desired = Math.min(max, Math.max(min, Number.isInteger(load) ? load : current));
  if (desired !== current) {
    const scaled = clone(target);
    scaled['spec'] = { ...spec(target), replicas: desired };
    commit(
      state,
      {
        method: 'PUT',
        type: targetType,
        namespace: target.metadata.namespace,
        name: target.metadata.name,
        subresource: 'scale',
        query: new URLSearchParams(),
        body: undefined,
        contentType: 'application/json',
        manager,
        dryRun: false,
      },
      scaled,
      target,
      true,
    );
  }
  const previous = isRecord(hpa['status']) ? hpa['status'] : {};
  writeStatus(
    state,
    type,
    hpa,
    {
      currentReplicas: current,
      desiredReplicas: desired,
      ...(desired !== current
        ? { lastScaleTime: now() }
        : previous['lastScaleTime']
          ? { lastScaleTime: previous['lastScaleTime'] }
          : {}),
    },
    undefined,
    manager,
  );
}

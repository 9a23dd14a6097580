// DevSpace component deployments rendered natively: the values of loft-sh/component-chart become the
// objects its templates would produce (Deployment or StatefulSet, Services, Ingress, claims, autoscaler),
// without downloading or running the chart.
import { fail, ok, type Result } from '../../core/result.ts';
import { autoscaler, headlessService, ingress, service, type Selector } from './component-network.ts';
import {
  checkVolumes,
  claimMetadata,
  claimSpec,
  mountsOf,
  needsStatefulSet,
  podSpec,
  volumeKind,
} from './component-pod.ts';
import type { JsonObject, KubeObject } from './object.ts';
import { mapOf, mapsOf, numberOf, stringMap, textOf, truthy } from './values-access.ts';

/** Renders a component named `name` (the deployment name, the chart's release name) from its values. */
export function renderComponent(name: string, values: JsonObject): Result<KubeObject[], string> {
  if (mapsOf(values, 'containers').length === 0) {
    return fail(`Cannot render component "${name}": "containers" lists no container`);
  }
  const volumesOk = checkVolumes(values, name);
  if (!volumesOk.ok) return volumesOk;
  const selector: Selector = {
    'app.kubernetes.io/name': 'devspace-app',
    'app.kubernetes.io/component': name,
    ...stringMap(values, 'labels'),
  };
  const kind = needsStatefulSet(values) ? 'StatefulSet' : 'Deployment';
  const serviceName = textOf(values, 'serviceName') ?? `${name}-headless`;
  const objects: KubeObject[] = [...claims(name, values)];
  const svc = service(name, values, selector);
  if (kind === 'StatefulSet') objects.push(headlessService(name, serviceName, values, selector));
  if (svc) objects.push(svc);
  objects.push(workload(name, kind, serviceName, values, selector));
  const hpa = autoscaler(name, kind, values, selector);
  if (hpa) objects.push(hpa);
  const ing = ingress(name, values);
  if (!ing.ok) return ing;
  if (ing.value) objects.push(ing.value);
  return ok(objects);
}

function workload(
  name: string,
  kind: string,
  serviceName: string,
  values: JsonObject,
  selector: Selector,
): KubeObject {
  const annotations = stringMap(values, 'annotations');
  const metadata: JsonObject = { name, labels: selector };
  if (Object.keys(annotations).length > 0) metadata['annotations'] = annotations;
  const templateMetadata: JsonObject = { labels: selector };
  if (Object.keys(annotations).length > 0) templateMetadata['annotations'] = annotations;
  const template: JsonObject = { metadata: templateMetadata, spec: podSpec(values) };
  const spec: JsonObject = {
    replicas: numberOf(values, 'replicas') ?? 1,
    selector: { matchLabels: selector },
  };
  const rolling = mapOf(values, 'rollingUpdate');
  if (kind === 'Deployment') {
    spec['strategy'] = truthy(rolling, 'enabled')
      ? {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: textOf(rolling, 'maxSurge') ?? '25%',
            maxUnavailable: textOf(rolling, 'maxUnavailable') ?? '0%',
          },
        }
      : { type: 'Recreate' };
  } else {
    if (truthy(rolling, 'enabled')) {
      spec['updateStrategy'] = {
        type: 'RollingUpdate',
        rollingUpdate: { partition: numberOf(rolling, 'partition') ?? 0 },
      };
    }
    spec['podManagementPolicy'] = textOf(values, 'podManagementPolicy') ?? 'OrderedReady';
    spec['serviceName'] = serviceName;
  }
  spec['template'] = template;
  if (kind === 'StatefulSet') spec['volumeClaimTemplates'] = claimTemplates(name, values);
  return { apiVersion: 'apps/v1', kind, metadata, spec };
}

function componentSelector(name: string): Selector {
  return { 'app.kubernetes.io/name': 'devspace-app', 'app.kubernetes.io/component': name };
}

/** Writable persistent volumes of a StatefulSet: one claim per pod. */
function claimTemplates(name: string, values: JsonObject): JsonObject[] {
  const writable = new Set(
    mountsOf(values, false)
      .filter((m) => !m.readOnly)
      .map((m) => m.volume),
  );
  return mapsOf(values, 'volumes')
    .filter((v) => volumeKind(v) === 'persistent' && writable.has(textOf(v, 'name') ?? ''))
    .map((v) => ({ metadata: claimMetadata(v, componentSelector(name)), spec: claimSpec(v) }));
}

/** Persistent volumes mounted read-only or shared: one claim all pods use. */
function claims(name: string, values: JsonObject): KubeObject[] {
  const sharedUse = new Set(
    mountsOf(values, true)
      .filter((m) => m.readOnly || m.shared)
      .map((m) => m.volume),
  );
  return mapsOf(values, 'volumes')
    .filter((v) => volumeKind(v) === 'persistent' && sharedUse.has(textOf(v, 'name') ?? ''))
    .map((v) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: claimMetadata(v, componentSelector(name)),
      spec: claimSpec(v),
    }));
}

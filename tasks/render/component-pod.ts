// The pod of a component: containers, init containers and volumes, following loft-sh/component-chart's
// deployment template (defaults, names, the `"0"` requests it writes when only limits are given).
import type { Json } from '../../core/json.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { JsonObject } from './object.ts';
import { copyIfSet, listOf, mapOf, mapsOf, stringMap, textOf, truthy } from './values-access.ts';

/** How a volume of `values.volumes` is provided. */
export type VolumeKind = 'secret' | 'configMap' | 'emptyDir' | 'persistent';

/** The kind of a volume entry. */
export function volumeKind(volume: JsonObject): VolumeKind {
  if (truthy(volume, 'secret')) return 'secret';
  if (truthy(volume, 'configMap')) return 'configMap';
  if (volume['emptyDir'] !== undefined && volume['emptyDir'] !== false && volume['emptyDir'] !== null)
    return 'emptyDir';
  return 'persistent';
}

/** One container mount of a volume. */
interface Mount {
  volume: string;
  readOnly: boolean;
  shared: boolean;
}

/** Every volume mount of the containers (and, with `withInit`, the init containers). */
export function mountsOf(values: JsonObject, withInit: boolean): Mount[] {
  const containers = [...mapsOf(values, 'containers'), ...(withInit ? mapsOf(values, 'initContainers') : [])];
  return containers.flatMap((c) =>
    mapsOf(c, 'volumeMounts').map((m) => {
      const volume = mapOf(m, 'volume');
      return {
        volume: textOf(volume, 'name') ?? '',
        readOnly: truthy(volume, 'readOnly'),
        shared: truthy(volume, 'shared'),
      };
    }),
  );
}

/**
 * StatefulSet when a container writes to a persistent volume (one with a size), as the chart decides;
 * config maps, secrets and emptyDirs never make one.
 */
export function needsStatefulSet(values: JsonObject): boolean {
  const persistent = new Set(
    mapsOf(values, 'volumes')
      .filter((v) => volumeKind(v) === 'persistent')
      .map((v) => textOf(v, 'name')),
  );
  return mountsOf(values, false).some((m) => !m.readOnly && persistent.has(m.volume));
}

/** Checks that every persistent volume has a size, the one thing its claim cannot do without. */
export function checkVolumes(values: JsonObject, component: string): Result<void, string> {
  for (const volume of mapsOf(values, 'volumes')) {
    const name = textOf(volume, 'name');
    if (!name) return fail(`Cannot render component "${component}": a volume has no "name"`);
    if (volumeKind(volume) === 'persistent' && !textOf(volume, 'size')) {
      return fail(
        `Cannot render component "${component}": volume "${name}" needs a "size" (or "configMap", "secret", "emptyDir")`,
      );
    }
  }
  return ok(undefined);
}

/** The pod spec of the component's workload. */
export function podSpec(values: JsonObject): JsonObject {
  const spec: JsonObject = { terminationGracePeriodSeconds: 5 };
  const pullSecrets = listOf(values, 'pullSecrets').filter((s): s is string => typeof s === 'string');
  if (pullSecrets.length > 0) spec['imagePullSecrets'] = pullSecrets.map((name) => ({ name }));
  for (const key of ['nodeSelector', 'nodeName', 'affinity', 'tolerations']) copyIfSet(spec, values, key);
  spec['containers'] = mapsOf(values, 'containers').map((c, i) => container(c, `container-${i}`, true));
  const init = mapsOf(values, 'initContainers');
  if (init.length > 0)
    spec['initContainers'] = init.map((c, i) => container(c, `init-container-${i}`, false));
  const volumes = podVolumes(values);
  if (volumes.length > 0) spec['volumes'] = volumes;
  return spec;
}

function container(values: JsonObject, defaultName: string, withStartupProbe: boolean): JsonObject {
  const out: JsonObject = {
    image: textOf(values, 'image') ?? '',
    name: textOf(values, 'name') ?? defaultName,
  };
  copyIfSet(out, values, 'stdin');
  copyIfSet(out, values, 'tty');
  for (const key of ['command', 'args']) {
    const list = listOf(values, key).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    if (list.length > 0) out[key] = list;
  }
  const probes = ['livenessProbe', 'readinessProbe', ...(withStartupProbe ? ['startupProbe'] : [])];
  for (const key of ['env', ...probes]) copyIfSet(out, values, key);
  const mounts = mapsOf(values, 'volumeMounts').map((m) => {
    const volume = mapOf(m, 'volume');
    const mount: JsonObject = {
      mountPath: textOf(m, 'containerPath') ?? '',
      name: textOf(volume, 'name') ?? '',
    };
    const subPath = textOf(volume, 'subPath');
    if (subPath) mount['subPath'] = subPath.replace(/^\/+|\/+$/g, '');
    mount['readOnly'] = truthy(volume, 'readOnly');
    return mount;
  });
  if (mounts.length > 0) out['volumeMounts'] = mounts;
  if (truthy(values, 'resources')) out['resources'] = resources(mapOf(values, 'resources'));
  return out;
}

const resourceNames: [string, string][] = [
  ['cpu', 'cpu'],
  ['memory', 'memory'],
  ['ephemeralStorage', 'ephemeral-storage'],
];

function resources(values: JsonObject): JsonObject {
  const out: JsonObject = {};
  const limits = mapOf(values, 'limits');
  const requests = mapOf(values, 'requests');
  if (truthy(values, 'limits')) out['limits'] = pick(limits);
  if (truthy(values, 'requests') || truthy(values, 'limits')) {
    // The chart pins a request of "0" for every limited resource without a request, so Kubernetes does not
    // default the request to the limit.
    const picked: JsonObject = {};
    for (const [from, to] of resourceNames) {
      const value = textOf(requests, from);
      if (value) picked[to] = value;
      else if (textOf(limits, from)) picked[to] = '0';
    }
    out['requests'] = picked;
  }
  return out;
}

function pick(values: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [from, to] of resourceNames) {
    const value = textOf(values, from);
    if (value) out[to] = value;
  }
  return out;
}

function podVolumes(values: JsonObject): Json[] {
  const mounts = mountsOf(values, true);
  const out: Json[] = [];
  for (const volume of mapsOf(values, 'volumes')) {
    const name = textOf(volume, 'name') ?? '';
    const kind = volumeKind(volume);
    const used = mounts.filter((m) => m.volume === name);
    if (used.length === 0) continue;
    // Writable persistent volumes come from volumeClaimTemplates; the rest are listed in the pod.
    if (kind === 'persistent' && !used.some((m) => m.readOnly || m.shared)) continue;
    switch (kind) {
      case 'secret':
        out.push({ name, secret: volume['secret'] ?? null });
        break;
      case 'configMap':
        out.push({ name, configMap: volume['configMap'] ?? null });
        break;
      case 'emptyDir':
        out.push({ name, emptyDir: volume['emptyDir'] === true ? {} : (volume['emptyDir'] ?? {}) });
        break;
      case 'persistent':
        out.push({ name, persistentVolumeClaim: { claimName: name } });
        break;
    }
  }
  return out;
}

/** The claim spec of a persistent volume, for volumeClaimTemplates and standalone claims alike. */
export function claimSpec(volume: JsonObject): JsonObject {
  const spec: JsonObject = {};
  for (const key of ['storageClassName', 'volumeMode', 'volumeName', 'dataSource'])
    copyIfSet(spec, volume, key);
  const modes = listOf(volume, 'accessModes');
  spec['accessModes'] = modes.length > 0 ? modes : ['ReadWriteOnce'];
  spec['resources'] = { requests: { storage: textOf(volume, 'size') ?? '' } };
  return spec;
}

/** Labels and annotations of a claim: the component's selector labels plus the volume's own. */
export function claimMetadata(volume: JsonObject, selector: { [key: string]: string }): JsonObject {
  const metadata: JsonObject = {
    name: textOf(volume, 'name') ?? '',
    labels: { ...selector, ...stringMap(volume, 'labels') },
  };
  const annotations = stringMap(volume, 'annotations');
  if (Object.keys(annotations).length > 0) metadata['annotations'] = annotations;
  return metadata;
}

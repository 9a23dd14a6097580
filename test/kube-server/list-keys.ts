// Which lists merge element by element, and on which key. The real server reads this from the Go types
// (staging/src/k8s.io/api/core/v1/types.go and friends, Kubernetes 1.32): server-side apply and managedFields
// use `+listType=map` with `+listMapKey` (published as `x-kubernetes-list-map-keys` in the OpenAPI), strategic
// merge patch uses `patchMergeKey`. The two differ: Service and container ports are keyed by (port, protocol)
// for apply but by port alone for strategic merge. The stand-in knows the lists that manifests actually use.
import { isRecord } from './object.ts';

/** `x-kubernetes-list-map-keys` by field name (1.32). `imagePullSecrets` is atomic for apply until 1.33. */
const mapKeysByField: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  conditions: ['type'],
  ownerReferences: ['uid'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
};

/** `patchMergeKey` by field name. */
const mergeKeyByField: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};

/**
 * Schema defaults of key fields: a port without `protocol` is keyed as TCP (`+default="TCP"` on
 * ContainerPort.Protocol and ServicePort.Protocol), so `{port: 80}` and `{port: 80, protocol: TCP}` are the
 * same element, while 53/TCP and 53/UDP are two.
 */
const keyDefaults: Record<string, unknown> = { protocol: 'TCP' };

/** The list-map keys of the list under `field` for server-side apply, or undefined when it is atomic. */
export function mapKeys(field: string, elements: readonly unknown[]): string[] | undefined {
  if (!elements.every(isRecord)) return undefined;
  if (field === 'ports') {
    return elements.some((e) => 'containerPort' in e) ? ['containerPort', 'protocol'] : ['port', 'protocol'];
  }
  return mapKeysByField[field];
}

/** The strategic-merge key of the list under `field`, or undefined when the list is replaced whole. */
export function mergeKey(field: string, elements: readonly unknown[]): string | undefined {
  if (!elements.every(isRecord)) return undefined;
  if (field === 'ports') return elements.some((e) => 'containerPort' in e) ? 'containerPort' : 'port';
  return mergeKeyByField[field];
}

/** Lists of strings that strategic merge patch unions instead of replacing. */
export function isPrimitiveMergeList(field: string): boolean {
  return field === 'finalizers';
}

/** The key value of one list element for a strategic merge, as a string that identifies it. */
export function keyValue(element: unknown, key: string): string | undefined {
  if (!isRecord(element)) return undefined;
  const value = element[key];
  return value === undefined ? undefined : JSON.stringify(value);
}

/**
 * The key of one element of a list map, as `{"port":53,"protocol":"UDP"}` (keys sorted, defaults filled),
 * the form managedFields use after `k:`; undefined when a key without a default is missing.
 */
export function mapKeyOf(element: unknown, keys: readonly string[]): string | undefined {
  if (!isRecord(element)) return undefined;
  const key: Record<string, unknown> = {};
  for (const name of [...keys].sort()) {
    const value = element[name] ?? keyDefaults[name];
    if (value === undefined) return undefined;
    key[name] = value;
  }
  return JSON.stringify(key);
}

// Which lists merge element by element, and on which key. The real server reads this from the Go types'
// `patchMergeKey` / `listMapKeys`; the stand-in knows the lists that manifests actually use.
import { isRecord } from './object.ts';

const byField: Record<string, string> = {
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

/** The merge key of the list under `field`, or undefined when the list is atomic (replaced whole). */
export function listKey(field: string, elements: readonly unknown[]): string | undefined {
  if (!elements.every(isRecord)) return undefined;
  if (field === 'ports') {
    // Container ports key on containerPort, Service ports on port.
    return elements.some((e) => 'containerPort' in e) ? 'containerPort' : 'port';
  }
  return byField[field];
}

/** Lists of strings that strategic merge patch unions instead of replacing. */
export function isPrimitiveMergeList(field: string): boolean {
  return field === 'finalizers';
}

/** The key value of one list element, as a string that identifies it. */
export function keyValue(element: unknown, key: string): string | undefined {
  if (!isRecord(element)) return undefined;
  const value = element[key];
  return value === undefined ? undefined : JSON.stringify(value);
}

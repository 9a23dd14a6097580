// Server-side printing: `kubectl get` asks for a `meta.k8s.io/v1` Table and prints its columns, and some
// clients ask for metadata only (`PartialObjectMetadata`). Columns follow the real ones for common kinds.
import { isRecord, text, type KubeObject } from './object.ts';
import type { ResourceType } from './resources.ts';

/** The representations a GET, LIST or WATCH can be answered in, from the Accept header. */
export type Representation = 'object' | 'table' | 'metadata';

/** Which representation the Accept header prefers (the first one the stand-in knows). */
export function representationOf(accept: string): Representation {
  for (const part of accept.split(',')) {
    if (part.includes('as=Table')) return 'table';
    if (part.includes('as=PartialObjectMetadata')) return 'metadata';
    if (part.includes('json') || part.includes('*/*')) return 'object';
  }
  return 'object';
}

/** The `PartialObjectMetadata` of an object. */
export function partialMetadata(object: KubeObject): object {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

/** A list of objects as `PartialObjectMetadataList`. */
export function partialMetadataList(objects: readonly KubeObject[], resourceVersion: number): object {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: String(resourceVersion) },
    items: objects.map(partialMetadata),
  };
}

type Column = [name: string, cell: (o: KubeObject) => string | number];

const age: Column = ['Age', (o) => humanAge(o.metadata.creationTimestamp)];
const name: Column = ['Name', (o) => o.metadata.name];

function field(o: KubeObject, ...path: string[]): unknown {
  let current: unknown = o;
  for (const p of path) current = isRecord(current) ? current[p] : undefined;
  return current;
}

function num(o: KubeObject, ...path: string[]): number {
  const v = field(o, ...path);
  return typeof v === 'number' ? v : 0;
}

function count(o: KubeObject, key: string): number {
  const v = field(o, key);
  return isRecord(v) ? Object.keys(v).length : 0;
}

function columnsFor(kind: string): Column[] {
  switch (kind) {
    case 'Deployment':
      return [
        name,
        ['Ready', (o) => `${num(o, 'status', 'readyReplicas')}/${num(o, 'spec', 'replicas')}`],
        ['Up-to-date', (o) => num(o, 'status', 'updatedReplicas')],
        ['Available', (o) => num(o, 'status', 'availableReplicas')],
        age,
      ];
    case 'StatefulSet':
    case 'ReplicaSet':
      return [
        name,
        ['Ready', (o) => `${num(o, 'status', 'readyReplicas')}/${num(o, 'spec', 'replicas')}`],
        age,
      ];
    case 'Pod':
      return [name, ['Status', (o) => text(field(o, 'status', 'phase'), 'Pending')], age];
    case 'Service':
      return [
        name,
        ['Type', (o) => text(field(o, 'spec', 'type'), '')],
        ['Cluster-IP', (o) => text(field(o, 'spec', 'clusterIP'), '<none>')],
        ['Port(s)', (o) => servicePorts(field(o, 'spec', 'ports'))],
        age,
      ];
    case 'Namespace':
      return [name, ['Status', (o) => text(field(o, 'status', 'phase'), '')], age];
    case 'ConfigMap':
      return [name, ['Data', (o) => count(o, 'data') + count(o, 'binaryData')], age];
    case 'Secret':
      return [name, ['Type', (o) => text(field(o, 'type'), '')], ['Data', (o) => count(o, 'data')], age];
    case 'Job':
      return [
        name,
        ['Completions', (o) => `${num(o, 'status', 'succeeded')}/${num(o, 'spec', 'completions')}`],
        age,
      ];
    default:
      return [name, age];
  }
}

function servicePorts(ports: unknown): string {
  if (!Array.isArray(ports) || ports.length === 0) return '<none>';
  return ports
    .filter(isRecord)
    .map((p) => `${text(p['port'])}/${text(p['protocol'], 'TCP')}`)
    .join(',');
}

/** A `Table` of objects; `includeObject` is `None`, `Metadata` (the default) or `Object`. */
export function table(
  type: ResourceType,
  objects: readonly KubeObject[],
  resourceVersion: number,
  includeObject: string | null,
): object {
  const columns = columnsFor(type.kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: String(resourceVersion) },
    columnDefinitions: columns.map(([title], i) => ({
      name: title,
      type: 'string',
      format: i === 0 ? 'name' : '',
      description: title,
      priority: 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map(([, cell]) => cell(o)),
      ...(includeObject === 'None' ? {} : { object: includeObject === 'Object' ? o : partialMetadata(o) }),
    })),
  };
}

/** An age the way kubectl prints it: `42s`, `3m12s`, `25m`, `5h3m`, `3d`. */
export function humanAge(timestamp: string | undefined): string {
  if (timestamp === undefined) return '<unknown>';
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(timestamp)) / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  if (seconds < 120) return `${seconds}s`;
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (hours < 3) return `${minutes}m`;
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

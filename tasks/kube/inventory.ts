// How dsg marks what it deployed: a label that finds every object of a deployment (for pruning and
// status), a per-object content digest (for change detection) and the task key that last wrote it.
import { createHash } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../../cache/canonical.ts';
import type { Json } from '../../core/json.ts';
import type { TaskNode } from '../../core/task.ts';
import { objectAt, refKey, type JsonObject, type KubeObject, type ObjectRef } from '../render/object.ts';

/** The field manager of dsg's applies. */
export const fieldManager = 'dsg';
/** The label that lists a deployment's objects. */
export const deploymentLabel = 'dsg.dev/deployment';
/** The standard label saying who manages the object. */
export const managedByLabel = 'app.kubernetes.io/managed-by';
/** The digest of the rendered object, compared before sending it again. */
export const digestAnnotation = 'dsg.dev/digest';
/** The key of the deploy task that last applied the object. */
export const keyAnnotation = 'dsg.dev/key';

/** One deployed object as recorded in the deploy output: identity, content digest, and its write marker. */
export interface DeployedObject extends ObjectRef {
  digest: string;
  /**
   * A digest of the fields dsg's apply owns (its `managedFields` entry): it changes when someone else
   * writes one of them (the server moves the field to them) or removes one, and not when controllers write
   * status, annotations of their own or replicas through `scale`. A different marker with the same digest
   * means someone edited the object by hand.
   */
  marker: string;
}

/** The label value of a deployment: its scope and name, made a valid label value (hashed when too long). */
export function deploymentLabelValue(task: TaskNode): string {
  const raw = `${task.project.scope.replace(/\/$/, '').replace(/\//g, '.')}${task.project.scope ? '.' : ''}${task.name}`;
  let value = raw.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (value.length > 63 || value !== raw) {
    const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
    value = `${value.slice(0, 54).replace(/[^A-Za-z0-9]+$/, '')}-${hash}`;
  }
  return value;
}

/** The label selector of a deployment's objects. */
export function selectorOf(labelValue: string): string {
  return `${deploymentLabel}=${labelValue}`;
}

/**
 * `object` with the namespace set (namespaced kinds) and dsg's labels and annotations added. Only the
 * metadata is new; the rest is shared with `object`, which is left as it was.
 */
export function decorate(
  object: KubeObject,
  namespace: string | undefined,
  labelValue: string,
  digest: string,
  key: string,
): KubeObject {
  const metadata: JsonObject = { ...objectAt(object, 'metadata') };
  if (namespace !== undefined) metadata['namespace'] = namespace;
  else Reflect.deleteProperty(metadata, 'namespace');
  metadata['labels'] = {
    ...objectAt(metadata, 'labels'),
    [deploymentLabel]: labelValue,
    [managedByLabel]: 'dsg',
  };
  metadata['annotations'] = {
    ...objectAt(metadata, 'annotations'),
    [digestAnnotation]: digest,
    [keyAnnotation]: key,
  };
  return { ...object, metadata };
}

/** Whose writes a marker follows: dsg's server-side apply, or helm's updates for the objects of a release. */
export interface FieldOwner {
  manager: string;
  operation: 'Apply' | 'Update';
}

/** dsg's own applies. */
export const dsgOwner: FieldOwner = { manager: fieldManager, operation: 'Apply' };

/**
 * The write marker of a live object (see DeployedObject.marker): a digest of the fields `owner` owns, which
 * change when someone else writes one of them; `none` when it owns no field of it.
 */
export function markerOf(live: KubeObject, owner: FieldOwner = dsgOwner): string {
  const entries = objectAt(live, 'metadata')['managedFields'];
  const own = (Array.isArray(entries) ? entries : []).find(
    (e): e is { [key: string]: Json } =>
      typeof e === 'object' &&
      e !== null &&
      !Array.isArray(e) &&
      e['manager'] === owner.manager &&
      e['operation'] === owner.operation &&
      e['subresource'] === undefined,
  );
  return own ? `f${sha256Hex(canonicalJson(own['fieldsV1'] ?? null)).slice(0, 16)}` : 'none';
}

/** The digest annotation of a live object. */
export function liveDigest(live: KubeObject): string | undefined {
  const value = objectAt(objectAt(live, 'metadata'), 'annotations')[digestAnnotation];
  return typeof value === 'string' ? value : undefined;
}

/** Groups refs by what one list request covers: apiVersion, kind and namespace. */
export function groupRefs<T extends ObjectRef>(
  refs: readonly T[],
): Map<string, { ref: ObjectRef; members: T[] }> {
  const groups = new Map<string, { ref: ObjectRef; members: T[] }>();
  for (const ref of refs) {
    const key = `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      const head: ObjectRef = { apiVersion: ref.apiVersion, kind: ref.kind, name: '' };
      if (ref.namespace) head.namespace = ref.namespace;
      group = { ref: head, members: [] };
      groups.set(key, group);
    }
    group.members.push(ref);
  }
  return groups;
}

/** Indexes objects by refKey. */
export function indexByRef<T extends ObjectRef>(refs: readonly T[]): Map<string, T> {
  return new Map(refs.map((r) => [refKey(r), r]));
}

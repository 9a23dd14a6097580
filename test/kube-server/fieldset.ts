// Field sets in the `FieldsV1` format of `metadata.managedFields`: `{"f:spec":{"f:replicas":{}}}`, keyed
// list elements as `k:{"name":"web"}` with a `.` entry for the element itself. Paths are arrays of those
// segments; a leaf is an empty object in the tree.
import { isRecord, removeKey, type JsonObject } from './object.ts';
import { mapKeyOf, mapKeys } from './list-keys.ts';

/** A field set in FieldsV1 form. */
export type FieldSet = JsonObject;

/** A path into an object: `f:name` and `k:{...}` segments, optionally ending in `.`. */
export type FieldPath = string[];

// Server-owned metadata: never part of anyone's field set.
const serverMetadata = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** The fields an object (or an applied configuration) sets, excluding what the server owns. */
export function fieldsOf(object: Record<string, unknown>, includeStatus = false): FieldSet {
  const set: FieldSet = {};
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind' || value === undefined || value === null) continue;
    if (key === 'status' && !includeStatus) continue;
    if (key === 'metadata' && isRecord(value)) {
      const meta: FieldSet = {};
      for (const [mk, mv] of Object.entries(value)) {
        if (serverMetadata.has(mk) || mv === undefined || mv === null) continue;
        meta[`f:${mk}`] = fieldsOfValue(mk, mv);
      }
      if (Object.keys(meta).length > 0) set['f:metadata'] = meta;
      continue;
    }
    set[`f:${key}`] = fieldsOfValue(key, value);
  }
  return set;
}

function fieldsOfValue(field: string, value: unknown): FieldSet {
  if (isRecord(value)) {
    const set: FieldSet = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && v !== null) set[`f:${k}`] = fieldsOfValue(k, v);
    }
    return set;
  }
  if (Array.isArray(value) && value.length > 0) {
    const keys = mapKeys(field, value);
    if (keys === undefined) return {};
    const set: FieldSet = {};
    for (const element of value) {
      const id = mapKeyOf(element, keys);
      if (!isRecord(element) || id === undefined) continue;
      set[`k:${id}`] = { '.': {}, ...fieldsOfValue('', element) };
    }
    return set;
  }
  return {};
}

/** Every leaf path of a field set. */
export function leaves(set: FieldSet, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [segment, sub] of Object.entries(set)) {
    const path = [...prefix, segment];
    if (isRecord(sub) && Object.keys(sub).length > 0) out.push(...leaves(sub, path));
    else out.push(path);
  }
  return out;
}

/** True when the set overlaps the path: owns it, a parent of it (atomic), or something under it. */
export function contains(set: FieldSet, path: FieldPath): boolean {
  let current: FieldSet = set;
  for (const segment of path) {
    const next = current[segment];
    if (!isRecord(next)) return false;
    if (Object.keys(next).length === 0) return true;
    current = next;
  }
  return true;
}

/** Removes a leaf path from a set, pruning parents it leaves empty. */
export function removePath(set: FieldSet, path: FieldPath): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const sub = set[head];
  if (rest.length === 0 || !isRecord(sub)) {
    removeKey(set, head);
    return;
  }
  removePath(sub, rest);
  const remaining = Object.keys(sub);
  if (remaining.length === 0 || (remaining.length === 1 && remaining[0] === '.')) removeKey(set, head);
}

/** Adds every leaf of `add` to `set`. */
export function union(set: FieldSet, add: FieldSet): FieldSet {
  const out: FieldSet = structuredClone(set);
  for (const path of leaves(add)) {
    let current = out;
    for (const [i, segment] of path.entries()) {
      const existing = current[segment];
      if (i === path.length - 1) {
        if (existing === undefined) current[segment] = {};
      } else {
        const next: FieldSet = isRecord(existing) ? existing : {};
        current[segment] = next;
        current = next;
      }
    }
  }
  return out;
}

/** The value an object holds at a field path, or undefined. */
export function valueAtPath(object: unknown, path: FieldPath): unknown {
  let current = object;
  for (const segment of path) {
    if (segment === '.') return current;
    if (segment.startsWith('f:')) {
      current = isRecord(current) ? current[segment.slice(2)] : undefined;
    } else if (segment.startsWith('k:')) {
      current = Array.isArray(current) ? current.find((e) => matchesKey(e, segment)) : undefined;
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/** Deletes the field (or keyed list element, for a path ending in `.`) at `path` from an object. */
export function deleteAtPath(object: Record<string, unknown>, path: FieldPath): void {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (last === '.') {
    const elementSegment = parentPath.pop();
    const list = valueAtPath(object, parentPath);
    if (elementSegment !== undefined && Array.isArray(list)) {
      const index = list.findIndex((e) => matchesKey(e, elementSegment));
      if (index >= 0) list.splice(index, 1);
    }
    return;
  }
  const parent = valueAtPath(object, parentPath);
  if (isRecord(parent) && last.startsWith('f:')) removeKey(parent, last.slice(2));
  else if (Array.isArray(parent) && last.startsWith('k:')) {
    const index = parent.findIndex((e) => matchesKey(e, last));
    if (index >= 0) parent.splice(index, 1);
  }
}

function matchesKey(element: unknown, segment: string): boolean {
  const wanted: unknown = JSON.parse(segment.slice(2));
  if (!isRecord(wanted)) return false;
  return mapKeyOf(element, Object.keys(wanted)) === JSON.stringify(wanted);
}

/** A path as the real server prints it in conflicts: `.spec.containers[name="web"].image`. */
export function printPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (segment === '.') continue;
    if (segment.startsWith('f:')) out += `.${segment.slice(2)}`;
    else if (segment.startsWith('k:')) {
      const key: unknown = JSON.parse(segment.slice(2));
      const parts = isRecord(key) ? Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`) : [];
      out += `[${parts.join(',')}]`;
    }
  }
  return out;
}

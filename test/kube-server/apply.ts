// Server-side apply and field ownership. Each manager's fields are recorded in `metadata.managedFields`;
// an apply merges the applied configuration over the live object, removes the fields this manager applied
// before and no longer applies (unless another manager owns them too), and reports conflicts with other
// managers' fields unless forced.
import {
  asArray,
  clone,
  deepEqual,
  isRecord,
  now,
  type KubeObject,
  type ManagedFieldsEntry,
} from './object.ts';
import {
  contains,
  deleteAtPath,
  fieldsOf,
  leaves,
  printPath,
  removePath,
  union,
  valueAtPath,
  type FieldPath,
  type FieldSet,
} from './fieldset.ts';
import { mapKeyOf, mapKeys } from './list-keys.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';

/** A field another manager owns with a different value. */
export interface ApplyConflict {
  manager: string;
  apiVersion: string;
  path: FieldPath;
}

/** Options of one apply request. */
export interface ApplyOptions {
  manager: string;
  force: boolean;
}

/** Applies `config` over `live` (or creates from it); fails with the conflicts when not forced. */
export function serverSideApply(
  live: KubeObject | undefined,
  config: KubeObject,
  options: ApplyOptions,
): Result<KubeObject, ApplyConflict[]> {
  const applied = withoutNulls(config) as KubeObject;
  const appliedSet = fieldsOf(applied);
  const entry = (fields: FieldSet): ManagedFieldsEntry => ({
    manager: options.manager,
    operation: 'Apply',
    apiVersion: config.apiVersion,
    time: now(),
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
  });
  if (!live) {
    const created = clone(applied);
    delete created['status'];
    created.metadata.managedFields = [entry(appliedSet)];
    return ok(created);
  }
  const entries = clone(live.metadata.managedFields ?? []);
  const mine = entries.find((e) => isOwn(e, options.manager));
  // Status writers never conflict with an apply of the object; a `scale` writer (an autoscaler) does.
  const others = entries.filter((e) => e !== mine && e.subresource !== 'status');

  const conflicts: ApplyConflict[] = [];
  for (const path of leaves(appliedSet)) {
    if (path[path.length - 1] === '.') continue;
    for (const other of others) {
      if (!contains(other.fieldsV1, path)) continue;
      if (deepEqual(valueAtPath(live, path), valueAtPath(applied, path))) continue;
      conflicts.push({ manager: other.manager, apiVersion: other.apiVersion, path });
    }
  }
  if (conflicts.length > 0 && !options.force) return fail(conflicts);
  for (const c of conflicts) {
    for (const other of others) if (other.manager === c.manager) removePath(other.fieldsV1, c.path);
  }

  const result = clone(live);
  const previous = mine?.fieldsV1 ?? {};
  // Deepest paths first, so an element's fields go before the element itself.
  const dropped = leaves(previous)
    .filter((p) => !contains(appliedSet, p) && !others.some((o) => contains(o.fieldsV1, p)))
    .sort((a, b) => b.length - a.length);
  for (const path of dropped) deleteAtPath(result, path);

  const merged = applyMerge(result, applied) as KubeObject;
  // The manager's entry keeps its place, so an apply that changes nothing leaves the object equal.
  const own = mine && deepEqual(mine.fieldsV1, appliedSet) ? mine : entry(appliedSet);
  merged.metadata.managedFields = [
    ...(mine ? entries.map((e) => (e === mine ? own : e)) : [...entries, own]),
  ].filter((e) => Object.keys(e.fieldsV1).length > 0);
  return ok(merged);
}

function isOwn(entry: ManagedFieldsEntry, manager: string): boolean {
  return entry.manager === manager && entry.operation === 'Apply' && entry.subresource === undefined;
}

/** Merges an applied configuration: maps recursively, keyed lists by key, everything else replaced. */
function applyMerge(live: unknown, applied: unknown, field = ''): unknown {
  if (isRecord(applied)) {
    const out: Record<string, unknown> = isRecord(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (k === 'status' && field === '') continue;
      if (field === 'metadata' && k === 'managedFields') continue;
      out[k] = applyMerge(out[k], v, k);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const appliedList = asArray(applied);
    const liveList = asArray(live);
    const keys = mapKeys(field, [...liveList, ...appliedList]);
    if (keys === undefined) return clone(appliedList);
    const out = liveList.map((e) => clone(e));
    for (const element of appliedList) {
      const id = mapKeyOf(element, keys);
      const index = out.findIndex((e) => id !== undefined && mapKeyOf(e, keys) === id);
      if (index >= 0) out[index] = applyMerge(out[index], element, '');
      else out.push(clone(element));
    }
    return out;
  }
  return clone(applied);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
  return out;
}

/** The conflict message the real server returns, which kubectl prints verbatim. */
export function conflictMessage(conflicts: readonly ApplyConflict[]): string {
  const n = conflicts.length;
  if (n === 1 && conflicts[0]) {
    const c = conflicts[0];
    return `Apply failed with 1 conflict: conflict with "${c.manager}" using ${c.apiVersion}: ${printPath(c.path)}`;
  }
  const lines = conflicts.map((c) => `- ${printPath(c.path)}`).join('\n');
  const managers = [...new Set(conflicts.map((c) => `"${c.manager}"`))].join(', ');
  return `Apply failed with ${n} conflicts: conflicts with ${managers}:\n${lines}`;
}

/**
 * Records a non-apply write (create, update, patch) by `manager`: the fields it changed become its own
 * and leave every other manager; fields that no longer exist leave everyone.
 */
export function trackUpdate(
  live: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  subresource?: string,
): void {
  const forStatus = subresource === 'status';
  const before = live ? fieldsOf(live, forStatus) : {};
  const after = fieldsOf(updated, forStatus);
  const changed = leaves(after).filter(
    (p) =>
      (!forStatus || p[0] === 'f:status') &&
      (!live || !contains(before, p) || !deepEqual(valueAtPath(live, p), valueAtPath(updated, p))),
  );
  const gone = leaves(before).filter((p) => !contains(after, p));
  const entries = clone(updated.metadata.managedFields ?? []);
  const sameOp = (e: ManagedFieldsEntry): boolean =>
    e.manager === manager && e.operation === 'Update' && e.subresource === subresource;
  for (const e of entries) if (!sameOp(e)) for (const p of [...changed, ...gone]) removePath(e.fieldsV1, p);
  const changedSet: FieldSet = {};
  for (const p of changed) addPath(changedSet, p);
  let mine = entries.find(sameOp);
  if (mine) {
    for (const p of gone) removePath(mine.fieldsV1, p);
    if (changed.length > 0) {
      mine.fieldsV1 = union(mine.fieldsV1, changedSet);
      mine.time = now();
    }
  } else if (changed.length > 0) {
    mine = {
      manager,
      operation: 'Update',
      apiVersion: updated.apiVersion,
      time: now(),
      fieldsType: 'FieldsV1',
      fieldsV1: changedSet,
    };
    if (subresource !== undefined) mine.subresource = subresource;
    entries.push(mine);
  }
  const kept = entries.filter((e) => Object.keys(e.fieldsV1).length > 0);
  if (kept.length > 0) updated.metadata.managedFields = kept;
  else delete updated.metadata.managedFields;
}

function addPath(set: FieldSet, path: FieldPath): void {
  let current = set;
  for (const segment of path) {
    const next = current[segment];
    const sub: FieldSet = isRecord(next) ? next : {};
    current[segment] = sub;
    current = sub;
  }
}
